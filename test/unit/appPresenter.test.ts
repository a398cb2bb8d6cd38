import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Listeners } from '../../src/app/disposable';
import { Presenter, present } from '../../src/app/presenter';
import type { PresenterViews } from '../../src/app/presenter';
import type { Settings } from '../../src/config';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import type { UsageState } from '../../src/state';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import { deriveViews } from '../../src/views/derive';

const NOW_MS = Date.UTC(2025, 2, 15, 18, 30);
const DAY_MS = 86_400_000;
const formatTime = (ms: number): string => new Date(ms).toISOString();
const state = (s: Partial<UsageState>): UsageState => ({ mode: 'api', snapshot: undefined, loading: false, error: undefined, staleSince: undefined, ...s });

let snapshot: UsageSnapshot;
before(async () => {
  snapshot = await loadSnapshot(createSampleOrg({ now: NOW_MS, seed: 3 }), { nowMs: NOW_MS, rangeDays: 30 });
});

describe('app/presenter: present', () => {
  it('no mode: nothing to show, the welcome view (mode none)', () => {
    assert.deepEqual(present(state({ mode: 'none' }), 30, NOW_MS, formatTime), {
      status: undefined,
      tree: undefined,
      description: undefined,
      message: undefined,
      mode: 'none',
      budget: undefined,
      budgetNote: undefined,
      projectBudgets: [],
    });
  });

  it("today's data: the figures of today, the range as the description, no message", () => {
    const p = present(state({ snapshot }), 7, NOW_MS, formatTime);
    const views = deriveViews(snapshot, NOW_MS, 7);
    assert.deepEqual(p.status, views.status);
    assert.equal(p.status?.asOfDay, undefined);
    assert.deepEqual(p.tree, { ...views.tree, grouping: 'projects' });
    assert.equal(p.description, 'last 7 UTC days');
    assert.equal(p.message, undefined);
  });

  it('grouped by API key or model: the description says so; the tree carries the grouping', () => {
    const byKey = present(state({ snapshot }), 7, NOW_MS, formatTime, 0, 'apiKeys');
    assert.equal(byKey.description, 'last 7 UTC days · by API key');
    assert.equal(byKey.tree?.grouping, 'apiKeys');
    const byModel = present(state({ snapshot }), 7, NOW_MS, formatTime, 0, 'models');
    assert.equal(byModel.description, 'last 7 UTC days · by model');
  });

  it("data of an earlier UTC day is shown as of that day, not as an empty today", () => {
    const nextDay = NOW_MS + DAY_MS;
    const p = present(state({ snapshot }), 30, nextDay, formatTime);
    assert.equal(p.status?.asOfDay, '2025-03-15');
    assert.deepEqual({ ...p.status, asOfDay: undefined }, { ...deriveViews(snapshot, NOW_MS, 30).status, asOfDay: undefined });
    assert.ok((p.status?.today ?? 0) > 0, 'the day it was fetched, not the empty new day');
  });

  it('sample data says so', () => {
    const p = present(state({ mode: 'sample', snapshot }), 30, NOW_MS, formatTime);
    assert.equal(p.description, 'Sample data');
    assert.match(p.message ?? '', /^Sample data: a made-up organization/);
    assert.equal(p.mode, 'sample');
  });

  it('stale data says since when and why; an error with no data is the message', () => {
    const error = { message: 'The network is down.', kind: 'network' as const };
    const stale = present(state({ snapshot, error, staleSince: NOW_MS }), 30, NOW_MS, formatTime);
    assert.equal(stale.message, `Stale since ${formatTime(NOW_MS)}: The network is down.`);
    assert.ok(stale.status, 'the last good figures stay');
    assert.equal(present(state({ error }), 30, NOW_MS, formatTime).message, 'The network is down.');
  });
});

function fakeViews(): PresenterViews & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    statusBar: { render: (s, figures) => void log.push(`status:${s.mode}:${figures ? 'figures' : '-'}`) },
    tree: { render: (_s, data) => void log.push(`tree:${data ? data.projects.length : '-'}`) },
    treeView: {},
    setContext: (k, v) => void log.push(`${k}=${String(v)}`),
  };
}

describe('app/presenter: the budget in force', () => {
  const limited: UsageSnapshot['budgets'] = {
    organization: { kind: 'set', limit: { thresholdCents: 500_000, currency: 'usd', enforcing: true } },
    projects: { proj_x: { kind: 'set', limit: { thresholdCents: 10_000, currency: 'usd', enforcing: false } } },
  };

  it("the organisation's limit wins over the setting, and the note says which is used", () => {
    const p = present(state({ snapshot: { ...snapshot, budgets: limited } }), 30, NOW_MS, formatTime, 120);
    assert.deepEqual(p.budget, { amount: 5000, currency: 'usd', source: 'spendLimit', enforcing: true });
    assert.equal(p.budgetNote, "The organization's hard spend limit (enforced).");
    assert.deepEqual(p.projectBudgets.map((b) => [b.projectId, b.limit, b.enforcing]), [['proj_x', 100, false]]);
  });

  it('the setting when the key cannot read the limit, said so', () => {
    const p = present(state({ snapshot: { ...snapshot, budgets: { organization: { kind: 'unreadable', reason: '403' }, projects: {} } } }), 30, NOW_MS, formatTime, 120);
    assert.deepEqual(p.budget, { amount: 120, currency: 'usd', source: 'setting' });
    assert.match(p.budgetNote ?? '', /cannot read the spend limit/);
  });

  it('the status bar is handed the amount in force as its budget', () => {
    let seen: number | undefined;
    const views: PresenterViews = { statusBar: { render: (_s, _f, settings) => void (seen = settings.monthlyBudget) }, tree: { render: () => undefined }, treeView: {}, setContext: () => undefined };
    const current = state({ snapshot: { ...snapshot, budgets: limited } });
    new Presenter(views, {
      model: { state: current, onDidChange: () => ({ dispose: () => undefined }) },
      mode: { resolved: true, onDidResolve: () => ({ dispose: () => undefined }) },
      settings: () => ({ defaultRangeDays: 30, monthlyBudget: 120 }) as Settings,
      now: () => NOW_MS,
      formatTime,
    }).render();
    assert.equal(seen, 5000);
  });
});

describe('app/presenter: Presenter', () => {
  it('renders nothing until the mode is resolved, then every model change', () => {
    const views = fakeViews();
    const changes = new Listeners<void>();
    const resolved = new Listeners<void>();
    const mode = { resolved: false, onDidResolve: (l: () => void) => resolved.add(l) };
    let current = state({ mode: 'api' });
    const settings = { defaultRangeDays: 30 } as Settings;
    const presenter = new Presenter(views, {
      model: { get state() { return current; }, onDidChange: (l) => changes.add(l) },
      mode,
      settings: () => settings,
      now: () => NOW_MS,
      formatTime,
    });
    changes.fire();
    assert.deepEqual(views.log, [], 'no "no key" flash before the key is read');
    mode.resolved = true;
    resolved.fire();
    assert.deepEqual(views.log, ['status:api:-', 'tree:-', 'openaiUsage.mode=api']);
    current = state({ mode: 'sample', snapshot });
    changes.fire();
    assert.deepEqual(views.log.slice(3), ['status:sample:figures', `tree:${deriveViews(snapshot, NOW_MS, 30).tree.projects.length}`, 'openaiUsage.mode=sample']);
    assert.equal(views.treeView.description, 'Sample data');
    assert.match(views.treeView.message ?? '', /made-up organization/);
    presenter.dispose();
    changes.fire();
    presenter.render();
    assert.equal(views.log.length, 6, 'nothing after disposal');
  });
});
