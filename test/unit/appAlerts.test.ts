// The spend alert notifier with fakes for globalState, the notification and the model: each alert
// once per threshold and month (spikes once a day) per organisation, remembered across a "reload"
// (a second notifier on the same store), recorded before it is shown, and quiet when it must be.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlertNotifier, SHOWN_ALERTS_KEY, dontShowAgainAction, showUsageAction } from '../../src/app/alerts';
import type { AlertNotifierDeps, AlertSettings } from '../../src/app/alerts';
import { Listeners } from '../../src/app/disposable';
import { spendFigures } from '../../src/report/budgets';
import { formatMoney } from '../../src/shared/format';
import { SNAPSHOT_VERSION } from '../../src/shared/snapshot';
import type { SnapshotBudgets, UsageSnapshot } from '../../src/shared/snapshot';
import type { UsageBucket } from '../../src/shared/endpoints';
import type { UsageState } from '../../src/state';

const DAY = 86_400;
const NOW_MS = Date.UTC(2026, 2, 20, 12, 0);
const TODAY = Date.UTC(2026, 2, 20) / 1000;

/** Daily costs: `perDay` on every day from Feb 20 to yesterday, `today` today. */
function costs(perDay: number, today: number): UsageBucket[] {
  const out: UsageBucket[] = [];
  for (let d = TODAY - 28 * DAY; d <= TODAY; d += DAY) {
    const amount = d === TODAY ? today : perDay;
    out.push({ startTime: d, endTime: d + DAY, rows: [{ values: { amount }, dims: { project_id: 'proj_a', line_item: 'gpt-x, input' }, currency: 'usd' }] });
  }
  return out;
}

const limit = (dollars: number): SnapshotBudgets => ({
  organization: { kind: 'set', limit: { thresholdCents: dollars * 100, currency: 'usd', enforcing: true } },
  projects: {},
});

function snapshot(over: Partial<UsageSnapshot> = {}): UsageSnapshot {
  return {
    version: SNAPSHOT_VERSION,
    source: 'api',
    origin: 'org-one',
    fetchedAt: NOW_MS,
    rangeStart: TODAY - 29 * DAY,
    rangeEnd: TODAY + DAY,
    costsStart: TODAY - 28 * DAY,
    currency: 'usd',
    projects: [{ id: 'proj_a', name: 'Alpha', status: 'active' }],
    costs: costs(10, 10),
    usage: {},
    budgets: limit(220),
    ...over,
  };
}

class Store {
  readonly map = new Map<string, unknown>();
  constructor(private readonly log: string[]) {}
  get(key: string): unknown {
    return this.map.get(key);
  }
  update(key: string, value: unknown): Promise<void> {
    this.log.push(`store:${String((value as string[]).length)}`);
    this.map.set(key, value);
    return Promise.resolve();
  }
}

interface Harness {
  readonly notifier: AlertNotifier;
  readonly shown: { message: string; actions: readonly string[] }[];
  readonly log: string[];
  set(state: Partial<UsageState>): Promise<void>;
}

const SETTINGS: AlertSettings = { alertsEnabled: true, spikeFactor: 3, budgetWarningPercent: 80, monthlyBudget: 0 };

function harness(store: Store, log: string[], options: { settings?: Partial<AlertSettings>; choose?: string; now?: number } = {}): Harness {
  const changes = new Listeners<void>();
  let state: UsageState = { mode: 'api', snapshot: undefined, loading: false, error: undefined, staleSince: undefined };
  const shown: Harness['shown'] = [];
  const deps: AlertNotifierDeps = {
    model: { get state() { return state; }, onDidChange: (l) => changes.add(l) },
    store,
    settings: () => ({ ...SETTINGS, ...options.settings }),
    now: () => options.now ?? NOW_MS,
    formatMoney,
    notify: (message, actions) => {
      log.push(`notify:${message.slice(0, 20)}`);
      shown.push({ message, actions });
      return Promise.resolve(options.choose);
    },
    showUsage: () => void log.push('showUsage'),
    disableAlerts: () => {
      log.push('disable');
      return Promise.resolve();
    },
  };
  const notifier = new AlertNotifier(deps);
  return {
    notifier,
    shown,
    log,
    set: async (s) => {
      state = { ...state, ...s };
      changes.fire();
      await notifier.check();
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('app/alerts: spendFigures', () => {
  it('month to date counts from the first of the UTC month, today included; 14 days of history', () => {
    const f = spendFigures(snapshot(), NOW_MS);
    assert.equal(f.monthToDate, 200, '19 days × $10 + today $10');
    assert.equal(f.today, 10);
    assert.equal(f.todayUnbilledEstimate, 0, 'no usage: nothing to estimate');
    assert.equal(f.recentDays.length, 14);
    assert.ok(f.forecastMonthEnd > 200 && f.forecastMonthEnd < 330, `about $315 by month end: ${f.forecastMonthEnd}`);
  });
});

describe('app/alerts: AlertNotifier', () => {
  it('shows the warning once, with both actions, recorded in the store before it is shown', async () => {
    const log: string[] = [];
    const store = new Store(log);
    const h = harness(store, log);
    await h.set({ snapshot: snapshot() });
    assert.equal(h.shown.length, 1);
    const note = h.shown[0];
    assert.match(note?.message ?? '', /reached 90 % of the organization's hard spend limit: \$200\.00 of \$220\.00/);
    assert.deepEqual(note?.actions, [showUsageAction(), dontShowAgainAction()]);
    assert.deepEqual(log.slice(0, 2), ['store:1', 'notify:OpenAI spend this mo'], 'recorded, then shown');
    const ids = store.get(SHOWN_ALERTS_KEY) as string[];
    assert.equal(ids.length, 1);
    assert.match(ids[0] ?? '', /^org-one\|2026-03\|warning80\|220$/);
    // The same data again (a focus refresh that changed nothing, a loading flag): not again.
    await h.set({ snapshot: snapshot({ fetchedAt: NOW_MS + 60_000 }) });
    assert.equal(h.shown.length, 1);
  });

  it('a reload (a new notifier on the same globalState) does not show it again; 100 % then shows once', async () => {
    const log: string[] = [];
    const store = new Store(log);
    await harness(store, log).set({ snapshot: snapshot() });
    const reloaded = harness(store, log);
    await reloaded.set({ snapshot: snapshot() });
    assert.equal(reloaded.shown.length, 0);
    await reloaded.set({ snapshot: snapshot({ fetchedAt: NOW_MS + 1, costs: costs(11, 15) }) });
    assert.equal(reloaded.shown.length, 1);
    assert.match(reloaded.shown[0]?.message ?? '', /\$224\.00, is over the organization's hard spend limit of \$220\.00/);
    await reloaded.set({ snapshot: snapshot({ fetchedAt: NOW_MS + 2, costs: costs(11, 20) }) });
    assert.equal(reloaded.shown.length, 1, 'over 100 % is said once a month');
  });

  it('another organisation (origin) is alerted on its own', async () => {
    const log: string[] = [];
    const store = new Store(log);
    await harness(store, log).set({ snapshot: snapshot() });
    const other = harness(store, log);
    await other.set({ snapshot: snapshot({ origin: 'org-two' }) });
    assert.equal(other.shown.length, 1);
  });

  it('the personal budget is used (and named) when no limit is set; the forecast alerts under the warning', async () => {
    const log: string[] = [];
    const h = harness(new Store(log), log, { settings: { monthlyBudget: 300 } });
    await h.set({ snapshot: snapshot({ budgets: { organization: { kind: 'none' }, projects: {} } }) });
    assert.equal(h.shown.length, 1);
    assert.match(h.shown[0]?.message ?? '', /reaches about \$3\d\d\.\d\d by the end of the month, over your monthly budget \(setting\) of \$300\.00/);
  });

  it('a spike once a day: today against the median of the last 14 days', async () => {
    const log: string[] = [];
    const store = new Store(log);
    const h = harness(store, log);
    const spiky = snapshot({ costs: costs(10, 35), budgets: { organization: { kind: 'none' }, projects: {} } });
    await h.set({ snapshot: spiky });
    assert.equal(h.shown.length, 1);
    assert.match(h.shown[0]?.message ?? '', /Today's OpenAI spend, about \$35\.00 .* is a spike: more than \$30\.00/);
    await harness(store, log).set({ snapshot: { ...spiky, fetchedAt: NOW_MS + 5 } });
    const nextDay = harness(store, log, { now: NOW_MS + DAY * 1000 });
    await nextDay.set({ snapshot: { ...spiky, fetchedAt: NOW_MS + DAY * 1000, costs: spiky.costs.map((b) => ({ ...b, startTime: b.startTime + DAY, endTime: b.endTime + DAY })) } });
    assert.equal(nextDay.shown.length, 1, 'a new day may spike again');
    const settingsOff = harness(new Store(log), log, { settings: { spikeFactor: 4 } });
    await settingsOff.set({ snapshot: spiky });
    assert.equal(settingsOff.shown.length, 0, 'under 4× the median: no spike');
  });

  it('is quiet when disabled, for sample data, for a snapshot of an earlier day, while loading', async () => {
    const log: string[] = [];
    const off = harness(new Store(log), log, { settings: { alertsEnabled: false } });
    await off.set({ snapshot: snapshot() });
    const sample = harness(new Store(log), log);
    await sample.set({ mode: 'sample', snapshot: snapshot({ source: 'sample' }) });
    const old = harness(new Store(log), log, { now: NOW_MS + DAY * 1000 });
    await old.set({ snapshot: snapshot() });
    const loading = harness(new Store(log), log);
    await loading.set({ loading: true, snapshot: snapshot() });
    assert.deepEqual([off, sample, old, loading].map((h) => h.shown.length), [0, 0, 0, 0]);
    await loading.set({ loading: false });
    assert.equal(loading.shown.length, 1, 'once loaded, it is judged');
  });

  it('without the limits read, only a spike can be judged (the budget in force is not known yet)', async () => {
    const log: string[] = [];
    const h = harness(new Store(log), log, { settings: { monthlyBudget: 100 } });
    await h.set({ snapshot: snapshot({ budgets: undefined }) });
    assert.equal(h.shown.length, 0);
  });

  it('"Show Usage" opens the dashboard; "Don\'t Show Again" turns alerts off', async () => {
    const log: string[] = [];
    await harness(new Store(log), log, { choose: showUsageAction() }).set({ snapshot: snapshot() });
    assert.ok(log.includes('showUsage'));
    const log2: string[] = [];
    await harness(new Store(log2), log2, { choose: dontShowAgainAction() }).set({ snapshot: snapshot() });
    assert.ok(log2.includes('disable') && !log2.includes('showUsage'));
  });

  it('keeps only this month and last month in the store', async () => {
    const log: string[] = [];
    const store = new Store(log);
    store.map.set(SHOWN_ALERTS_KEY, ['org-one|2025-12|warning80|220', 'org-one|2026-02|exceeded|220', 42]);
    await harness(store, log).set({ snapshot: snapshot() });
    assert.deepEqual(store.get(SHOWN_ALERTS_KEY), ['org-one|2026-02|exceeded|220', 'org-one|2026-03|warning80|220']);
  });
});
