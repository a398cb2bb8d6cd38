// The report engine's rules: token arithmetic (SPEC §1), currencies never added, totals that must
// be finite, and outside strings escaped wherever they go into Markdown.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as l10n from '@vscode/l10n';
import type { UsageBucket, UsageRow } from '../../src/shared/endpoints';
import type { UsageSnapshot } from '../../src/shared/snapshot';
import { buildReport } from '../../src/report/report';
import { buildOverview } from '../../src/report/overview';
import { snapshotOverviewExport } from '../../src/report/export';
import { toJson } from '../../src/report/exportFormat';
import { NonFiniteTotalError, assertFiniteBuckets } from '../../src/report/finite';
import { summarize } from '../../src/report/summary';
import { metricTotals, usageTable } from '../../src/report/table';
import { formatMoney } from '../../src/shared/format';
import { defaultUiState } from '../../src/shared/uiState';
import { addDays, dayStartOfMs, rangeForDays } from '../../src/shared/time';
import { loadSnapshot } from '../../src/usage/loader';
import type { UsageSource } from '../../src/usage/source';
import { deriveViews } from '../../src/views/derive';
import { escapeMarkdown, renderStatus } from '../../src/views/statusText';
import { noModelLabel, treeChildren, treeItemText } from '../../src/views/treeText';

const NOW = Date.parse('2026-11-23T14:37:12Z');
const TODAY = dayStartOfMs(NOW);
const range = rangeForDays(NOW, 7);
const day = (start: number, rows: UsageRow[]): UsageBucket => ({ startTime: start, endTime: addDays(start, 1), rows });

function snapshot(costs: UsageBucket[], usage: UsageSnapshot['usage'] = {}, projects: UsageSnapshot['projects'] = []): UsageSnapshot {
  return { version: 1, source: 'api', fetchedAt: NOW, rangeStart: range.start, rangeEnd: range.end, costsStart: addDays(TODAY, -30), currency: 'usd', projects, costs, usage };
}

const statusOptions = { show: 'today' as const, monthlyBudget: 0, budgetWarningPercent: 80, formatMoney, formatTime: (ms: number): string => new Date(ms).toISOString() };
const apiState = { mode: 'api' as const, snapshot: undefined, loading: false, error: undefined, staleSince: undefined };

describe('report: token arithmetic (SPEC §1)', () => {
  it('a row with input_tokens=100 and input_audio_tokens=30 counts 100 input tokens, everywhere', () => {
    const usage = {
      completions: [day(TODAY, [{ values: { input_tokens: 100, input_audio_tokens: 30, output_tokens: 50, output_audio_tokens: 20, input_cached_tokens: 40, num_model_requests: 3 }, dims: { project_id: 'p', model: 'gpt-4o-audio' } }])],
    };
    const r = buildReport({ nowMs: NOW, range, projects: [], costs: [], usage });
    assert.deepEqual(r.tokens, { input: 100, output: 50, cached: 40 });
    assert.equal(r.requests, 3);
    const s = summarize(snapshot([], usage), { nowMs: NOW, rangeDays: 7 });
    assert.deepEqual(s.tokens, { input: 100, output: 50, cached: 40 });
    assert.equal(s.projects[0]?.models[0]?.inputTokens, 100);
    const o = buildOverview({ nowMs: NOW, range, currency: 'usd', budget: 0, projectIds: [], projects: [], rangeCosts: [], monthCosts: [], usage });
    assert.equal(o.cards.inputTokens, 100);
    assert.equal(o.cards.outputTokens, 50);
    assert.equal(o.tokensByModel[0]?.input, 100);
  });

  it('rows without a model count in the tree as in the dashboard', () => {
    const usage = {
      embeddings: [day(TODAY, [{ values: { input_tokens: 7, num_model_requests: 2 }, dims: { project_id: 'p' } }])],
      images: [day(TODAY, [{ values: { images: 4, num_model_requests: 4 }, dims: { project_id: 'p', model: 'dall-e-3' } }])],
      vector_stores: [day(TODAY, [{ values: { usage_bytes: 1e9 }, dims: { project_id: 'p' } }])],
    };
    const s = summarize(snapshot([], usage), { nowMs: NOW, rangeDays: 7 });
    const o = buildOverview({ nowMs: NOW, range, currency: 'usd', budget: 0, projectIds: [], projects: [], rangeCosts: [], monthCosts: [], usage });
    assert.deepEqual([s.tokens.input, s.requests], [7, 6]);
    assert.deepEqual([o.cards.inputTokens, o.cards.requests], [7, 6]);
    const views = deriveViews(snapshot([], usage), NOW, 7);
    const labels = treeChildren(views.tree, treeChildren(views.tree)[0]).map((n) => treeItemText(n, 7).label);
    assert.deepEqual(labels, ['dall-e-3', noModelLabel()]);
  });
});

describe('report: several currencies are never added', () => {
  const costs = [
    day(TODAY, [
      { values: { amount: 10 }, dims: { project_id: 'p1', line_item: 'gpt' }, currency: 'usd' },
      { values: { amount: 5 }, dims: { project_id: 'p2', line_item: 'gpt' }, currency: 'eur' },
    ]),
  ];
  const projects = [
    { id: 'p1', name: 'One', status: 'active' },
    { id: 'p2', name: 'Two', status: 'active' },
  ];

  it('totals per currency; the headline is the currency with the most spend', () => {
    const s = summarize(snapshot(costs, {}, projects), { nowMs: NOW, rangeDays: 7 });
    assert.equal(s.currency, 'usd');
    assert.deepEqual(s.currencies, ['usd', 'eur']);
    assert.equal(s.today, 10);
    assert.equal(s.rangeTotal, 10);
    assert.equal(s.byCurrency.eur?.today, 5);
    assert.equal(s.byCurrency.eur?.rangeTotal, 5);
    assert.deepEqual(s.lineItems.map((li) => [li.name, li.currency, li.spend]), [['gpt', 'usd', 10], ['gpt', 'eur', 5]]);
    // More spend in eur: eur leads.
    const eur = summarize(snapshot([day(TODAY, [...(costs[0]?.rows ?? []), { values: { amount: 6 }, dims: { project_id: 'p2' }, currency: 'eur' }])], {}, projects), { nowMs: NOW, rangeDays: 7 });
    assert.equal(eur.currency, 'eur');
    assert.equal(eur.today, 11);
  });

  it('the status tooltip, the tree and the dashboard show each currency, and never "$15.00"', () => {
    const snap = snapshot(costs, {}, projects);
    const views = deriveViews(snap, NOW, 7);
    const status = renderStatus(apiState, views.status, statusOptions);
    assert.equal(status.text, '$(graph) $10.00');
    const tooltip = status.tooltip.replace(/\\(.)/g, '$1');
    assert.match(tooltip, /\| Today \(UTC day, provisional\) \| \$10\.00 · 5\.00 EUR \|/);
    assert.match(tooltip, /2 currencies/);
    const tree = treeChildren(views.tree).map((n) => treeItemText(n, 7).description);
    assert.deepEqual(tree, ['$10.00', '5.00 EUR']);
    const o = buildOverview({ nowMs: NOW, range, currency: 'usd', budget: 0, projectIds: [], projects, rangeCosts: costs, monthCosts: costs, usage: {} });
    assert.equal(o.cards.rangeSpend, 10);
    assert.deepEqual(o.byCurrency?.eur, { rangeSpend: 5, today: 5, monthToDate: 5, forecast: 5 });
    assert.ok(o.costs.every((c) => c.p === 'p1'), 'the chart stacks one currency');
    const exported = JSON.parse(toJson(snapshotOverviewExport(snap, defaultUiState(7), NOW, 0).meta, snapshotOverviewExport(snap, defaultUiState(7), NOW, 0).table)) as { byCurrency?: Record<string, { today: number }> };
    assert.equal(exported.byCurrency?.eur?.today, 5);
    for (const text of [status.tooltip, tooltip, ...tree]) assert.ok(!text?.includes('15.00'), text);
  });

  it('an endpoint tab keeps currencies apart in its table and its totals', () => {
    const t = usageTable({ endpoint: 'costs', buckets: costs, groupBy: 'line_item', width: '1d', currency: 'usd', projectNames: {} });
    assert.deepEqual(t.columns.map((c) => c.id), ['start', 'line_item', 'currency', 'amount', 'quantity', 'quantity_unit']);
    assert.deepEqual(t.rows.map((r) => [r[1], r[2], r[3]]), [['gpt', 'usd', 10], ['gpt', 'eur', 5]]);
    const totals = metricTotals('costs', costs, 'usd');
    assert.deepEqual(totals[0]?.byCurrency, [{ currency: 'usd', amount: 10 }, { currency: 'eur', amount: 5 }]);
    assert.equal(metricTotals('costs', [day(TODAY, costs[0]?.rows.slice(0, 1) ?? [])], 'usd')[0]?.byCurrency, undefined);
  });

  it('one currency: no byCurrency anywhere', () => {
    const o = buildOverview({ nowMs: NOW, range, currency: 'usd', budget: 0, projectIds: [], projects, rangeCosts: costs.map((b) => ({ ...b, rows: b.rows.slice(0, 1) })), monthCosts: [], usage: {} });
    assert.equal(o.byCurrency, undefined);
  });
});

describe('report: totals must be finite', () => {
  const huge = [day(TODAY, [{ values: { amount: 1e308 }, dims: { project_id: 'a' }, currency: 'usd' }, { values: { amount: 1e308 }, dims: { project_id: 'b' }, currency: 'usd' }])];

  it('two amounts of 1e308 are an error with a clear message, not Infinity', () => {
    assert.throws(() => summarize(snapshot(huge), { nowMs: NOW, rangeDays: 7 }), (e: unknown) => e instanceof NonFiniteTotalError && /costs amounts in usd add up to more than a number can hold/.test(e.message));
    assert.throws(() => buildOverview({ nowMs: NOW, range, currency: 'usd', budget: 0, projectIds: [], projects: [], rangeCosts: huge, monthCosts: huge, usage: {} }), NonFiniteTotalError);
    // Two currencies of 1e308 each are two finite totals.
    assert.doesNotThrow(() => assertFiniteBuckets([day(TODAY, [{ values: { amount: 1e308 }, dims: {}, currency: 'usd' }, { values: { amount: 1e308 }, dims: {}, currency: 'eur' }])], 'costs'));
    // Positive and negative that cancel still cannot be summed in every subset.
    assert.throws(() => assertFiniteBuckets([day(TODAY, [{ values: { input_tokens: 1e308 }, dims: {} }, { values: { input_tokens: 1e308 }, dims: {} }, { values: { input_tokens: -1e308 }, dims: {} }])], 'completions usage'), /completions usage input_tokens/);
  });

  it('never reaches the snapshot: the loader refuses it', async () => {
    const source: UsageSource = {
      kind: 'api',
      query: async (q) => (q.endpoint === 'costs' ? huge : []),
      projects: async () => [],
    };
    await assert.rejects(loadSnapshot(source, { nowMs: NOW, rangeDays: 7 }), NonFiniteTotalError);
  });

  it('says so in the display language, with which sums as its detail', () => {
    const key =
      "The {0} add up to more than a number can hold, so the data cannot be right and no total is shown. Refresh later; if it persists, check the organization's usage in the OpenAI dashboard.";
    try {
      l10n.config({ contents: { [key]: 'Les {0} dépassent ce qu’un nombre peut contenir : aucun total.' } });
      assert.throws(() => summarize(snapshot(huge), { nowMs: NOW, rangeDays: 7 }), (e: unknown) => e instanceof NonFiniteTotalError && e.message === 'Les costs amounts in usd dépassent ce qu’un nombre peut contenir : aucun total.');
    } finally {
      l10n.config({ contents: {} });
    }
    assert.throws(() => summarize(snapshot(huge), { nowMs: NOW, rangeDays: 7 }), (e: unknown) => e instanceof NonFiniteTotalError && e.message.startsWith('The costs amounts in usd add up to more than a number can hold'));
  });
});

describe('report: outside strings are escaped in Markdown', () => {
  const crafted = '[x](http://evil)![i](http://e/i.png)';
  /** No unescaped bracket of a link or image, no HTML tag, no codicon but the tooltip's own. */
  const inert = (md: string): boolean => {
    const unescaped = md.replace(/\$\((warning|error|sync~spin|graph)\)/g, '').replace(/\\./g, '');
    return !/[[\]]|!\[|<[a-z/]|\$\(/i.test(unescaped);
  };

  it('escapeMarkdown leaves no link, image or line break', () => {
    const e = escapeMarkdown(`${crafted}\n\n# h <img src=x>`);
    assert.ok(inert(e), e);
    assert.ok(!e.includes('\n'));
    assert.equal(e.replace(/\\(.)/g, '$1'), `${crafted} # h <img src=x>`);
  });

  it('a crafted project name and currency stay text in the status tooltip and the tree tooltips', () => {
    const costs = [day(TODAY, [{ values: { amount: 3 }, dims: { project_id: 'p_evil', line_item: crafted }, currency: 'usd' }, { values: { amount: 1 }, dims: { project_id: 'p_evil' }, currency: ']' + crafted }])];
    const usage = { completions: [day(TODAY, [{ values: { input_tokens: 1, num_model_requests: 1 }, dims: { project_id: 'p_evil', model: crafted } }])] };
    const views = deriveViews(snapshot(costs, usage, [{ id: 'p_evil', name: crafted, status: 'active' }]), NOW, 7);
    const status = renderStatus(apiState, views.status, statusOptions);
    assert.ok(status.tooltip.includes(escapeMarkdown(crafted)), 'the project name is there, escaped');
    for (const line of status.tooltip.split('\n')) assert.ok(inert(line), line);
    const nodes = treeChildren(views.tree).flatMap((p) => [p, ...treeChildren(views.tree, p)]);
    assert.ok(nodes.length >= 3);
    for (const n of nodes) {
      const t = treeItemText(n, 7);
      if (t.tooltip !== undefined) assert.ok(inert(t.tooltip), t.tooltip);
    }
  });
});

describe('tree text (vscode-free)', () => {
  it('projects by name with the ID in the tooltip, models with tokens and requests, line items with spend', () => {
    const costs = [day(TODAY, [{ values: { amount: 2.5 }, dims: { project_id: 'proj_old', line_item: 'gpt-4o, input' }, currency: 'usd' }])];
    const usage = { completions: [day(TODAY, [{ values: { input_tokens: 1500, output_tokens: 20, num_model_requests: 4 }, dims: { project_id: 'proj_old', model: 'gpt-4o' } }])] };
    const views = deriveViews(snapshot(costs, usage, [{ id: 'proj_old', name: 'Old Bot', status: 'archived' }]), NOW, 7);
    const [project] = treeChildren(views.tree);
    assert.ok(project);
    const p = treeItemText(project, 7);
    assert.deepEqual([p.label, p.description, p.icon, p.contextValue, p.collapsible], ['Old Bot (archived)', '$2.50', 'archive', 'project', true]);
    assert.equal(p.tooltip, '**Old Bot** (archived)\n\nID: proj\\_old\n\nSpend in the last 7 UTC days: \\$2\\.50');
    const children = treeChildren(views.tree, project).map((n) => treeItemText(n, 7));
    assert.deepEqual(children.map((c) => [c.label, c.description]), [
      ['gpt-4o', '1.5K in · 20 out · 4 req'],
      ['gpt-4o, input', '$2.50'],
    ]);
    assert.match(children[0]?.accessibilityLabel ?? '', /1,500 input tokens, 20 output tokens, 4 requests/);
  });
});
