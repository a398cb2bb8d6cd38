import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENDPOINTS, REQUEST_ENDPOINT_IDS, TOKEN_ENDPOINT_IDS, USAGE_ENDPOINT_IDS } from '../../src/shared/endpoints';
import type { UsageBucket, UsageQuery } from '../../src/shared/endpoints';
import { NO_PROJECT, summarize } from '../../src/report/summary';
import { budgetLevel, forecastMonthEnd, remainingDaysInMonth, trailingDailyAverage, usedPercent } from '../../src/report/forecast';
import { createSampleOrg } from '../../src/usage/sample';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import { addDays, dayStartOfMs, monthStart, rangeForDays } from '../../src/shared/time';

const NOW = Date.parse('2026-11-23T14:37:12Z');
const TODAY = dayStartOfMs(NOW);
const RANGE_DAYS = 30;
const org = createSampleOrg({ now: NOW, seed: 3 });
const range = rangeForDays(NOW, RANGE_DAYS);
const costsStart = Math.min(range.start, monthStart(TODAY), addDays(TODAY, -7));

/** A snapshot built straight from querySync, so these tests do not depend on the loader. */
function sampleSnapshot(): UsageSnapshot {
  const usage: Partial<Record<(typeof USAGE_ENDPOINT_IDS)[number], UsageBucket[]>> = {};
  for (const id of USAGE_ENDPOINT_IDS) {
    const groupBy = ENDPOINTS[id].groupBy.filter((d) => d === 'project_id' || d === 'model');
    usage[id] = org.querySync({ endpoint: id, startTime: range.start, endTime: range.end, groupBy });
  }
  return {
    version: 1,
    source: 'sample',
    fetchedAt: NOW,
    rangeStart: range.start,
    rangeEnd: range.end,
    costsStart,
    currency: 'usd',
    projects: org.projectList,
    costs: org.querySync({ endpoint: 'costs', startTime: costsStart, endTime: range.end, groupBy: ['project_id', 'line_item'] }),
    usage,
  };
}

/** Independent sum: one ungrouped query, summed here. */
function sum(q: UsageQuery, metric: string): number {
  return org.querySync(q).reduce((s, b) => s + b.rows.reduce((t, r) => t + (r.values[metric] ?? 0), 0), 0);
}

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual} vs ${expected}`);

describe('aggregation over a snapshot', () => {
  const snapshot = sampleSnapshot();
  const summary = summarize(snapshot, { nowMs: NOW, rangeDays: RANGE_DAYS });

  it('sums today, yesterday, month to date and the range like the API does ungrouped', () => {
    close(summary.today, sum({ endpoint: 'costs', startTime: TODAY, endTime: addDays(TODAY, 1) }, 'amount'), 'today');
    close(summary.yesterday, sum({ endpoint: 'costs', startTime: addDays(TODAY, -1), endTime: TODAY }, 'amount'), 'yesterday');
    close(summary.monthToDate, sum({ endpoint: 'costs', startTime: monthStart(TODAY), endTime: addDays(TODAY, 1) }, 'amount'), 'month to date');
    close(summary.rangeTotal, sum({ endpoint: 'costs', startTime: range.start, endTime: range.end }, 'amount'), 'range');
    assert.ok(summary.today > 0 && summary.monthToDate > summary.today);
    assert.equal(summary.currency, 'usd');
    assert.equal(summary.rangeStart, range.start);
    assert.equal(summary.rangeEnd, range.end);
    assert.equal(summary.provisionalFrom, addDays(TODAY, -1));
    assert.equal(summary.fetchedAt, NOW);
    assert.equal(summary.daily.length, RANGE_DAYS);
    close(
      summary.daily.reduce((s, d) => s + d.amount, 0),
      summary.rangeTotal,
      'daily adds up',
    );
  });

  it('lists every project with spend, by spend, with names and the archived flag', () => {
    const ids = org.projectList.map((p) => p.id);
    for (const id of ids) {
      const expected = sum({ endpoint: 'costs', startTime: range.start, endTime: range.end, projectIds: [id] }, 'amount');
      const found = summary.projects.find((p) => p.id === id);
      if (expected > 0) {
        assert.ok(found, id);
        close(found.spend, expected, id);
        assert.equal(found.name, org.projectList.find((p) => p.id === id)?.name);
      } else {
        assert.equal(found?.spend ?? 0, 0);
      }
    }
    const spends = summary.projects.map((p) => p.spend);
    assert.deepEqual(spends, [...spends].sort((a, b) => b - a));
    // The legacy project was archived 45 days ago: nothing in a 30-day range...
    assert.equal(summary.projects.find((p) => p.name === 'Legacy Chatbot'), undefined);
    // ...but it shows, named and archived, over 90 days.
    const wide = summarize({ ...snapshot, costs: org.querySync({ endpoint: 'costs', startTime: rangeForDays(NOW, 90).start, endTime: range.end, groupBy: ['project_id', 'line_item'] }) }, { nowMs: NOW, rangeDays: 90 });
    const legacy = wide.projects.find((p) => p.name === 'Legacy Chatbot');
    assert.ok(legacy && legacy.archived && legacy.spend > 0);
  });

  it('names unknown projects by their id and rows without a project as "No project"', () => {
    const costs: UsageBucket[] = [
      { startTime: TODAY, endTime: addDays(TODAY, 1), rows: [
        { values: { amount: 1.5 }, dims: { project_id: 'proj_unknown', line_item: 'x' } },
        { values: { amount: 2 }, dims: { line_item: 'y' } },
      ] },
    ];
    const s = summarize({ ...snapshot, costs, usage: {} }, { nowMs: NOW, rangeDays: 7 });
    assert.deepEqual(s.projects.map((p) => [p.id, p.name, p.spend]), [[NO_PROJECT, 'No project', 2], ['proj_unknown', 'proj_unknown', 1.5]]);
    assert.deepEqual(s.topProjectsToday.map((p) => p.name), ['No project', 'proj_unknown']);
  });

  it('totals line items and top projects today', () => {
    const items = org.querySync({ endpoint: 'costs', startTime: range.start, endTime: range.end, groupBy: ['line_item'] });
    const expected = new Map<string, number>();
    for (const b of items) for (const r of b.rows) expected.set(r.dims.line_item ?? '', (expected.get(r.dims.line_item ?? '') ?? 0) + (r.values.amount ?? 0));
    assert.equal(summary.lineItems.length, expected.size);
    for (const li of summary.lineItems) close(li.spend, expected.get(li.name) ?? NaN, li.name);
    assert.ok((summary.lineItems[0]?.spend ?? 0) >= (summary.lineItems.at(-1)?.spend ?? 0));

    const todayByProject = org.querySync({ endpoint: 'costs', startTime: TODAY, groupBy: ['project_id'] })[0]?.rows ?? [];
    const top = [...todayByProject].sort((a, b) => (b.values.amount ?? 0) - (a.values.amount ?? 0));
    assert.deepEqual(summary.topProjectsToday.map((p) => p.id), top.slice(0, 5).map((r) => r.dims.project_id));
  });

  it('totals tokens and requests from the usage endpoints', () => {
    const r = { startTime: range.start, endTime: range.end };
    let input = 0;
    let output = 0;
    let cached = 0;
    for (const endpoint of TOKEN_ENDPOINT_IDS) {
      // SPEC §1: input_tokens already holds audio input (and output_tokens audio output).
      input += sum({ endpoint, ...r }, 'input_tokens');
      output += sum({ endpoint, ...r }, 'output_tokens');
      cached += sum({ endpoint, ...r }, 'input_cached_tokens');
    }
    assert.deepEqual(summary.tokens, { input, output, cached });
    assert.ok(input > 0 && output > 0 && cached > 0);
    const requests = REQUEST_ENDPOINT_IDS.reduce((s, endpoint) => s + sum({ endpoint, ...r }, 'num_model_requests'), 0);
    assert.equal(summary.requests, requests);

    const support = summary.projects.find((p) => p.id === 'proj_sample_support');
    const mini = support?.models.find((m) => m.model === 'gpt-4o-mini');
    assert.ok(mini);
    const q = { endpoint: 'completions' as const, ...r, projectIds: ['proj_sample_support'], models: ['gpt-4o-mini'] };
    assert.equal(mini.inputTokens, sum(q, 'input_tokens'));
    assert.equal(mini.outputTokens, sum(q, 'output_tokens'));
    assert.equal(mini.cachedTokens, sum(q, 'input_cached_tokens'));
    assert.equal(mini.requests, sum(q, 'num_model_requests'));
    const flat = summary.models.find((m) => m.projectId === 'proj_sample_support' && m.model === 'gpt-4o-mini');
    assert.deepEqual(flat, { projectId: 'proj_sample_support', ...mini });
    // Image models count requests but no tokens.
    const dalle = summary.projects.find((p) => p.id === 'proj_sample_studio')?.models.find((m) => m.model === 'dall-e-3');
    assert.ok(dalle && dalle.requests > 0 && dalle.inputTokens === 0);
  });

  it('offers totals by dimension from whichever rows carry it', () => {
    const byProject = summary.projects.reduce((t, p) => t + p.spend, 0);
    close(byProject, summary.rangeTotal, 'projects add up');
    close(summary.lineItems.reduce((t, li) => t + li.spend, 0), summary.rangeTotal, 'line items add up');
    const o3mini = summary.models.filter((m) => m.model === 'o3-mini').reduce((t, m) => t + m.requests, 0);
    assert.equal(o3mini, sum({ endpoint: 'completions', startTime: range.start, endTime: range.end, models: ['o3-mini'] }, 'num_model_requests'));
    assert.equal(summary.daily.at(-1)?.amount, summary.today);
    const supportSpend = sum({ endpoint: 'costs', startTime: range.start, endTime: range.end, projectIds: ['proj_sample_support'] }, 'amount');
    close(summary.projects.find((p) => p.id === 'proj_sample_support')?.spend ?? NaN, supportSpend, 'support');
  });

  it('keeps full precision in sums', () => {
    const tiny: UsageBucket[] = [0, 1, 2].map((i) => ({
      startTime: TODAY,
      endTime: addDays(TODAY, 1),
      rows: [{ values: { amount: 0.004 + i * 0.0001 }, dims: { project_id: 'p' } }],
    }));
    const s = summarize({ ...snapshot, costs: tiny, usage: {} }, { nowMs: NOW, rangeDays: 1 });
    close(s.today, 0.0123, 'not rounded to cents');
  });

  it('reports the budget only when there is one', () => {
    assert.equal(summary.budget, undefined);
    const withBudget = summarize(snapshot, { nowMs: NOW, rangeDays: RANGE_DAYS, budget: 1000 });
    assert.equal(withBudget.budget?.amount, 1000);
    close(withBudget.budget?.usedPercent ?? NaN, (summary.monthToDate / 1000) * 100, 'used percent');
  });

  it('forecasts the month end from month to date and the last 7 complete days', () => {
    let last7 = 0;
    for (let i = 1; i <= 7; i++) last7 += sum({ endpoint: 'costs', startTime: addDays(TODAY, -i), endTime: addDays(TODAY, -i + 1) }, 'amount');
    const remaining = (Date.parse('2026-12-01T00:00:00Z') - NOW) / 86_400_000;
    close(summary.forecastMonthEnd, summary.monthToDate + (last7 / 7) * remaining, 'forecast');
  });
});

describe('forecast and budget', () => {
  const day = (iso: string): number => Date.parse(iso) / 1000;

  it('computes the documented formula on hand-made numbers', () => {
    // November 2026 has 30 days. At 18:00 UTC on the 23rd, 7 days and 6 hours remain: 7.25.
    const now = Date.parse('2026-11-23T18:00:00Z');
    assert.equal(remainingDaysInMonth(now), 7.25);
    const spend = new Map<number, number>();
    for (let d = 1; d <= 22; d++) spend.set(day(`2026-11-${String(d).padStart(2, '0')}T00:00:00Z`), d <= 15 ? 4 : 10);
    spend.set(day('2026-11-23T00:00:00Z'), 3);
    // Last 7 complete days: 16th..22nd at 10 each (today's 3 is excluded).
    const avg = trailingDailyAverage((d) => spend.get(d) ?? 0, now);
    assert.equal(avg, 10);
    const mtd = 15 * 4 + 7 * 10 + 3; // 133
    assert.equal(forecastMonthEnd(mtd, avg, now), 133 + 10 * 7.25); // 205.5
  });

  it('reaches back into the previous month for the average and counts missing days as zero', () => {
    const now = Date.parse('2026-12-02T06:00:00Z');
    const spend = new Map<number, number>([
      [day('2026-11-24T00:00:00Z'), 100], // 8 days back: outside the window
      [day('2026-11-25T00:00:00Z'), 7], // 7 days back: the oldest day inside
      [day('2026-11-30T00:00:00Z'), 14],
      [day('2026-12-01T00:00:00Z'), 21],
      [day('2026-12-02T00:00:00Z'), 50], // today: excluded
    ]);
    const avg = trailingDailyAverage((d) => spend.get(d) ?? 0, now);
    assert.equal(avg, 6);
    // December: 31 days; at 06:00 on the 2nd, 29.75 remain.
    assert.equal(remainingDaysInMonth(now), 29.75);
    assert.equal(forecastMonthEnd(71, avg, now), 71 + 6 * 29.75);
    // At the very last instant of a month almost nothing remains.
    assert.ok(remainingDaysInMonth(Date.parse('2026-11-30T23:59:59.999Z')) < 1e-6);
  });

  it('grades budget use', () => {
    assert.equal(usedPercent(80, 100), 80);
    assert.equal(usedPercent(80, 0), undefined);
    assert.equal(budgetLevel(79.99, 100, 80), 'ok');
    assert.equal(budgetLevel(80, 100, 80), 'warning');
    assert.equal(budgetLevel(100, 100, 80), 'warning');
    assert.equal(budgetLevel(100.01, 100, 80), 'over');
    assert.equal(budgetLevel(1e9, 0, 80), 'ok');
    assert.equal(budgetLevel(50, 100, 50), 'warning');
  });
});
