// The estimate of not-yet-billed spend (src/report/estimate.ts): unit prices learned from the
// organisation's own complete days, usage of the day priced with them, unknown usage listed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateDay } from '../../src/report/estimate';
import { buildOverview } from '../../src/report/overview';
import { ESTIMATE_KEY, overviewSpendSeries, slotTotals } from '../../src/report/series';
import type { UsageBucket, UsageRow } from '../../src/shared/endpoints';
import { DAY_SECONDS } from '../../src/shared/time';

const TODAY = Math.floor(Date.UTC(2026, 10, 20) / 1000);
const NOW_MS = (TODAY + 12 * 3600) * 1000;
const day = (offset: number): number => TODAY + offset * DAY_SECONDS;

function bucket(start: number, rows: UsageRow[]): UsageBucket {
  return { startTime: start, endTime: start + DAY_SECONDS, rows };
}
const cost = (project: string, lineItem: string, amount: number, currency = 'usd'): UsageRow => ({ values: { amount }, dims: { project_id: project, line_item: lineItem }, currency });
const tokens = (project: string, model: string, input: number, output: number, extra: Record<string, number> = {}): UsageRow => ({
  values: { input_tokens: input, output_tokens: output, num_model_requests: 7, ...extra },
  dims: { project_id: project, model },
});

/** History days -9..-2 (complete), with an input/output mix that changes day to day. */
function history(pricePerInput: number, pricePerOutput: number, fromOffset = -9, project = 'p1', model = 'gpt-4o'): { costs: UsageBucket[]; usage: UsageBucket[] } {
  const costs: UsageBucket[] = [];
  const usage: UsageBucket[] = [];
  for (let o = fromOffset; o <= -2; o++) {
    const input = 1000 * (10 - o);
    const output = 300 * ((o * o) % 5) + 200;
    costs.push(bucket(day(o), [cost(project, `${model}, input`, input * pricePerInput), cost(project, `${model}, output`, output * pricePerOutput)]));
    usage.push(bucket(day(o), [tokens(project, model, input, output)]));
  }
  return { costs, usage };
}

describe('report/estimate: today not yet billed', () => {
  it('prices today’s usage with the unit prices learned from complete days', () => {
    const h = history(0.002, 0.008);
    const costs = [...h.costs, bucket(day(0), [cost('p1', 'gpt-4o, input', 5)])];
    const usage = [...h.usage, bucket(day(0), [tokens('p1', 'gpt-4o', 10_000, 1_000)])];
    const e = estimateDay({ nowMs: NOW_MS, costs, usage: { completions: usage } });
    assert.equal(e.day, TODAY);
    assert.equal(e.billed, 5);
    const input = e.lineItems.find((l) => l.lineItem === 'gpt-4o, input');
    const output = e.lineItems.find((l) => l.lineItem === 'gpt-4o, output');
    assert.equal(input?.driver.metric, 'input_tokens');
    assert.equal(output?.driver.metric, 'output_tokens');
    assert.ok(Math.abs((input?.estimated ?? 0) - 20) < 1e-9);
    assert.ok(Math.abs((output?.estimated ?? 0) - 8) < 1e-9);
    // 20 estimated for input, 5 of it billed; 8 for output, none billed.
    assert.ok(Math.abs(e.unbilledEstimate - 23) < 1e-9);
    assert.ok(Math.abs(e.total - 28) < 1e-9);
    assert.deepEqual(e.notEstimated, []);
    // Usage is known as of now (today's bucket ends in the future), not of an older day.
    assert.equal(e.usageThrough, NOW_MS / 1000);
  });

  it('never estimates below what is billed: a line item billed past its estimate adds nothing', () => {
    const h = history(0.002, 0.008);
    const costs = [...h.costs, bucket(day(0), [cost('p1', 'gpt-4o, input', 50)])];
    const usage = [...h.usage, bucket(day(0), [tokens('p1', 'gpt-4o', 10_000, 0)])];
    const e = estimateDay({ nowMs: NOW_MS, costs, usage: { completions: usage } });
    assert.equal(e.billed, 50);
    assert.equal(e.unbilledEstimate, 0);
    assert.equal(e.total, 50);
  });

  it('learns the newest price: a price cut in the history is followed', () => {
    const before = history(0.004, 0.008, -9);
    // From day -4 on the input price halves.
    const costs = before.costs.map((b) =>
      b.startTime >= day(-4) ? { ...b, rows: b.rows.map((r) => (r.dims.line_item === 'gpt-4o, input' ? { ...r, values: { amount: (r.values.amount ?? 0) / 2 } } : r)) } : b,
    );
    const usage = [...before.usage, bucket(day(0), [tokens('p1', 'gpt-4o', 10_000, 0)])];
    const e = estimateDay({ nowMs: NOW_MS, costs, usage: { completions: usage } });
    const input = e.lineItems.find((l) => l.lineItem === 'gpt-4o, input');
    assert.ok(Math.abs((input?.unitPrice ?? 0) - 0.002) < 1e-12, `unit price ${input?.unitPrice}`);
  });

  it('lists usage with no priced history as not estimated, and adds nothing for it', () => {
    const h = history(0.002, 0.008);
    const usage = [...h.usage, bucket(day(0), [tokens('p1', 'gpt-4o', 0, 0), tokens('p2', 'brand-new-model', 5_000, 500)])];
    const e = estimateDay({ nowMs: NOW_MS, costs: h.costs, usage: { completions: usage } });
    assert.equal(e.total, 0);
    assert.deepEqual(
      e.notEstimated.map((u) => [u.projectId, u.model, u.metric]).sort(),
      [
        ['p2', 'brand-new-model', 'input_tokens'],
        ['p2', 'brand-new-model', 'output_tokens'],
      ],
    );
  });

  it('estimates yesterday the same way while it is provisional', () => {
    const h = history(0.002, 0.008);
    const costs = [...h.costs, bucket(day(-1), [cost('p1', 'gpt-4o, input', 10)])];
    const usage = [...h.usage, bucket(day(-1), [tokens('p1', 'gpt-4o', 10_000, 1_000)])];
    const e = estimateDay({ nowMs: NOW_MS, costs, usage: { completions: usage } }, day(-1));
    assert.equal(e.day, day(-1));
    assert.equal(e.billed, 10);
    assert.ok(Math.abs(e.total - 28) < 1e-9);
  });

  it('prices only the main currency and skips rows of another', () => {
    const h = history(0.002, 0.008);
    const costs = [...h.costs.map((b) => ({ ...b, rows: [...b.rows, cost('p1', 'gpt-4o, input', 999, 'eur')] })), bucket(day(0), [cost('p1', 'gpt-4o, input', 1, 'eur')])];
    const usage = [...h.usage, bucket(day(0), [tokens('p1', 'gpt-4o', 10_000, 1_000)])];
    const e = estimateDay({ nowMs: NOW_MS, costs, usage: { completions: usage }, currency: 'usd' });
    assert.equal(e.billed, 0);
    assert.ok(Math.abs(e.total - 28) < 1e-9);
  });

  it('says nothing is estimated when there is no history at all', () => {
    const usage = [bucket(day(0), [tokens('p1', 'gpt-4o', 10_000, 1_000)])];
    const e = estimateDay({ nowMs: NOW_MS, costs: [bucket(day(0), [cost('p1', 'gpt-4o, input', 3)])], usage: { completions: usage } });
    assert.equal(e.billed, 3);
    assert.equal(e.unbilledEstimate, 0);
    assert.equal(e.lineItems.length, 0);
    assert.equal(e.notEstimated.length, 2);
  });
});

describe('report/estimate on the dashboard overview', () => {
  it('marks today’s part not billed yet apart from billed spend, and never adds it to the totals', () => {
    const h = history(0.002, 0.008);
    const costs = [...h.costs, bucket(day(0), [cost('p1', 'gpt-4o, input', 5)])];
    const usage = [...h.usage, bucket(day(0), [tokens('p1', 'gpt-4o', 10_000, 1_000)])];
    const range = { start: day(-6), end: day(1) };
    const data = buildOverview({ nowMs: NOW_MS, range, currency: 'usd', budget: 0, projectIds: [], projects: [], rangeCosts: costs, monthCosts: costs, usage: { completions: usage } });
    const today = data.estimates?.find((e) => e.d === data.days.length - 1);
    assert.ok(today, 'today has an estimate');
    assert.ok(Math.abs(today.billed - 5) < 1e-9 && Math.abs(today.unbilled - 23) < 1e-9);
    const set = overviewSpendSeries(data, 'project');
    const estimate = set.series.find((s) => s.key === ESTIMATE_KEY);
    assert.equal(estimate?.values.at(-1), today.unbilled);
    assert.equal(slotTotals(set).at(-1), 5, 'the bar total is billed spend only');
    assert.equal(data.cards.today, 5, 'the Today card is billed spend; the estimate is said beside it');
    // Filtered to another project: nothing of p1 is estimated.
    const other = buildOverview({ nowMs: NOW_MS, range, currency: 'usd', budget: 0, projectIds: ['p2'], projects: [], rangeCosts: costs, monthCosts: costs, usage: { completions: usage } });
    assert.equal(other.estimates, undefined);
  });
});
