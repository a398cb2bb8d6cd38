// One endpoint's tab: its own metrics over time, its group-by choices, filters and bucket widths,
// and the sortable table of every bucket and group.
import { COMPLETIONS_BREAKDOWN, ENDPOINTS } from '../src/shared/endpoints';
import type { BucketWidth, EndpointId, EndpointSpec, FilterName, UsageBucket } from '../src/shared/endpoints';
import type { CompletionsMix, FilterOptions, GroupChoice, Window } from '../src/shared/protocol';
import { breakdownRowLabel, bucketLabel, chartTitle, dimensionLabel, formatMetric, formatNumber, formatShare, isLevelMetric, metricInSentence, metricLabel, usageCaption, WIDTH_LABELS } from '../src/shared/labels';
import { breakdownShares, idName, unreadableNote } from '../src/report/attribution';
import { formatCount as formatCompact, formatQuantity } from '../src/shared/format';
import { bucketSeries, slotTotals } from '../src/report/series';
import { metricTotals, nextSort, usageTable } from '../src/report/table';
import { isWideRange } from '../src/shared/nextSteps';
import { EMPTY_FILTERS, tabSettings } from '../src/shared/uiState';
import { CLAMP_NOTE, provisionalStart } from '../src/shared/queryWindow';
import { StackedBarChart } from './charts';
import type { TabView, ViewContext } from './context';
import { multiSelect, singleSelect, syncMulti, syncSingle } from './controls';
import type { Choice } from './controls';
import { renderDataTable } from './dataTable';
import { h, replaceChildren, uid } from './dom';
import { emptyTableContent, renderFrame } from './stateBox';
import * as l10n from '@vscode/l10n';

export interface TabData {
  readonly endpoint: EndpointId;
  readonly window: Window;
  readonly groupBy: GroupChoice;
  readonly currency: string;
  readonly buckets: readonly UsageBucket[];
  readonly mix?: CompletionsMix;
}

type ListFilter = Exclude<FilterName, 'projectIds' | 'batch'>;
/**
 * `creatable`: the lists only hold values seen in the data, so an ID or model can also be typed
 * (the host's schema bounds what is sent). Sources and sizes are fixed lists from the API docs.
 */
const LIST_FILTERS: readonly { name: ListFilter; label: () => string; creatable: boolean }[] = [
  { name: 'models', label: () => l10n.t('Models'), creatable: true },
  { name: 'apiKeyIds', label: () => l10n.t('API keys'), creatable: true },
  { name: 'userIds', label: () => l10n.t('Users'), creatable: true },
  { name: 'sources', label: () => l10n.t('Sources'), creatable: false },
  { name: 'sizes', label: () => l10n.t('Sizes'), creatable: false },
  { name: 'vectorStoreIds', label: () => l10n.t('Vector stores'), creatable: true },
  // The API takes only low, medium and high: nothing else may be typed.
  { name: 'contextLevels', label: () => l10n.t('Context levels'), creatable: false },
];

/** A filter's choice as shown: keys and users by name. */
function filterLabel(name: ListFilter, value: string, ctx: ViewContext): string {
  if (name === 'apiKeyIds') return idName('api_key_id', value, ctx.projectNames, ctx.status?.names).label;
  if (name === 'userIds') return idName('user_id', value, ctx.projectNames, ctx.status?.names).label;
  return value;
}

function batchChoices(): Choice[] {
  return [
    { value: 'any', label: l10n.t('Batch and non-batch') },
    { value: 'true', label: l10n.t('Batch only') },
    { value: 'false', label: l10n.t('Non-batch only') },
  ];
}

export class EndpointView implements TabView {
  readonly element: HTMLElement;
  private data: TabData | undefined;
  /** The request key `data` answered. */
  private dataKey: string | undefined;
  private readonly staleNote = h('p', { class: 'stale-note hidden', role: 'status' });
  private ctx: ViewContext | undefined;
  private readonly spec: EndpointSpec;
  private readonly stateBox = h('div', { class: 'query-state hidden', role: 'status', 'aria-live': 'polite' });
  private readonly note = h('p', { class: 'note hidden' });
  private readonly totals = h('div', { class: 'cards small' });
  private readonly breakdowns = h('section', { class: 'breakdowns-section' });
  private readonly mixBox = h('section', { class: 'mix-section' });
  private readonly namesNote = h('p', { class: 'note names-note hidden' });
  private readonly canvas: HTMLCanvasElement;
  private readonly summary: HTMLElement;
  private readonly chartTitle = h('h2', {});
  private readonly provisionalNote = h(
    'p',
    { class: 'legend-note hidden' },
    h('span', { class: 'swatch hatched', 'aria-hidden': 'true' }),
    l10n.t('Provisional: cost data arrives late (hours, up to a day), so the last two UTC days may still grow.'),
  );
  private readonly tableBox = h('div', { class: 'table-box' });
  private readonly chart: StackedBarChart;
  private readonly content: HTMLElement;
  private readonly width: ReturnType<typeof singleSelect>;
  private readonly group: ReturnType<typeof singleSelect>;
  private readonly metric: ReturnType<typeof singleSelect>;
  private readonly batch: ReturnType<typeof singleSelect> | undefined;
  private readonly lists = new Map<ListFilter, ReturnType<typeof multiSelect>>();
  private readonly batchChoices = batchChoices();

  constructor(private readonly endpoint: EndpointId) {
    this.spec = ENDPOINTS[endpoint];
    const spec = this.spec;
    const summaryId = uid('summary');
    this.canvas = h('canvas', { role: 'img', 'aria-describedby': summaryId });
    this.summary = h('p', { id: summaryId, class: 'chart-summary' });
    this.chart = new StackedBarChart(this.canvas);

    const settings = (fn: (s: ReturnType<typeof tabSettings>) => ReturnType<typeof tabSettings>): void =>
      this.ctx?.update((ui) => ({ ...ui, tabs: { ...ui.tabs, [endpoint]: fn(tabSettings(ui, endpoint)) } }));

    this.width = singleSelect(l10n.t('Bucket'), this.widthChoices(), '1d', (value) =>
      settings((s) => ({ ...s, width: spec.widths.find((w) => w === value) ?? '1d' })),
    );
    // Costs come in day buckets only: show the width, but nothing to choose.
    this.width.control.disabled = spec.widths.length < 2;
    this.group = singleSelect(l10n.t('Group by'), this.groupChoices(), 'none', (value) =>
      settings((s) => ({ ...s, groupBy: spec.groupBy.find((g) => g === value) ?? 'none', sort: undefined })),
    );
    this.metric = singleSelect(
      l10n.t('Chart metric'),
      spec.metrics.map((m) => ({ value: m, label: metricLabel(m) })),
      spec.metrics[0] ?? '',
      (value) => settings((s) => ({ ...s, metric: value })),
    );
    for (const f of LIST_FILTERS) {
      if (!spec.filters.includes(f.name)) continue;
      this.lists.set(
        f.name,
        multiSelect(f.label(), [], [], (values) => settings((s) => ({ ...s, filters: { ...s.filters, [f.name]: values } })), { creatable: f.creatable }),
      );
    }
    if (spec.filters.includes('batch')) {
      this.batch = singleSelect(l10n.t('Batch'), this.batchChoices, 'any', (value) =>
        settings((s) => ({ ...s, filters: { ...s.filters, batch: value === 'true' || value === 'false' ? value : 'any' } })),
      );
    }

    const controls = h(
      'div',
      { class: 'toolbar controls', role: 'group', 'aria-label': l10n.t('{0} options', spec.title) },
      this.width.wrapper,
      this.group.wrapper,
      spec.metrics.length > 1 ? this.metric.wrapper : null,
      ...[...this.lists.values()].map((l) => l.wrapper),
      this.batch?.wrapper ?? null,
    );
    this.content = h(
      'div',
      { class: 'tab-content' },
      this.totals,
      h(
        'section',
        { class: 'chart-section' },
        h('div', { class: 'section-head' }, this.chartTitle),
        h('figure', { class: 'chart-box tall' }, this.canvas),
        this.provisionalNote,
        this.summary,
      ),
      // Completions only: the parts of the totals and the mix, between the chart and the table.
      this.breakdowns,
      this.mixBox,
      this.namesNote,
      h('section', { class: 'table-section' }, h('h2', {}, l10n.t('{0} table', spec.title)), this.tableBox),
    );
    this.element = h('div', { class: `view endpoint ${endpoint}` }, controls, this.note, this.stateBox, this.staleNote, this.content);
  }

  setData(data: TabData | undefined, key: string): void {
    this.data = data;
    this.dataKey = key;
  }

  render(ctx: ViewContext): void {
    this.ctx = ctx;
    const spec = this.spec;
    const s = tabSettings(ctx.ui, this.endpoint);
    syncSingle(this.width.control, this.widthChoices(), s.width);
    syncSingle(this.group.control, this.groupChoices(), s.groupBy);
    syncSingle(
      this.metric.control,
      spec.metrics.map((m) => ({ value: m, label: metricLabel(m) })),
      s.metric,
    );
    if (this.batch) syncSingle(this.batch.control, this.batchChoices, s.filters.batch);
    const options: FilterOptions = ctx.status?.options ?? { models: [], apiKeyIds: [], userIds: [], sources: [], sizes: [], vectorStoreIds: [], contextLevels: [] };
    for (const [name, field] of this.lists) {
      syncMulti(
        field.control,
        // Keys and users by name (the value sent stays the ID).
        (options[name] ?? []).map((v) => ({ value: v, label: filterLabel(name, v, ctx) })),
        s.filters[name] ?? [],
      );
    }

    const data = this.data;
    renderFrame({ element: this.element, stateBox: this.stateBox, staleNote: this.staleNote, content: this.content }, ctx, data !== undefined, this.dataKey);
    const clampNote = data?.window.clamped ? CLAMP_NOTE[data.window.width] : '';
    this.note.textContent = clampNote;
    this.note.classList.toggle('hidden', !clampNote);
    if (!data) return;

    const metric = spec.metrics.includes(s.metric) ? s.metric : spec.metrics[0] ?? '';
    const fmt = (v: number): string => formatMetric(metric, v, data.currency);
    const set = bucketSeries({ buckets: data.buckets, window: data.window, groupBy: data.groupBy, metric, projectNames: ctx.projectNames, names: ctx.status?.names });
    // Costs arrive late: hatch the provisional days as the overview does.
    let provisionalFrom: number | undefined;
    if (this.endpoint === 'costs') {
      const first = Math.ceil((provisionalStart(Date.now()) - data.window.startTime) / 86_400);
      provisionalFrom = first < set.labels.length ? Math.max(0, first) : undefined;
    }
    this.provisionalNote.classList.toggle('hidden', provisionalFrom === undefined);
    this.chart.update({
      set,
      provisionalFrom,
      format: fmt,
      axisFormat: (v) => (metric === 'amount' ? fmt(v) : metric === 'usage_bytes' ? fmt(v) : formatCompact(v)),
      integerTicks: metric !== 'amount' && metric !== 'usage_bytes',
      theme: ctx.theme,
    });
    const range = l10n.t('{0} to {1} UTC', bucketLabel(data.window.startTime, data.window.width), bucketLabel(data.window.endTime - 1, data.window.width));
    // Whole messages with in-sentence words of their own (labels.ts), never labels lower-cased here.
    this.chartTitle.textContent = chartTitle(metric, data.window.width, data.groupBy);
    this.canvas.setAttribute('aria-label', l10n.t('Chart: {0}, {1}', this.chartTitle.textContent, range));
    this.summary.textContent = this.describe(set.labels, slotTotals(set), set.series.map((x) => x.label), metric, fmt, range);

    this.renderTotals(data);
    this.renderMix(data);
    const note = unreadableNote(ctx.status?.names);
    const namesShown = data.groupBy === 'api_key_id' || data.groupBy === 'user_id';
    this.namesNote.textContent = namesShown && note ? note : '';
    this.namesNote.classList.toggle('hidden', !(namesShown && note));
    renderDataTable(this.tableBox, {
      caption: usageCaption(spec.title, data.groupBy, range),
      table: usageTable({
        endpoint: this.endpoint,
        buckets: data.buckets,
        groupBy: data.groupBy,
        width: data.window.width,
        currency: data.currency,
        projectNames: ctx.projectNames,
        names: ctx.status?.names,
      }),
      sort: s.sort,
      onSort: (column) =>
        ctx.update((ui) => {
          const t = tabSettings(ui, this.endpoint);
          return { ...ui, tabs: { ...ui.tabs, [this.endpoint]: { ...t, sort: nextSort(t.sort, column) } } };
        }),
      empty: emptyTableContent({
        filtered: ctx.ui.projectIds.length > 0 || s.filters.batch !== 'any' || LIST_FILTERS.some((f) => (s.filters[f.name] ?? []).length > 0),
        widestRange: isWideRange(ctx.ui.range, Date.now()),
        clearFilters: () =>
          ctx.update((ui) => ({ ...ui, projectIds: [], tabs: { ...ui.tabs, [this.endpoint]: { ...tabSettings(ui, this.endpoint), filters: EMPTY_FILTERS } } })),
        widenRange: () => ctx.update((ui) => ({ ...ui, range: { kind: 'preset', days: 90 } })),
      }),
    });
  }

  applyTheme(ctx: ViewContext): void {
    this.chart.applyTheme(ctx.theme);
  }

  private widthChoices(): Choice[] {
    return this.spec.widths.map((w: BucketWidth) => ({ value: w, label: WIDTH_LABELS[w] })).reverse();
  }

  private groupChoices(): Choice[] {
    return [{ value: 'none', label: l10n.t('Nothing (total)') }, ...this.spec.groupBy.map((g) => ({ value: g, label: dimensionLabel(g) }))];
  }

  /** Totals of every metric over the window, from the report (storage: the latest level). */
  private renderTotals(data: TabData): void {
    const all = metricTotals(this.endpoint, data.buckets, data.currency);
    const parts = new Set<string>(COMPLETIONS_BREAKDOWN);
    // The breakdowns are parts of input or output tokens: listed under the totals, never beside them as more.
    const shares = breakdownShares(all);
    replaceChildren(
      this.breakdowns,
      ...(shares.length
        ? [
            h('h2', {}, l10n.t('Token breakdowns')),
            h('p', { class: 'note' }, l10n.t('Parts of the input and output tokens above, not added to them.')),
            h(
              'table',
              { class: 'mini-table breakdowns' },
              h('caption', {}, l10n.t('Token breakdowns, as parts of the totals')),
              h(
                'thead',
                {},
                h('tr', {}, h('th', { scope: 'col' }, l10n.t('Part')), h('th', { scope: 'col', class: 'num' }, l10n.t('Tokens')), h('th', { scope: 'col', class: 'num' }, l10n.t('Share of its total'))),
              ),
              h(
                'tbody',
                {},
                ...shares.map((b) =>
                  h(
                    'tr',
                    {},
                    h('th', { scope: 'row' }, breakdownRowLabel(b.metric, b.of)),
                    h('td', { class: 'num' }, formatNumber(b.value)),
                    h('td', { class: 'num' }, b.share === undefined ? '–' : formatShare(b.share)),
                  ),
                ),
              ),
            ),
          ]
        : []),
    );
    replaceChildren(
      this.totals,
      ...all.filter((t) => !parts.has(t.metric)).map((t) =>
        h(
          'div',
          { class: 'card', role: 'group', 'aria-label': metricLabel(t.metric) },
          h('div', { class: 'card-title' }, t.level ? l10n.t('{0}, latest', metricLabel(t.metric)) : metricLabel(t.metric)),
          h(
            'div',
            { class: 'card-value' },
            t.byUnit
              ? // Quantities of rows that name no unit mean nothing summed: only those with a unit.
                t.byUnit.filter((u) => u.unit).map((u) => formatQuantity(u.quantity, u.unit)).join(' · ') || '–'
              : t.byCurrency
              ? t.byCurrency.map((c) => formatMetric(t.metric, c.amount, c.currency)).join(' · ')
              : t.metric === 'amount' || t.metric === 'usage_bytes'
                ? formatMetric(t.metric, t.value, t.byCurrency === undefined && t.metric === 'amount' ? this.amountCurrency(data) : data.currency)
                : formatCompact(t.value),
          ),
        ),
      ),
    );
  }

  /** Completions: cache-hit rate, batch share and the service-tier mix (computed in src/report). */
  private renderMix(data: TabData): void {
    const mix = data.mix;
    if (!mix) {
      replaceChildren(this.mixBox);
      return;
    }
    const card = (title: string, value: string, detail: string): HTMLElement =>
      h('div', { class: 'card', role: 'group', 'aria-label': title }, h('div', { class: 'card-title' }, title), h('div', { class: 'card-value' }, value), h('div', { class: 'card-sub' }, detail));
    replaceChildren(
      this.mixBox,
      h('h2', {}, l10n.t('Caching, batch and service tiers')),
      h(
        'div',
        { class: 'cards small' },
        card(
          l10n.t('Cache-hit rate'),
          mix.cacheHitRate === undefined ? '–' : formatShare(mix.cacheHitRate),
          l10n.t('{0} cached of {1} input tokens', formatCompact(mix.cachedTokens), formatCompact(mix.inputTokens)),
        ),
        card(
          l10n.t('Batch share'),
          mix.batchShare === undefined ? '–' : formatShare(mix.batchShare),
          l10n.t('{0} batch of {1} requests', formatCompact(mix.batchRequests), formatCompact(mix.requests)),
        ),
      ),
      mix.tiers.length
        ? h(
            'table',
            { class: 'mini-table tiers' },
            h('caption', {}, l10n.t('Service-tier mix')),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, l10n.t('Service tier')),
                h('th', { scope: 'col', class: 'num' }, l10n.t('Requests')),
                h('th', { scope: 'col', class: 'num' }, l10n.t('Share of requests')),
                h('th', { scope: 'col', class: 'num' }, l10n.t('Tokens')),
              ),
            ),
            h(
              'tbody',
              {},
              ...mix.tiers.map((t) =>
                h('tr', {}, h('th', { scope: 'row' }, t.tier || l10n.t('(none)')), h('td', { class: 'num' }, formatNumber(t.requests)), h('td', { class: 'num' }, formatShare(t.share)), h('td', { class: 'num' }, formatNumber(t.tokens))),
              ),
            ),
          )
        : null,
    );
  }

  /** The one currency of the rows (the tab's when none is named). */
  private amountCurrency(data: TabData): string {
    return data.buckets.flatMap((b) => b.rows).find((r) => r.currency)?.currency?.toLowerCase() ?? data.currency;
  }

  private describe(labels: readonly string[], totals: readonly number[], series: readonly string[], metric: string, fmt: (v: number) => string, range: string): string {
    const total = totals.reduce((a, v) => a + v, 0);
    if (total === 0) return l10n.t('No {0} {1}.', metricInSentence(metric), range);
    let peak = 0;
    totals.forEach((v, i) => {
      if (v > (totals[peak] ?? 0)) peak = i;
    });
    const level = isLevelMetric(metric);
    const peakText = level ? l10n.t('Peak: {0} ({1}).', labels[peak] ?? '', fmt(totals[peak] ?? 0)) : l10n.t('Busiest bucket: {0} ({1}).', labels[peak] ?? '', fmt(totals[peak] ?? 0));
    return [
      l10n.t('{0}, {1}.', metricLabel(metric), range),
      ...(level ? [] : [l10n.t('Total {0}.', fmt(total))]),
      peakText,
      ...(series.length > 1 ? [l10n.t('Stacked: {0}.', `${series.slice(0, 5).join(', ')}${series.length > 5 ? ', …' : ''}`)] : []),
    ].join(' ');
  }
}
