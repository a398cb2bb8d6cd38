// The overview tab: spend cards, daily spend stacked by project or line item (provisional days
// hatched), tokens by model, and the daily spend table.
import { todayIso } from '../src/shared/protocol';
import type { CurrencyCards, OverviewData, StackBy } from '../src/shared/protocol';
import { formatCount as formatCompact, formatMoney, formatPercent } from '../src/shared/format';
import { nextSort, overviewTable } from '../src/report/table';
import { ESTIMATE_KEY, overviewSpendSeries, slotTotals, tokenBreakdown } from '../src/report/series';
import { StackedBarChart, TokensChart } from './charts';
import type { TabView, ViewContext } from './context';
import { singleSelect, syncSingle } from './controls';
import { renderDataTable } from './dataTable';
import { h, replaceChildren, uid } from './dom';
import { isWideRange } from '../src/shared/nextSteps';
import { emptyTableContent, renderFrame } from './stateBox';
import * as l10n from '@vscode/l10n';

function stackChoices(): { value: string; label: string }[] {
  return [
    { value: 'project', label: l10n.t('Project') },
    { value: 'line_item', label: l10n.t('Line item') },
  ];
}

export class OverviewView implements TabView {
  readonly element: HTMLElement;
  private data: OverviewData | undefined;
  /** The request key `data` answered. */
  private dataKey: string | undefined;
  private readonly staleNote = h('p', { class: 'stale-note hidden', role: 'status' });
  private readonly provisionalNote = h(
    'p',
    { class: 'legend-note hidden' },
    h('span', { class: 'swatch hatched', 'aria-hidden': 'true' }),
    l10n.t('Provisional: cost data arrives late (hours, up to a day), so the last two UTC days may still grow.'),
  );
  private readonly stateBox = h('div', { class: 'query-state hidden', role: 'status', 'aria-live': 'polite' });
  private readonly cards = h('div', { class: 'cards' });
  private readonly spendCanvas: HTMLCanvasElement;
  private readonly spendSummary: HTMLElement;
  private readonly tokensCanvas: HTMLCanvasElement;
  private readonly tokensSummary: HTMLElement;
  private readonly tableBox = h('div', { class: 'table-box' });
  private readonly spendChart: StackedBarChart;
  private readonly tokensChart: TokensChart;
  private readonly stack: ReturnType<typeof singleSelect>;
  private readonly content: HTMLElement;
  private ctx: ViewContext | undefined;
  private readonly stackChoices = stackChoices();

  constructor() {
    const spendSummaryId = uid('summary');
    const tokensSummaryId = uid('summary');
    this.spendCanvas = h('canvas', { role: 'img', 'aria-describedby': spendSummaryId });
    this.spendSummary = h('p', { id: spendSummaryId, class: 'chart-summary' });
    this.tokensCanvas = h('canvas', { role: 'img', 'aria-describedby': tokensSummaryId });
    this.tokensSummary = h('p', { id: tokensSummaryId, class: 'chart-summary' });
    this.spendChart = new StackedBarChart(this.spendCanvas);
    this.tokensChart = new TokensChart(this.tokensCanvas, formatCompact);
    this.stack = singleSelect(l10n.t('Stack by'), this.stackChoices, 'project', (value) =>
      this.ctx?.update((ui) => ({ ...ui, overview: { ...ui.overview, stackBy: value === 'line_item' ? 'line_item' : 'project', sort: undefined } })),
    );
    this.content = h(
      'div',
      { class: 'tab-content' },
      this.cards,
      h(
        'section',
        { class: 'chart-section', 'aria-labelledby': 'spend-title' },
        h('div', { class: 'section-head' }, h('h2', { id: 'spend-title' }, l10n.t('Daily spend')), h('div', { class: 'toolbar' }, this.stack.wrapper)),
        h('figure', { class: 'chart-box tall' }, this.spendCanvas),
        this.provisionalNote,
        this.spendSummary,
      ),
      h(
        'section',
        { class: 'chart-section', 'aria-labelledby': 'tokens-title' },
        h('div', { class: 'section-head' }, h('h2', { id: 'tokens-title' }, l10n.t('Tokens by model'))),
        h('figure', { class: 'chart-box' }, this.tokensCanvas),
        this.tokensSummary,
      ),
      h(
        'section',
        { class: 'table-section', 'aria-labelledby': 'overview-table-title' },
        h('h2', { id: 'overview-table-title' }, l10n.t('Daily spend table')),
        this.tableBox,
      ),
    );
    this.element = h('div', { class: 'view overview' }, this.stateBox, this.staleNote, this.content);
  }

  setData(data: OverviewData | undefined, key: string): void {
    this.data = data;
    this.dataKey = key;
  }

  render(ctx: ViewContext): void {
    this.ctx = ctx;
    const data = this.data;
    renderFrame({ element: this.element, stateBox: this.stateBox, staleNote: this.staleNote, content: this.content }, ctx, data !== undefined, this.dataKey);
    syncSingle(this.stack.control, this.stackChoices, ctx.ui.overview.stackBy);
    if (!data) return;
    this.renderCards(ctx, data);
    this.renderSpend(ctx, data, ctx.ui.overview.stackBy);
    this.renderTokens(ctx, data);
    renderDataTable(this.tableBox, {
      caption:
        ctx.ui.overview.stackBy === 'project'
          ? l10n.t('Daily spend by project, {0} to {1} (UTC)', data.days[0] ?? '', data.days[data.days.length - 1] ?? '')
          : l10n.t('Daily spend by line item, {0} to {1} (UTC)', data.days[0] ?? '', data.days[data.days.length - 1] ?? ''),
      table: overviewTable(data, ctx.ui.overview.stackBy),
      sort: ctx.ui.overview.sort,
      onSort: (column) => ctx.update((ui) => ({ ...ui, overview: { ...ui.overview, sort: nextSort(ui.overview.sort, column) } })),
      empty: emptyTableContent({
        filtered: ctx.ui.projectIds.length > 0,
        widestRange: isWideRange(ctx.ui.range, Date.now()),
        clearFilters: () => ctx.update((ui) => ({ ...ui, projectIds: [] })),
        widenRange: () => ctx.update((ui) => ({ ...ui, range: { kind: 'preset', days: 90 } })),
      }),
    });
  }

  applyTheme(ctx: ViewContext): void {
    this.spendChart.applyTheme(ctx.theme);
    this.tokensChart.applyTheme(ctx.theme);
  }

  private renderCards(ctx: ViewContext, data: OverviewData): void {
    const c = data.cards;
    const money = (v: number): string => formatMoney(v, data.currency);
    const filtered = ctx.ui.projectIds.length > 0;
    const budget = !filtered && c.budget > 0 ? c.budget : 0;
    const card = (title: string, value: string, sub?: string, extra?: HTMLElement | null, cls?: string): HTMLElement =>
      h('div', { class: `card${cls ? ` ${cls}` : ''}`, role: 'group', 'aria-label': title }, h('div', { class: 'card-title' }, title), h('div', { class: 'card-value' }, value), sub ? h('div', { class: 'card-sub' }, sub) : null, extra ?? null);

    let forecastExtra: HTMLElement | null = null;
    let forecastClass: string | undefined;
    if (budget > 0 && c.forecast !== undefined) {
      const pct = (c.forecast / budget) * 100;
      const used = (c.monthToDate / budget) * 100;
      forecastClass = pct > 100 ? 'over' : undefined;
      const fill = h('div', { class: 'meter-fill' });
      // CSSOM, not a style attribute: allowed under the CSP.
      fill.style.width = `${Math.min(100, used)}%`;
      forecastExtra = h(
        'div',
        { class: 'budget' },
        h('div', { class: 'meter', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': String(budget), 'aria-valuenow': String(Math.round(c.monthToDate * 100) / 100), 'aria-label': l10n.t('Month to date against the budget') }, fill),
        h(
          'div',
          { class: 'card-sub' },
          pct > 100
            ? l10n.t('{0} of the {1} budget used; forecast {2} (over the budget)', formatPercent(Math.round(used)), money(budget), formatPercent(Math.round(pct)))
            : l10n.t('{0} of the {1} budget used; forecast {2}', formatPercent(Math.round(used)), money(budget), formatPercent(Math.round(pct))),
        ),
      );
    }
    const days = data.days.length;
    const todayEstimate = data.estimates?.find((e) => e.d === days - 1 && data.days[e.d] === todayIso());
    // Several currencies: the cards are of the main one; each other currency is shown on its own
    // line, never added to it.
    const others = Object.entries(data.byCurrency ?? {}).filter(([cur]) => cur !== data.currency);
    const also = (pick: (cards: CurrencyCards) => number | undefined): HTMLElement | null =>
      others.length === 0
        ? null
        : h(
            'div',
            { class: 'card-sub' },
            l10n.t(
              'Also {0}',
              others
                .map(([cur, cc]) => {
                  const v = pick(cc);
                  return v === undefined ? `— ${cur.toUpperCase()}` : formatMoney(v, cur);
                })
                .join(' · '),
            ),
          );
    replaceChildren(
      this.cards,
      card(
        days === 1 ? l10n.t('Spend, 1 day') : l10n.t('Spend, {0} days', days),
        money(c.rangeSpend),
        l10n.t('{0} – {1} (UTC)', data.days[0] ?? '', data.days[days - 1] ?? ''),
        also((x) => x.rangeSpend),
      ),
      card(
        l10n.t('Today (UTC)'),
        money(c.today),
        todayEstimate
          ? l10n.t('Billed so far; ≈{0} estimated with what is not billed yet', money(todayEstimate.billed + todayEstimate.unbilled))
          : l10n.t('The current UTC day; provisional'),
        also((x) => x.today),
      ),
      card(l10n.t('Month to date (UTC)'), money(c.monthToDate), undefined, also((x) => x.monthToDate)),
      card(
        l10n.t('Month-end forecast'),
        c.forecast === undefined ? '—' : money(c.forecast),
        budget > 0 ? l10n.t('Estimate, against the monthly budget') : filtered ? l10n.t('Estimate for the filtered projects') : l10n.t('Estimate; no monthly budget set'),
        forecastExtra ?? also((x) => x.forecast),
        forecastClass,
      ),
      card(l10n.t('Input tokens'), formatCompact(c.inputTokens), l10n.t('Completions, embeddings, moderations')),
      card(l10n.t('Output tokens'), formatCompact(c.outputTokens)),
      card(
        l10n.t('Cached input tokens'),
        formatCompact(c.cachedTokens),
        c.inputTokens > 0 ? l10n.t('{0} of input', formatPercent(Math.round((c.cachedTokens / c.inputTokens) * 100))) : undefined,
      ),
      card(l10n.t('Requests'), formatCompact(c.requests), l10n.t('All endpoints')),
      // One card per project with a hard spend limit (from the API): its month to date against it.
      ...(ctx.status?.projectBudgets ?? [])
        .filter((b) => b.reading === 'set' && b.limit !== undefined && (!filtered || ctx.ui.projectIds.includes(b.projectId)))
        .map((b) =>
          card(
            l10n.t('Limit: {0}', b.name),
            formatPercent(Math.round(b.percent ?? 0)),
            limitText(formatMoney(b.monthToDate, b.currency.toLowerCase()), formatMoney(b.limit ?? 0, b.currency.toLowerCase()), b.enforcing, (b.percent ?? 0) > 100),
            null,
            (b.percent ?? 0) > 100 ? 'over' : undefined,
          ),
        ),
    );
    if (ctx.status?.budgetNote && !filtered) this.cards.append(h('p', { class: 'note budget-note' }, ctx.status.budgetNote));
    if (others.length) {
      // Said in words, not only in the cards: the chart and the table below are of one currency.
      this.cards.prepend(
        h(
          'p',
          { class: 'filter-note' },
          l10n.t('Spend in {0} currencies. Cards, chart and table show {1} (the most spend); other currencies are listed under each card, never added.', others.length + 1, data.currency.toUpperCase()),
        ),
      );
    }
    if (filtered) {
      const names = ctx.ui.projectIds.map((p) => ctx.projectNames[p] ?? p).join(', ');
      this.cards.prepend(h('p', { class: 'filter-note' }, l10n.t('Filtered to {0}. Budget applies to the whole organization and is not shown.', names)));
    }
  }

  private renderSpend(ctx: ViewContext, data: OverviewData, stackBy: StackBy): void {
    const set = overviewSpendSeries(data, stackBy);
    const money = (v: number): string => formatMoney(v, data.currency);
    // The hatch legend only when the range holds provisional days (a range in the past has none).
    const provisional = data.provisionalFrom < data.days.length;
    this.provisionalNote.classList.toggle('hidden', !provisional);
    this.spendChart.update({
      set,
      provisionalFrom: provisional ? data.provisionalFrom : undefined,
      format: money,
      axisFormat: (v) => (Math.abs(v) >= 1000 ? `${formatCompact(v)}` : money(v)),
      theme: ctx.theme,
    });
    const totals = slotTotals(set);
    const total = totals.reduce((a, v) => a + v, 0);
    let peak = -1;
    totals.forEach((v, i) => {
      if (peak < 0 || v > (totals[peak] ?? 0)) peak = i;
    });
    const top = set.series[0];
    const byProject = stackBy === 'project';
    const topSpend = top ? money(top.values.reduce((a, v) => a + v, 0)) : '';
    const summary =
      total === 0
        ? l10n.t('No spend between {0} and {1} (UTC).', data.days[0] ?? '', data.days[data.days.length - 1] ?? '')
        : [
            byProject
              ? l10n.t('Daily spend stacked by project, {0} UTC days: total {1}.', data.days.length, money(total))
              : l10n.t('Daily spend stacked by line item, {0} UTC days: total {1}.', data.days.length, money(total)),
            l10n.t('Highest day {0} at {1}.', set.labels[peak] ?? '', money(totals[peak] ?? 0)),
            ...(top ? [byProject ? l10n.t('Largest project: {0} ({1}).', top.label, topSpend) : l10n.t('Largest line item: {0} ({1}).', top.label, topSpend)] : []),
            ...(data.provisionalFrom < data.days.length ? [l10n.t('Bars from {0} on are provisional (hatched).', data.days[data.provisionalFrom] ?? '')] : []),
            // The outlined segment on top of a bar, said in words too: an estimate, not billed spend.
            ...(set.series.some((x) => x.key === ESTIMATE_KEY)
              ? (data.estimates ?? [])
                  .filter((e) => e.d < data.days.length && e.unbilled > 0)
                  .map((e) => l10n.t('{0}: about {1} more is estimated, not billed yet (outlined on top of the bar).', data.days[e.d] ?? '', money(e.unbilled)))
              : []),
          ].join(' ');
    this.spendCanvas.setAttribute('aria-label', byProject ? l10n.t('Chart: daily spend stacked by project') : l10n.t('Chart: daily spend stacked by line item'));
    this.spendSummary.textContent = summary;
  }

  private renderTokens(ctx: ViewContext, data: OverviewData): void {
    const bars = tokenBreakdown(data.tokensByModel);
    this.tokensChart.update(bars, ctx.theme);
    this.tokensCanvas.setAttribute('aria-label', l10n.t('Chart: tokens by model'));
    const listed = bars
      .slice(0, 5)
      .map((b) => l10n.t('{0} {1} in, {2} out', b.model || l10n.t('(none)'), formatCompact(b.uncached + b.cached), formatCompact(b.output)))
      .join('; ');
    this.tokensSummary.textContent =
      bars.length === 0
        ? l10n.t('No token usage in this range.')
        : bars.length > 5
          ? l10n.t('Tokens by model (input uncached, input cached, output): {0}; and {1} more.', listed, bars.length - 5)
          : l10n.t('Tokens by model (input uncached, input cached, output): {0}.', listed);
  }
}

/** A project's spend limit card: "$12.00 of $50.00 this month", and whether it enforces or is passed. */
function limitText(spent: string, limit: string, enforcing: boolean, over: boolean): string {
  if (enforcing) return over ? l10n.t('{0} of {1} this month; over the limit', spent, limit) : l10n.t('{0} of {1} this month', spent, limit);
  return over ? l10n.t('{0} of {1} this month (limit not enforcing); over the limit', spent, limit) : l10n.t('{0} of {1} this month (limit not enforcing)', spent, limit);
}
