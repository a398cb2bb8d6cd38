// The engine run in slices (report/steps.ts) gives exactly the figures of the engine run at once,
// gives the event loop back while it works, and the Presenter uses it for large snapshots: the
// status bar says "loading" (never an empty or a wrong figure) until the sliced views are in.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Listeners } from '../../src/app/disposable';
import { Presenter, SLICED_ROWS } from '../../src/app/presenter';
import type { PresenterViews } from '../../src/app/presenter';
import type { Settings } from '../../src/config';
import { summarize, summarizeSliced } from '../../src/report/summary';
import { runSliced, runSteps } from '../../src/report/steps';
import type { Steps } from '../../src/report/steps';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import type { UsageState } from '../../src/state';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { deriveViews, snapshotRows } from '../../src/views/derive';
import type { StatusFigures } from '../../src/views/statusText';
import type { TreeData } from '../../src/views/treeText';
import { createDenseOrg } from '../server/denseOrg';

const NOW_MS = Date.UTC(2026, 10, 18, 15, 45);
const state = (s: Partial<UsageState>): UsageState => ({ mode: 'api', snapshot: undefined, loading: false, error: undefined, staleSince: undefined, ...s });

/** A fresh copy of the data arrays: the engine keeps figures per array, a copy starts cold. */
function cold(s: UsageSnapshot): UsageSnapshot {
  return { ...s, costs: [...s.costs], usage: Object.fromEntries(Object.entries(s.usage).map(([k, v]) => [k, [...(v ?? [])]])) };
}

let sample: UsageSnapshot;
let dense: UsageSnapshot;
before(async () => {
  sample = await loadSnapshot(createSampleOrg({ now: NOW_MS, seed: 11 }), { nowMs: NOW_MS, rangeDays: 90 });
  dense = await loadSnapshot(createDenseOrg({ projects: 12, models: 50 }), { nowMs: NOW_MS, rangeDays: 90 });
});

describe('report/steps', () => {
  it('runSteps and runSliced return the same value; runSliced pauses when a slice is used up', async () => {
    function* count(n: number): Steps<number> {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        sum += i;
        yield;
      }
      return sum;
    }
    assert.equal(runSteps(count(1000)), 499_500);
    let pauses = 0;
    const value = await runSliced(count(1000), { sliceMs: 0, pause: async () => void pauses++ });
    assert.equal(value, 499_500);
    assert.equal(pauses, 1000, 'with a slice of 0 ms, every step gives the loop back');
  });

  it('runSliced stops between slices when its signal is aborted', async () => {
    function* forever(): Steps<never> {
      for (;;) yield;
    }
    const abort = new AbortController();
    let pauses = 0;
    const run = runSliced(forever(), { sliceMs: 0, signal: abort.signal, pause: async () => void (++pauses === 3 && abort.abort(new Error('no longer wanted'))) });
    await assert.rejects(run, /no longer wanted/);
    assert.equal(pauses, 3);
  });
});

describe('report: summarize in slices', () => {
  for (const [name, get] of [
    ['the sample organisation', () => sample],
    ['a dense organisation (12 projects × 50 models × 90 days)', () => dense],
  ] as const) {
    it(`gives exactly the figures of summarize, on ${name}, with the loop given back on the way`, async () => {
      const at = summarize(cold(get()), { nowMs: NOW_MS, rangeDays: 30 });
      let pauses = 0;
      const sliced = await summarizeSliced(cold(get()), { nowMs: NOW_MS, rangeDays: 30 }, { sliceMs: 0, pause: async () => void pauses++ });
      assert.deepEqual(sliced, at);
      assert.ok(pauses > 0, 'the sliced run paused');
      assert.ok(at.today > 0 && at.projects.length > 0, 'the data has figures to compare');
    });
  }

  it('refuses data whose totals a number cannot hold, as summarize does', async () => {
    const bad = cold(sample);
    const huge = { startTime: bad.costs[0]?.startTime ?? 0, endTime: (bad.costs[0]?.startTime ?? 0) + 86_400, rows: [1, 2].map(() => ({ values: { amount: 1.5e308 }, dims: { project_id: 'p' }, currency: 'usd' })) };
    const data = { ...bad, costs: [...bad.costs, huge] };
    assert.throws(() => summarize(data, { nowMs: NOW_MS, rangeDays: 90 }), /more than a number can hold/);
    await assert.rejects(summarizeSliced({ ...data, costs: [...data.costs] }, { nowMs: NOW_MS, rangeDays: 90 }, { sliceMs: 0 }), /more than a number can hold/);
  });
});

describe('app/presenter: large snapshots are derived in slices', () => {
  it('shows "loading" until the sliced views are in, then exactly the views of deriveViews', async () => {
    assert.ok(snapshotRows(dense) >= SLICED_ROWS, `the dense org is large (${snapshotRows(dense)} rows)`);
    const log: { loading: boolean; figures: StatusFigures | undefined; tree: TreeData | undefined }[] = [];
    let figures: StatusFigures | undefined;
    let loading = false;
    const views: PresenterViews = {
      statusBar: { render: (s, f) => ((loading = s.loading), (figures = f)) },
      tree: { render: (_s, tree) => void log.push({ loading, figures, tree }) },
      treeView: {},
      setContext: () => undefined,
    };
    const changes = new Listeners<void>();
    let current = state({ mode: 'api' });
    const presenter = new Presenter(views, {
      model: { get state() { return current; }, onDidChange: (l) => changes.add(l) },
      mode: { resolved: true, onDidResolve: () => ({ dispose: () => undefined }) },
      settings: () => ({ defaultRangeDays: 30, monthlyBudget: 0 }) as Settings,
      now: () => NOW_MS,
      formatTime: (ms) => new Date(ms).toISOString(),
    });
    const data = cold(dense);
    current = state({ mode: 'api', snapshot: data });
    changes.fire();
    assert.equal(log.length, 1);
    assert.equal(log[0]?.loading, true, 'loading while the views are derived');
    assert.equal(log[0]?.figures, undefined, 'no figure before the data is summed');
    assert.equal(presenter.busy, true);
    while (presenter.busy) await new Promise((r) => setTimeout(r, 5));
    const last = log.at(-1);
    const expected = deriveViews(cold(dense), NOW_MS, 30);
    assert.equal(last?.loading, false);
    assert.deepEqual(last?.figures, expected.status);
    assert.deepEqual(last?.tree?.projects, expected.tree.projects);
    // The same snapshot again (another model change): the views are kept, not derived again.
    changes.fire();
    assert.equal(presenter.busy, false);
    assert.deepEqual(log.at(-1)?.figures, expected.status);
    presenter.dispose();
  });
});
