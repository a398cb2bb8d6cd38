// Start-up from the stored summary: the status bar shows the last figures (marked as loading)
// before the stored snapshot has been read, and the snapshot's own figures once it is in.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Listeners } from '../../src/app/disposable';
import { Presenter, storedSummaryOf } from '../../src/app/presenter';
import type { PresenterViews } from '../../src/app/presenter';
import type { Settings } from '../../src/config';
import { UsageModel } from '../../src/model';
import type { ModelDeps } from '../../src/model';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import type { StoredSummary } from '../../src/usage/compactStore';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { readStore, readSummary, storeFiles, writeStore } from '../../src/usage/snapshotStore';
import type { StoreFiles } from '../../src/usage/snapshotStore';
import { renderStatus } from '../../src/views/statusText';

const NOW = Date.UTC(2026, 10, 23, 14, 0);
const DAY_MS = 86_400_000;
const SETTINGS = { defaultRangeDays: 30, statusBarEnabled: true, statusBarShow: 'today', monthlyBudget: 0, budgetWarningPercent: 80 } as unknown as Settings;
const money = (v: number, c: string): string => `${v.toFixed(2)} ${c}`;

interface Rig {
  model: UsageModel;
  texts: string[];
  /** Lets the stored snapshot's read finish. */
  release(): void;
  /** Resolves once the summary has been read and the model has handled it. */
  summaryRead(): Promise<void>;
  /** Marks the mode resolved, as ModeSwitch.apply does once setMode has resolved. */
  resolve(): void;
}

function rig(files: StoreFiles, now: number, refresh?: () => Promise<UsageSnapshot>): Rig {
  let release!: () => void;
  let summaryDone: Promise<unknown> = new Promise(() => undefined);
  const gate = new Promise<void>((r) => (release = r));
  const deps: ModelDeps = {
    createSource: async () => ({ kind: 'api', query: async () => [], projects: async () => [] }),
    load: async () => (refresh ? refresh() : Promise.reject(new Error('no network in this test'))),
    readStoredSummary: () => {
      const read = readSummary(files);
      summaryDone = read;
      return read;
    },
    readStored: async () => {
      await gate;
      return readStore(files);
    },
    writeStored: async () => undefined,
    clearStored: async () => undefined,
    rangeDays: () => 30,
    now: () => now,
    describeError: (e) => ({ message: String(e), kind: 'unknown' }),
    log: () => undefined,
  };
  const model = new UsageModel(deps);
  const texts: string[] = [];
  const resolved = new Listeners<void>();
  let known = false;
  const views: PresenterViews = {
    statusBar: { render: (state, figures) => void texts.push(renderStatus(state, figures, { show: 'today', monthlyBudget: 0, budgetWarningPercent: 80, formatMoney: money, formatTime: String }).text) },
    tree: { render: () => undefined },
    treeView: {},
    setContext: () => undefined,
  };
  new Presenter(views, { model, mode: { get resolved() { return known; }, onDidResolve: (l) => resolved.add(l) }, settings: () => SETTINGS, now: () => now, formatTime: String });
  const summaryRead = async (): Promise<void> => {
    await summaryDone;
    // The model's continuation after the read runs before the next macrotask.
    await new Promise((r) => setImmediate(r));
  };
  return { model, texts, release, summaryRead, resolve: () => ((known = true), resolved.fire()) };
}

describe('start-up from the stored summary', () => {
  let dir = '';
  let snapshot: UsageSnapshot;
  let summary: StoredSummary;
  let files: StoreFiles;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'summary-first-'));
    files = storeFiles(dir);
    snapshot = { ...(await loadSnapshot(createSampleOrg({ now: NOW, seed: 4 }), { nowMs: NOW, rangeDays: 30 })), source: 'api', origin: 'fp_a' };
    summary = await storedSummaryOf(snapshot, 30);
    await writeStore(files, snapshot, summary);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('paints the stored figures, as loading, before the snapshot is read; then the snapshot figures', async () => {
    const r = rig(files, NOW);
    const today = money(summary.figures.today, 'usd');
    assert.ok(summary.figures.today > 0);
    const switching = r.model.setMode('api', 'fp_a');
    await r.summaryRead();
    // The billed figure first (an estimate may follow it, always marked ≈).
    assert.equal(r.texts.length, 1, 'one status text, from the summary, while the snapshot read waits');
    assert.ok(r.texts[0]?.startsWith(`$(sync~spin) ${today}`), r.texts[0]);
    assert.equal(r.model.state.snapshot, undefined);
    r.release();
    await switching;
    r.resolve();
    assert.equal(r.texts.at(-1), r.texts[0]?.replace('$(sync~spin)', '$(graph)'), 'the snapshot gives the same figures, no longer loading');
    assert.equal(r.model.storedStatus, undefined, 'the summary is not used once the snapshot is in');
  });

  it('a summary of another key or host is not shown', async () => {
    const r = rig(files, NOW);
    const switching = r.model.setMode('api', 'fp_other');
    await r.summaryRead();
    assert.deepEqual(r.texts, []);
    r.release();
    await switching;
    r.resolve();
    assert.equal(r.model.state.snapshot, undefined, 'nor its snapshot');
    assert.deepEqual(r.texts, ['$(sync~spin) OpenAI Usage']);
  });

  it('on a later UTC day the stored figures say which day they are of', async () => {
    const r = rig(files, NOW + DAY_MS);
    const switching = r.model.setMode('api', 'fp_a');
    await r.summaryRead();
    assert.equal(r.model.storedStatus?.fetchedAt, snapshot.fetchedAt);
    r.release();
    await switching;
    r.resolve();
    assert.match(r.texts[0] ?? '', /^\$\(sync~spin\) /);
    assert.match(r.texts.at(-1) ?? '', /^\$\(warning\) /, 'figures of an earlier day are marked');
  });

  it('a summary whose snapshot cannot be read is dropped: no figures without data behind them', async () => {
    const lonely = storeFiles(path.join(dir, 'lonely'));
    const { writeStoredSummary } = await import('../../src/usage/compactStore');
    await writeStoredSummary(lonely.summary, summary);
    const r = rig(lonely, NOW);
    const switching = r.model.setMode('api', 'fp_a');
    await r.summaryRead();
    assert.ok(r.model.storedStatus);
    r.release();
    await switching;
    assert.equal(r.model.storedStatus, undefined);
    r.resolve();
    assert.equal(r.texts.at(-1), '$(sync~spin) OpenAI Usage');
  });

  it('a refresh that lands before the stored read wins over both', async () => {
    const fresh = { ...snapshot, fetchedAt: NOW + 1000 };
    const r = rig(files, NOW, async () => fresh);
    const switching = r.model.setMode('api', 'fp_a');
    await r.summaryRead();
    await r.model.refresh();
    assert.equal(r.model.state.snapshot?.fetchedAt, NOW + 1000);
    assert.equal(r.model.storedStatus, undefined);
    r.release();
    await switching;
    assert.equal(r.model.state.snapshot?.fetchedAt, NOW + 1000, 'the older stored snapshot does not replace it');
  });
});
