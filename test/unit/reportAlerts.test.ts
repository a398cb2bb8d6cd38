// Budget resolution and spend alerts (src/report/alerts.ts): which budget is in force, which alerts
// are due, and that each is due once per threshold and month (per day for spikes) per organisation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueAlerts, pruneShown, resolveBudget } from '../../src/report/alerts';
import type { AlertInput } from '../../src/report/alerts';

const NOW = Date.UTC(2026, 11, 15, 12);
const base: AlertInput = {
  origin: 'org-a',
  nowMs: NOW,
  budget: { amount: 1000, currency: 'usd', source: 'setting' },
  warningPercent: 80,
  spikeFactor: 3,
  monthToDate: 100,
  forecastMonthEnd: 300,
  today: 10,
  recentDays: [10, 12, 9, 11, 10, 10, 13, 8, 10, 11, 9, 10, 12, 10],
};

describe('report/alerts: the budget in force', () => {
  it('is the API spend limit (cents → dollars) when one is set in the shown currency', () => {
    const b = resolveBudget({ kind: 'set', limit: { thresholdCents: 250_000, currency: 'usd', enforcing: true } }, 100, 'usd');
    assert.deepEqual(b, { amount: 2500, currency: 'usd', source: 'spendLimit', enforcing: true });
  });
  it('falls back to the personal budget of the setting when the API has none or cannot be read', () => {
    assert.deepEqual(resolveBudget({ kind: 'none' }, 100, 'usd'), { amount: 100, currency: 'usd', source: 'setting' });
    assert.deepEqual(resolveBudget({ kind: 'unreadable' }, 100, 'usd'), { amount: 100, currency: 'usd', source: 'setting' });
    assert.deepEqual(resolveBudget({ kind: 'set', limit: { thresholdCents: 5000, currency: 'eur', enforcing: false } }, 100, 'usd'), { amount: 100, currency: 'usd', source: 'setting' });
  });
  it('is none when neither exists', () => {
    assert.equal(resolveBudget({ kind: 'none' }, 0, 'usd'), undefined);
    assert.equal(resolveBudget({ kind: 'unknown' }, Number.NaN, 'usd'), undefined);
  });
});

describe('report/alerts: what is due', () => {
  it('nothing while spend is under the warning, the forecast under the budget and today ordinary', () => {
    assert.deepEqual(dueAlerts(base, new Set()), []);
  });
  it('the warning once month to date passes the warning percent, then never again that month', () => {
    const input = { ...base, monthToDate: 850 };
    const first = dueAlerts(input, new Set());
    assert.deepEqual(first.map((a) => a.kind), ['warning']);
    assert.equal(first[0]?.percent, 85);
    const shown = new Set(first.map((a) => a.id));
    assert.deepEqual(dueAlerts({ ...input, monthToDate: 900 }, shown), []);
    // Past 100 % is another threshold: due once more.
    assert.deepEqual(dueAlerts({ ...input, monthToDate: 1001 }, shown).map((a) => a.kind), ['exceeded']);
    // Next month starts afresh.
    assert.deepEqual(dueAlerts({ ...input, nowMs: Date.UTC(2027, 0, 3) }, shown).map((a) => a.kind), ['warning']);
  });
  it('the forecast when it first passes the budget while spend is still under the warning', () => {
    const due = dueAlerts({ ...base, forecastMonthEnd: 1200 }, new Set());
    assert.deepEqual(due.map((a) => [a.kind, a.amount, a.threshold]), [['forecast', 1200, 1000]]);
  });
  it('a spike when today passes spikeFactor × the median of the last 14 days, once per day', () => {
    const due = dueAlerts({ ...base, today: 31 }, new Set());
    assert.deepEqual(due.map((a) => [a.kind, a.threshold]), [['spike', 30]]);
    const shown = new Set(due.map((a) => a.id));
    assert.deepEqual(dueAlerts({ ...base, today: 40 }, shown), []);
    assert.deepEqual(dueAlerts({ ...base, today: 40, nowMs: NOW + 86_400_000 }, shown).map((a) => a.kind), ['spike']);
    assert.deepEqual(dueAlerts({ ...base, today: 30 }, new Set()), [], 'exactly 3× the median is no spike');
  });
  it('no budget alerts without a budget, and no spike without history', () => {
    assert.deepEqual(dueAlerts({ ...base, budget: undefined, monthToDate: 1e6, forecastMonthEnd: 1e7 }, new Set()), []);
    assert.deepEqual(dueAlerts({ ...base, recentDays: [0, 0, 0], today: 50 }, new Set()), []);
  });
  it('another organisation alerts on its own', () => {
    const shown = new Set(dueAlerts({ ...base, monthToDate: 850 }, new Set()).map((a) => a.id));
    assert.deepEqual(dueAlerts({ ...base, origin: 'org-b', monthToDate: 850 }, shown).map((a) => a.kind), ['warning']);
  });
  it('a new budget amount is a new threshold', () => {
    const shown = new Set(dueAlerts({ ...base, monthToDate: 850 }, new Set()).map((a) => a.id));
    assert.equal(dueAlerts({ ...base, monthToDate: 850, budget: { amount: 900, currency: 'usd', source: 'spendLimit' } }, shown).length, 1);
  });
  it('keeps only the ids of this month and the last', () => {
    const ids = ['a|2026-12|warning80|1000', 'a|2026-11-30|spike', 'a|2026-10|exceeded|5'];
    assert.deepEqual(pruneShown(ids, NOW), ['a|2026-12|warning80|1000', 'a|2026-11-30|spike']);
  });
});
