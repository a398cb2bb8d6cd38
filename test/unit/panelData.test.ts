// The dashboard's pure data shaping: ranges and query windows, UI state repair, series, tables,
// sorting, the overview, and what the host fetches for a view.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageBucket, UsageQuery } from '../../src/shared/endpoints';
import type { OverviewData, UiState } from '../../src/shared/protocol';
import { fetchIdOptions, fetchOverview, fetchTab, FilterOptionSets, idOptionDimensions, snapshotCovers } from '../../src/queries/fetch';
import { emptyTableHint, isWideRange, queryErrorActions, staleDataNote } from '../../src/shared/nextSteps';
import { buildOverview } from '../../src/report/overview';
import { bucketSeries, limitSeries, OTHER_KEY, overviewSpendSeries, slotTotals, tokenBreakdown, windowSlots } from '../../src/report/series';
import { displayCell, exportCell, nextSort, overviewTable, sortRows, usageTable } from '../../src/report/table';
import { dataKey, defaultUiState, presetOrCustomRange, queryFilters, tabSettings } from '../../src/shared/uiState';
import { provisionalStart, queryWindow, resolveRange, tabQuery } from '../../src/shared/queryWindow';
import { loadSnapshot } from '../../src/usage/loader';
import { createSampleOrg } from '../../src/usage/sample';
import type { UsageSource } from '../../src/usage/source';

const DAY = 86_400;
// 2025-03-15 18:30:00 UTC
const NOW_MS = Date.UTC(2025, 2, 15, 18, 30);
const TODAY = Date.UTC(2025, 2, 15) / 1000;

function ui(partial: Partial<UiState> = {}): UiState {
  return { ...defaultUiState(30), ...partial };
}

describe('panel/window: ranges and query windows', () => {
  it('a preset ends with today (UTC) and spans exactly its days', () => {
    const r = resolveRange({ kind: 'preset', days: 7 }, NOW_MS);
    assert.equal(r.end, TODAY + DAY);
    assert.equal(r.start, TODAY - 6 * DAY);
  });
  it('a custom range includes both dates', () => {
    const r = resolveRange({ kind: 'custom', start: '2025-01-01', end: '2025-01-31' }, NOW_MS);
    assert.equal(r.start, Date.UTC(2025, 0, 1) / 1000);
    assert.equal(r.end, Date.UTC(2025, 1, 1) / 1000);
  });
  it('day buckets cover the whole range, unclamped', () => {
    const w = queryWindow({ kind: 'preset', days: 90 }, '1d', NOW_MS);
    assert.deepEqual(w, { startTime: TODAY - 89 * DAY, endTime: TODAY + DAY, width: '1d', clamped: false });
  });
  it('hour buckets keep to one page (168) and end with the current hour', () => {
    const w = queryWindow({ kind: 'preset', days: 30 }, '1h', NOW_MS);
    assert.equal(w.endTime, Date.UTC(2025, 2, 15, 19) / 1000);
    assert.equal((w.endTime - w.startTime) / 3600, 168);
    assert.equal(w.clamped, true);
  });
  it('minute buckets keep to one page (1440) and are not clamped when the range is shorter', () => {
    const w = queryWindow({ kind: 'preset', days: 30 }, '1m', NOW_MS);
    assert.equal((w.endTime - w.startTime) / 60, 1440);
    const past = queryWindow({ kind: 'custom', start: '2025-01-10', end: '2025-01-10' }, '1h', NOW_MS);
    assert.deepEqual(past, { startTime: Date.UTC(2025, 0, 10) / 1000, endTime: Date.UTC(2025, 0, 11) / 1000, width: '1h', clamped: false });
  });
  it('tabQuery carries the filters, group-by and window of the tab', () => {
    const state = ui({
      tab: 'completions',
      projectIds: ['p1'],
      tabs: {
        completions: {
          width: '1h',
          groupBy: 'model',
          metric: 'output_tokens',
          filters: { userIds: [], apiKeyIds: ['k1'], models: ['gpt-4o'], sources: [], sizes: [], batch: 'false' },
        },
      },
    });
    const { query, window } = tabQuery(state, 'completions', NOW_MS);
    assert.equal(query.endpoint, 'completions');
    assert.equal(query.bucketWidth, '1h');
    assert.deepEqual(query.groupBy, ['model']);
    assert.deepEqual(query.projectIds, ['p1']);
    assert.deepEqual(query.apiKeyIds, ['k1']);
    assert.deepEqual(query.models, ['gpt-4o']);
    assert.equal(query.batch, false);
    assert.equal(query.userIds, undefined);
    assert.equal(query.startTime, window.startTime);
  });
});

describe('panel/uiState', () => {
  it('defaults: overview, the configured range as preset or custom', () => {
    assert.deepEqual(defaultUiState(7).range, { kind: 'preset', days: 7 });
    assert.deepEqual(presetOrCustomRange(14, NOW_MS), { kind: 'custom', start: '2025-03-02', end: '2025-03-15' });
  });
  it('repairs settings an endpoint does not allow', () => {
    const state = ui({
      tabs: {
        costs: { width: '1h', groupBy: 'model', metric: 'input_tokens', filters: { userIds: ['u'], apiKeyIds: [], models: ['m'], sources: [], sizes: [], batch: 'true' } },
      },
    });
    const s = tabSettings(state, 'costs');
    assert.equal(s.width, '1d');
    assert.equal(s.groupBy, 'project_id');
    assert.equal(s.metric, 'amount');
    assert.deepEqual(s.filters.userIds, []);
    assert.deepEqual(s.filters.models, []);
    assert.equal(s.filters.batch, 'any');
    assert.equal(queryFilters(state, 'costs').batch, undefined);
  });
  it('the data key ignores sort, chart metric and overview stacking, not filters', () => {
    const a = ui({ tab: 'embeddings' });
    const sorted = ui({ tab: 'embeddings', tabs: { embeddings: { ...tabSettings(a, 'embeddings'), sort: { column: 'start', direction: 'descending' }, metric: 'num_model_requests' } } });
    assert.equal(dataKey(a), dataKey(sorted));
    const filtered = ui({ tab: 'embeddings', tabs: { embeddings: { ...tabSettings(a, 'embeddings'), filters: { ...tabSettings(a, 'embeddings').filters, models: ['x'] } } } });
    assert.notEqual(dataKey(a), dataKey(filtered));
    assert.equal(dataKey(ui()), dataKey(ui({ overview: { stackBy: 'line_item' } })));
    assert.notEqual(dataKey(ui()), dataKey(ui({ range: { kind: 'preset', days: 7 } })));
    // Order of a multi-select does not matter.
    assert.equal(dataKey(ui({ projectIds: ['a', 'b'] })), dataKey(ui({ projectIds: ['b', 'a'] })));
  });
});

const bucket = (startTime: number, rows: UsageBucket['rows'], width = DAY): UsageBucket => ({ startTime, endTime: startTime + width, rows });

describe('panel/series', () => {
  it('limitSeries keeps the largest and folds the rest into Other', () => {
    const series = [1, 5, 3, 4, 2].map((v, i) => ({ key: `s${i}`, label: `S${i}`, values: [v, v] }));
    const out = limitSeries(series, 3);
    assert.deepEqual(out.map((s) => s.key), ['s1', 's3', OTHER_KEY]);
    assert.deepEqual(out[2]?.values, [6, 6]);
    assert.equal(out[2]?.label, 'Other (3)');
    assert.equal(limitSeries(series, 10).length, 5);
  });
  it('bucketSeries fills gaps with zero and stacks by group with project names', () => {
    const window = { startTime: 0, endTime: 3 * DAY, width: '1d' as const, clamped: false };
    assert.equal(windowSlots(window).length, 3);
    const set = bucketSeries({
      buckets: [
        bucket(0, [
          { values: { input_tokens: 5 }, dims: { project_id: 'p1' } },
          { values: { input_tokens: 2 }, dims: { project_id: 'p2' } },
        ]),
        bucket(2 * DAY, [{ values: { input_tokens: 7 }, dims: { project_id: 'p1' } }]),
      ],
      window,
      groupBy: 'project_id',
      metric: 'input_tokens',
      projectNames: { p1: 'One' },
    });
    assert.deepEqual(set.labels, ['1970-01-01', '1970-01-02', '1970-01-03']);
    assert.deepEqual(set.series.map((s) => [s.label, s.values]), [
      ['One', [5, 0, 7]],
      ['p2', [2, 0, 0]],
    ]);
    assert.deepEqual(slotTotals(set), [7, 0, 7]);
  });
  it('ungrouped: one Total series, even with no data', () => {
    const window = { startTime: 0, endTime: 2 * 3600, width: '1h' as const, clamped: false };
    const set = bucketSeries({ buckets: [], window, groupBy: 'none', metric: 'images', projectNames: {} });
    assert.deepEqual(set.series, [{ key: 'total', label: 'Total', values: [0, 0] }]);
    assert.deepEqual(set.labels, ['1970-01-01 00:00', '1970-01-01 01:00']);
  });
  it('overviewSpendSeries stacks by project or by line item', () => {
    const data = sampleOverviewData();
    const byProject = overviewSpendSeries(data, 'project');
    assert.deepEqual(byProject.series.map((s) => s.label), ['Alpha', 'proj_b']);
    assert.deepEqual(byProject.series[0]?.values, [3, 4]);
    const byItem = overviewSpendSeries(data, 'line_item');
    assert.deepEqual(byItem.series.map((s) => [s.label, s.values]), [
      ['gpt-4o, input', [1, 6]],
      ['gpt-4o, output', [2, 0]],
      ['(none)', [0.5, 0]],
    ]);
  });
  it('tokenBreakdown splits input into uncached and cached', () => {
    assert.deepEqual(tokenBreakdown([{ model: 'm', input: 10, output: 3, cached: 4, requests: 1 }]), [{ model: 'm', uncached: 6, cached: 4, output: 3 }]);
  });
});

function sampleOverviewData(): OverviewData {
  return {
    startTime: 0,
    endTime: 2 * DAY,
    currency: 'usd',
    days: ['1970-01-01', '1970-01-02'],
    provisionalFrom: 1,
    cards: { rangeSpend: 9.5, today: 0, monthToDate: 0, budget: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, requests: 0 },
    costs: [
      { d: 0, p: 'proj_a', l: 'gpt-4o, input', a: 1 },
      { d: 0, p: 'proj_a', l: 'gpt-4o, output', a: 2 },
      { d: 0, p: 'proj_b', l: '', a: 0.5 },
      { d: 1, p: 'proj_a', l: 'gpt-4o, input', a: 4 },
      { d: 1, p: 'proj_b', l: 'gpt-4o, input', a: 2 },
    ],
    projectNames: { proj_a: 'Alpha' },
    tokensByModel: [],
  };
}

describe('panel/table', () => {
  const buckets = [
    bucket(DAY, [
      { values: { amount: 1.25, quantity: 3 }, dims: { project_id: 'p1', line_item: 'a' } },
      { values: { amount: 2 }, dims: { project_id: 'p1', line_item: 'b' } },
      { values: { amount: 0.5 }, dims: {} },
    ]),
    bucket(0, [{ values: { amount: 10 }, dims: { project_id: 'p2' } }]),
  ];

  it('usageTable: one row per bucket and group, summed, time order, every metric', () => {
    const t = usageTable({ endpoint: 'costs', buckets, groupBy: 'project_id', width: '1d', currency: 'usd', projectNames: { p1: 'One' } });
    assert.deepEqual(t.columns.map((c) => c.id), ['start', 'project_id', 'project_id_raw', 'amount', 'quantity', 'quantity_unit']);
    assert.deepEqual(t.columns.map((c) => c.label), ['Start (UTC)', 'Project', 'Project ID', 'Cost (USD)', 'Quantity', 'Unit']);
    // No row names a unit here: one row per group, as before.
    assert.deepEqual(t.rows, [
      [0, 'p2', 'p2', 10, 0, ''],
      [DAY, 'One', 'p1', 3.25, 3, ''],
      [DAY, '(none)', '', 0.5, 0, ''],
    ]);
  });
  it('usageTable ungrouped has no dimension column', () => {
    const t = usageTable({ endpoint: 'vector_stores', buckets: [bucket(0, [{ values: { usage_bytes: 2048 }, dims: {} }])], groupBy: 'none', width: '1h', currency: 'usd', projectNames: {} });
    assert.deepEqual(t.columns.map((c) => [c.id, c.kind]), [
      ['start', 'time'],
      ['usage_bytes', 'bytes'],
    ]);
    assert.equal(displayCell(t, t.columns[0]!, 0), '1970-01-01 00:00');
    assert.equal(displayCell(t, t.columns[1]!, 2048), '2.0 KB');
    assert.equal(exportCell(t.columns[0]!, 3600), '1970-01-01T01:00:00Z');
  });
  it('sortRows: numbers numerically, text naturally, stable, both directions', () => {
    const t = usageTable({ endpoint: 'costs', buckets, groupBy: 'project_id', width: '1d', currency: 'usd', projectNames: { p1: 'One' } });
    assert.deepEqual(sortRows(t, { column: 'amount', direction: 'ascending' }).map((r) => r[3]), [0.5, 3.25, 10]);
    assert.deepEqual(sortRows(t, { column: 'amount', direction: 'descending' }).map((r) => r[3]), [10, 3.25, 0.5]);
    assert.deepEqual(sortRows(t, { column: 'project_id', direction: 'ascending' }).map((r) => r[1]), ['(none)', 'One', 'p2']);
    // Equal cells keep time order.
    assert.deepEqual(sortRows(t, { column: 'quantity', direction: 'ascending' }).map((r) => r[0]), [0, DAY, DAY]);
    assert.equal(sortRows(t, { column: 'nope', direction: 'ascending' }), t.rows);
    assert.equal(sortRows(t, undefined), t.rows);
  });
  it('nextSort: ascending first, then flips; a new column starts ascending', () => {
    assert.deepEqual(nextSort(undefined, 'a'), { column: 'a', direction: 'ascending' });
    assert.deepEqual(nextSort({ column: 'a', direction: 'ascending' }, 'a'), { column: 'a', direction: 'descending' });
    assert.deepEqual(nextSort({ column: 'a', direction: 'descending' }, 'a'), { column: 'a', direction: 'ascending' });
    assert.deepEqual(nextSort({ column: 'a', direction: 'descending' }, 'b'), { column: 'b', direction: 'ascending' });
  });
  it('overviewTable: daily spend by project (line items summed), provisional marked', () => {
    const t = overviewTable(sampleOverviewData(), 'project');
    assert.deepEqual(t.columns.map((c) => c.label), ['Date (UTC)', 'Project', 'Project ID', 'Cost (USD)', 'Provisional']);
    assert.deepEqual(t.rows, [
      ['1970-01-01', 'Alpha', 'proj_a', 3, 'no'],
      ['1970-01-01', 'proj_b', 'proj_b', 0.5, 'no'],
      ['1970-01-02', 'Alpha', 'proj_a', 4, 'yes'],
      ['1970-01-02', 'proj_b', 'proj_b', 2, 'yes'],
    ]);
    const byItem = overviewTable(sampleOverviewData(), 'line_item');
    assert.deepEqual(byItem.rows[0], ['1970-01-01', '(none)', 0.5, 'no']);
  });
});

describe('panel/overview and fetchView with the sample organisation', () => {
  const org = createSampleOrg({ now: NOW_MS, seed: 3 });

  it('buildOverview: cards agree with the buckets; the last two days are provisional', async () => {
    const snapshot = await loadSnapshot(org, { nowMs: NOW_MS, rangeDays: 30 });
    const data = await fetchOverview({ ui: ui(), snapshot, source: async () => undefined, nowMs: NOW_MS, budget: 100 });
    assert.equal(data.days.length, 30);
    assert.equal(data.days[29], '2025-03-15');
    assert.equal(data.provisionalFrom, 28);
    assert.equal(provisionalStart(NOW_MS), TODAY - DAY);
    const sum = data.costs.reduce((a, c) => a + c.a, 0);
    assert.ok(Math.abs(sum - data.cards.rangeSpend) < 1e-6, `${sum} vs ${data.cards.rangeSpend}`);
    const today = data.costs.filter((c) => c.d === 29).reduce((a, c) => a + c.a, 0);
    assert.ok(Math.abs(today - data.cards.today) < 1e-6);
    assert.ok(data.cards.monthToDate >= data.cards.today);
    assert.ok(data.cards.forecast !== undefined && data.cards.forecast >= data.cards.monthToDate);
    assert.equal(data.cards.budget, 100);
    assert.ok(data.cards.inputTokens > 0 && data.cards.requests > 0);
    assert.ok(data.tokensByModel.length > 0);
    for (const c of data.costs) assert.ok(c.p === '' || data.projectNames[c.p], `name for ${c.p}`);
  });

  it('a project filter narrows every number', async () => {
    const snapshot = await loadSnapshot(org, { nowMs: NOW_MS, rangeDays: 30 });
    const all = await fetchOverview({ ui: ui(), snapshot, source: async () => undefined, nowMs: NOW_MS, budget: 0 });
    const pid = org.projectList[0]!.id;
    const one = await fetchOverview({ ui: ui({ projectIds: [pid] }), snapshot, source: async () => undefined, nowMs: NOW_MS, budget: 0 });
    assert.ok(one.costs.every((c) => c.p === pid));
    assert.ok(one.cards.rangeSpend < all.cards.rangeSpend);
    assert.ok(one.cards.requests < all.cards.requests);
  });

  it('a range outside the snapshot is fetched from the source (costs and the ten usage endpoints)', async () => {
    const snapshot = await loadSnapshot(org, { nowMs: NOW_MS, rangeDays: 7 });
    const state = ui({ range: { kind: 'preset', days: 90 } });
    const r = resolveRange(state.range, NOW_MS);
    assert.equal(snapshotCovers(snapshot, r.start, r.end), false);
    await assert.rejects(fetchOverview({ ui: state, snapshot, source: async () => undefined, nowMs: NOW_MS, budget: 0 }), /outside the stored data/);
    const asked: string[] = [];
    const source: UsageSource = { kind: 'sample', query: (q, s) => (asked.push(q.endpoint), org.query(q, s)), projects: () => org.projects() };
    const data = await fetchOverview({ ui: state, snapshot, source: async () => source, nowMs: NOW_MS, budget: 0 });
    assert.equal(data.days.length, 90);
    assert.equal(asked.length, 11);
    assert.ok(data.cards.rangeSpend > 0);
  });

  it('buildOverview with empty input is all zeros and has no forecast', () => {
    const data = buildOverview({ nowMs: NOW_MS, range: { start: TODAY - DAY, end: TODAY + DAY }, currency: 'usd', budget: 0, projectIds: [], projects: [], rangeCosts: [], monthCosts: [], usage: {} });
    assert.equal(data.cards.rangeSpend, 0);
    assert.equal(data.cards.forecast, undefined);
    assert.deepEqual(data.costs, []);
  });

  it('fetchTab queries the source with the tab settings, and the options collect what it saw', async () => {
    const state = ui({
      tab: 'images',
      tabs: { images: { width: '1d', groupBy: 'size', metric: 'images', filters: { userIds: [], apiKeyIds: [], models: [], sources: [], sizes: [], batch: 'any' } } },
    });
    const result = await fetchTab(state, 'images', org, NOW_MS, 'usd');
    assert.equal(result.groupBy, 'size');
    assert.equal(result.window.width, '1d');
    assert.ok(result.buckets.some((b) => b.rows.some((r) => r.dims.size)));
    const opts = new FilterOptionSets();
    opts.add(result.buckets);
    assert.ok(opts.toJSON().sizes.length > 0);
  });
});

describe('panel/window: ranges after today', () => {
  // Today is 2025-03-15 (NOW_MS): a custom range may not reach past it.
  const future = { kind: 'custom' as const, start: '2025-03-20', end: '2025-03-25' };
  const straddling = { kind: 'custom' as const, start: '2025-03-10', end: '2025-03-25' };

  it('a range wholly after today resolves to an empty range, never an inverted one', () => {
    const r = resolveRange(future, NOW_MS);
    assert.equal(r.start, r.end);
    assert.equal(r.end, TODAY + DAY);
  });
  it('a range reaching past today ends with today', () => {
    assert.deepEqual(resolveRange(straddling, NOW_MS), { start: Date.UTC(2025, 2, 10) / 1000, end: TODAY + DAY });
  });
  for (const width of ['1d', '1h', '1m'] as const) {
    it(`the ${width} window of a future range is empty (start = end), not inverted`, () => {
      const w = queryWindow(future, width, NOW_MS);
      assert.ok(w.startTime <= w.endTime, `${w.startTime} > ${w.endTime}`);
      assert.equal(w.startTime, w.endTime);
      assert.equal(w.clamped, false);
    });
  }
  it('fetchTab of an empty window answers with no buckets and makes no request', async () => {
    let asked = 0;
    const source: UsageSource = {
      kind: 'sample',
      query: async () => {
        asked++;
        return [];
      },
      projects: async () => [],
    };
    for (const width of ['1d', '1h'] as const) {
      const state = ui({ tab: 'completions', range: future, tabs: { completions: { ...tabSettings(ui(), 'completions'), width } } });
      const result = await fetchTab(state, 'completions', source, NOW_MS, 'usd');
      assert.deepEqual(result.buckets, []);
    }
    assert.equal(asked, 0);
  });
  it('the overview of an empty range asks for no source at all', async () => {
    const org = createSampleOrg({ now: NOW_MS, seed: 3 });
    const snapshot = await loadSnapshot(org, { nowMs: NOW_MS, rangeDays: 7 });
    let asked = 0;
    const data = await fetchOverview({
      ui: ui({ range: future }),
      snapshot,
      source: async () => {
        asked++;
        return undefined;
      },
      // A day later: the snapshot no longer reaches the end of "today".
      nowMs: NOW_MS + 86_400_000,
      budget: 0,
    });
    assert.equal(asked, 0);
    assert.deepEqual(data.days, []);
    assert.equal(data.cards.rangeSpend, 0);
  });
});

describe('panel/fetchView: filter options', () => {
  const org = createSampleOrg({ now: NOW_MS, seed: 3 });

  it('fetchIdOptions fills the API key and user lists with one grouped query', async () => {
    const asked: UsageQuery[] = [];
    const source: UsageSource = { kind: 'sample', query: (q, s) => (asked.push(q), org.query(q, s)), projects: () => org.projects() };
    const opts = new FilterOptionSets();
    opts.add(await fetchIdOptions(ui({ tab: 'completions' }), 'completions', source, NOW_MS));
    assert.equal(asked.length, 1);
    assert.deepEqual(asked[0]?.groupBy, ['api_key_id', 'user_id']);
    assert.equal(asked[0]?.startTime, TODAY - 29 * DAY);
    const json = opts.toJSON();
    assert.ok(json.apiKeyIds.length >= 3, json.apiKeyIds.join());
    assert.ok(json.userIds.length >= 3, json.userIds.join());
    assert.ok(json.apiKeyIds.every((k) => k.startsWith('key_sample_')));
  });
  it('fetchIdOptions asks nothing for an endpoint without those filters', async () => {
    let asked = 0;
    const source: UsageSource = { kind: 'sample', query: (q, s) => (asked++, org.query(q, s)), projects: () => org.projects() };
    assert.deepEqual(idOptionDimensions('vector_stores'), []);
    assert.deepEqual(await fetchIdOptions(ui({ tab: 'vector_stores' }), 'vector_stores', source, NOW_MS), []);
    assert.deepEqual(await fetchIdOptions(ui({ tab: 'code_interpreter_sessions' }), 'code_interpreter_sessions', source, NOW_MS), []);
    // Costs take api_key_ids since the 2026 API, so their key list is worth a query.
    assert.deepEqual(idOptionDimensions('costs'), ['api_key_id']);
    assert.equal(asked, 0);
  });
  it('values seen in sample data are dropped when the mode or the origin changes', async () => {
    const snapshot = await loadSnapshot(org, { nowMs: NOW_MS, rangeDays: 7 });
    const opts = new FilterOptionSets();
    assert.equal(opts.follow('sample', snapshot), false);
    opts.addSnapshot(snapshot);
    opts.add([bucket(TODAY, [{ values: {}, dims: { api_key_id: 'key_sample_x', model: 'sample-model' } }])]);
    assert.ok(opts.toJSON().apiKeyIds.includes('key_sample_x'));
    // Same mode and data again: kept.
    assert.equal(opts.follow('sample', snapshot), false);
    assert.ok(opts.toJSON().models.includes('sample-model'));
    // A real key: everything of the sample organisation goes (the documented sources stay).
    assert.equal(opts.follow('api', undefined), true);
    const json = opts.toJSON();
    assert.deepEqual([json.models, json.apiKeyIds, json.userIds], [[], [], []]);
    assert.ok(json.sources.length > 0);
    // The first api snapshot arriving is not another change; another key (origin) is.
    const apiSnapshot = { ...snapshot, source: 'api' as const, origin: 'fp-one' };
    assert.equal(opts.follow('api', apiSnapshot), false);
    opts.add([bucket(TODAY, [{ values: {}, dims: { model: 'org-one-model' } }])]);
    assert.equal(opts.follow('api', undefined), false);
    assert.ok(opts.toJSON().models.includes('org-one-model'));
    assert.equal(opts.follow('api', { ...apiSnapshot, origin: 'fp-two' }), true);
    assert.deepEqual(opts.toJSON().models, []);
  });
});

describe('panel/nextSteps: every state says what to do', () => {
  it('"No usage data yet" offers Refresh; a failed query Try again; a key problem Set Admin Key', () => {
    assert.deepEqual(queryErrorActions('no_data'), [{ kind: 'command', command: 'openaiUsage.refresh', label: 'Refresh' }]);
    assert.deepEqual(queryErrorActions('server').map((a) => a.label), ['Try again']);
    assert.deepEqual(queryErrorActions('auth').map((a) => a.label), ['Try again', 'Set Admin Key']);
  });
  it('an empty table says to clear the filters or widen the range, as applies', () => {
    const both = emptyTableHint({ filtered: true, widestRange: false });
    assert.equal(both.text, 'No data in this range for these filters. Try to clear the filters or widen the range.');
    assert.deepEqual(both.actions, ['clearFilters', 'widenRange']);
    assert.deepEqual(emptyTableHint({ filtered: false, widestRange: false }).actions, ['widenRange']);
    assert.deepEqual(emptyTableHint({ filtered: true, widestRange: true }).actions, ['clearFilters']);
    const nothing = emptyTableHint({ filtered: false, widestRange: true });
    assert.deepEqual(nothing.actions, []);
    assert.match(nothing.text, /once the organization makes requests/);
    assert.equal(isWideRange({ kind: 'preset', days: 90 }, NOW_MS), true);
    assert.equal(isWideRange({ kind: 'preset', days: 30 }, NOW_MS), false);
    assert.equal(isWideRange({ kind: 'custom', start: '2024-06-01', end: '2025-01-01' }, NOW_MS), true);
  });
  it('numbers of another request, or from before a failed update, are marked', () => {
    const base = { dataKey: 'a', currentKey: 'a', loading: false, failed: false };
    assert.equal(staleDataNote(base), undefined);
    assert.equal(staleDataNote({ ...base, loading: true }), undefined);
    assert.match(staleDataNote({ ...base, failed: true }) ?? '', /before the failed update/);
    assert.match(staleDataNote({ ...base, currentKey: 'b', loading: true }) ?? '', /previous selection/);
    assert.match(staleDataNote({ ...base, currentKey: 'b', failed: true }) ?? '', /previous selection: the current one could not be loaded/);
  });
});
