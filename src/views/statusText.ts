// What the status bar item says, as a pure function of the model and the settings (no vscode),
// so every state of SPEC §2 is unit-tested.
import * as l10n from '@vscode/l10n';
import type { StatusBarShow } from '../config';
import { partialText } from '../state';
import type { UsageState } from '../state';
import { budgetLevel, usedPercent } from '../report/forecast';
import type { EstimateFigures } from '../report/summary';

/** The money figures of one more currency (never added to the main one). */
export interface OtherCurrencyFigures {
  readonly currency: string;
  readonly today: number;
  readonly yesterday: number;
  readonly monthToDate: number;
  readonly forecastMonthEnd: number;
}

export interface StatusFigures {
  /** The main currency (most spend in the range): the status bar text is in it. */
  readonly currency: string;
  readonly today: number;
  readonly yesterday: number;
  readonly monthToDate: number;
  readonly forecastMonthEnd: number;
  readonly topProjectsToday: readonly { readonly name: string; readonly spend: number }[];
  readonly fetchedAt: number;
  /** Every other currency the organisation spends in, shown beside the main one in the tooltip. */
  readonly otherCurrencies?: readonly OtherCurrencyFigures[];
  /** Set when the figures are of an earlier UTC day (YYYY-MM-DD) than today: not yet refreshed. */
  readonly asOfDay?: string;
  /** Today's and yesterday's billed spend beside an estimate of what is not billed yet. */
  readonly todayEstimate?: EstimateFigures;
  readonly yesterdayEstimate?: EstimateFigures;
}

export interface StatusOptions {
  readonly show: StatusBarShow;
  readonly monthlyBudget: number;
  readonly budgetWarningPercent: number;
  readonly formatMoney: (amount: number, currency: string) => string;
  readonly formatTime: (ms: number) => string;
  /** openaiUsage.statusBar.estimateToday: the estimate beside the billed figure (default true). */
  readonly estimateToday?: boolean;
  /** Which budget is in force, in words (the organization's spend limit, or the setting). */
  readonly budgetNote?: string;
}

export interface StatusView {
  readonly text: string;
  /** Markdown. */
  readonly tooltip: string;
  readonly accessibilityLabel: string;
  readonly background: 'warning' | 'error' | undefined;
  readonly command: 'openaiUsage.setAdminKey' | 'openaiUsage.show';
}

/**
 * Escapes outside text (project names, currencies, messages) for a MarkdownString: every ASCII
 * punctuation character is backslash-escaped (CommonMark allows it for all of them), so no link,
 * image, HTML, table cell, codicon `$(…)` or autolink can be formed; line breaks become spaces so
 * a name cannot start a new block.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n\t\f\v\u2028\u2029]+/g, ' ').replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

export function renderStatus(state: UsageState, figures: StatusFigures | undefined, o: StatusOptions): StatusView {
  if (state.mode === 'none') {
    return {
      text: `$(key) ${l10n.t('OpenAI Usage')}`,
      tooltip: `${l10n.t('OpenAI Usage Insight: no admin key yet.')}\n\n${l10n.t('Click to set an **admin key**, or run *Try with Sample Data*.')}`,
      accessibilityLabel: l10n.t('OpenAI Usage: no admin key. Click to set one.'),
      background: undefined,
      command: 'openaiUsage.setAdminKey',
    };
  }
  const sample = state.mode === 'sample';
  const header = sample ? `**${l10n.t('OpenAI Usage — Sample data')}**` : `**${l10n.t('OpenAI Usage')}**`;
  if (!figures) {
    if (state.error) {
      return {
        text: `$(warning) ${l10n.t('OpenAI Usage')}`,
        tooltip: `${header}\n\n$(warning) ${escapeMarkdown(state.error.message)}\n\n${l10n.t('Click to open the dashboard, or run *Refresh* to try again.')}`,
        accessibilityLabel: l10n.t('OpenAI Usage: error. {0}', state.error.message),
        background: undefined,
        command: 'openaiUsage.show',
      };
    }
    return {
      text: `$(sync~spin) ${l10n.t('OpenAI Usage')}`,
      tooltip: `${header}\n\n${l10n.t('Loading…')}`,
      accessibilityLabel: l10n.t('OpenAI Usage: loading'),
      background: undefined,
      command: 'openaiUsage.show',
    };
  }

  // Money goes into Markdown escaped: the currency code is outside text too.
  const money = (v: number, currency: string = figures.currency): string => escapeMarkdown(o.formatMoney(v, currency));
  const plainMoney = (v: number): string => o.formatMoney(v, figures.currency);
  const others = figures.otherCurrencies ?? [];
  // Several currencies: each shown on its own, never added ("$10.00 · 5.00 EUR").
  const all = (pick: (f: OtherCurrencyFigures) => number): string =>
    [money(pick(figures)), ...others.map((c) => money(pick(c), c.currency))].join(' · ');
  // Today's estimate beside the billed figure ("$12.34 · ≈$15.80"), when there is something not
  // billed yet, the setting is on and the figures are today's. Never shown as spend without "≈".
  const estimate = o.estimateToday !== false && figures.asOfDay === undefined && figures.todayEstimate && figures.todayEstimate.unbilledEstimate >= 0.005 ? figures.todayEstimate : undefined;
  const todayText = estimate ? `${plainMoney(figures.today)} · ≈${plainMoney(estimate.total)}` : plainMoney(figures.today);
  const value =
    o.show === 'month'
      ? l10n.t('{0} MTD', plainMoney(figures.monthToDate))
      : o.show === 'todayAndMonth'
        ? `${todayText} · ${l10n.t('{0} MTD', plainMoney(figures.monthToDate))}`
        : todayText;
  const stale = state.staleSince !== undefined || figures.asOfDay !== undefined;
  const icon = state.loading ? '$(sync~spin)' : stale ? '$(warning)' : '$(graph)';
  const text = `${icon} ${sample ? l10n.t('{0} (sample)', value) : value}`;

  const level = budgetLevel(figures.monthToDate, o.monthlyBudget, o.budgetWarningPercent);
  const lines: string[] = [header, ''];
  if (sample) lines.push(`*${l10n.t('Sample data — set an admin key to see your organization.')}*`, '');
  lines.push(
    '| | |',
    '|---|---:|',
    `| ${l10n.t('Today (UTC day, provisional)')} | ${all((f) => f.today)} |`,
    `| ${l10n.t('Yesterday (provisional)')} | ${all((f) => f.yesterday)} |`,
    `| ${l10n.t('Month to date')} | ${all((f) => f.monthToDate)} |`,
    `| ${l10n.t('Month-end forecast (estimate)')} | ${all((f) => f.forecastMonthEnd)} |`,
  );
  const estimateRow = (label: string, e: EstimateFigures | undefined): void => {
    if (e && e.unbilledEstimate >= 0.005) lines.push(`| ${label} | ${l10n.t('≈{0} (≈{1} not billed yet)', money(e.total), money(e.unbilledEstimate))} |`);
  };
  if (o.estimateToday !== false && figures.asOfDay === undefined) {
    estimateRow(l10n.t('Today, estimated (billed + not yet billed)'), figures.todayEstimate);
    estimateRow(l10n.t('Yesterday, estimated (billed + not yet billed)'), figures.yesterdayEstimate);
  }
  if (o.monthlyBudget > 0) {
    const used = usedPercent(figures.monthToDate, o.monthlyBudget) ?? 0;
    lines.push(`| ${l10n.t('Budget used')} | ${l10n.t('{0} % of {1}', used.toFixed(0), money(o.monthlyBudget))} |`);
  }
  if (o.budgetNote) lines.push('', escapeMarkdown(o.budgetNote));
  lines.push('');
  if (others.length) {
    lines.push(
      l10n.t('Spend in {0} currencies, each shown on its own; the status bar and the budget use {1}, the currency with the most spend.', others.length + 1, escapeMarkdown(figures.currency.toUpperCase())),
      '',
    );
  }
  if (o.estimateToday !== false && figures.asOfDay === undefined && figures.todayEstimate && (estimate || figures.todayEstimate.notEstimated > 0)) {
    const e = figures.todayEstimate;
    const billed = l10n.t("Billed today: {0} (Costs API; it arrives hours late). The estimate prices today's {1}.", money(e.billed), escapeMarkdown(e.basis));
    lines.push(e.notEstimated ? `${billed} ${l10n.t('Not estimated: {0} usage series with no price history yet (a new model, say).', e.notEstimated)}` : billed, '');
  }
  const top = figures.topProjectsToday.filter((p) => p.spend > 0).slice(0, 3);
  if (top.length) {
    lines.push(l10n.t('Top projects today:'), '');
    for (const p of top) lines.push(`- ${escapeMarkdown(p.name)}: ${money(p.spend)}`);
    lines.push('');
  }
  if (figures.asOfDay !== undefined) {
    lines.push(`$(warning) ${l10n.t('These figures are of {0} (UTC): a new UTC day has begun. Refresh for today.', figures.asOfDay)}`, '');
  }
  if (state.staleSince !== undefined) {
    lines.push(`$(warning) ${l10n.t('Stale since {0}: {1}', o.formatTime(state.staleSince), escapeMarkdown(state.error?.message ?? l10n.t('the last refresh failed.')))}`, '');
  } else if (state.error && state.error.kind !== 'cancelled') {
    lines.push(`$(warning) ${escapeMarkdown(state.error.message)}`, '');
  } else if (partialText(state, o.formatTime)) lines.push(`$(warning) ${escapeMarkdown(partialText(state, o.formatTime) ?? '')}`, '');
  lines.push(l10n.t('Last updated {0}. Days are UTC days; the last two days are provisional (cost data arrives late).', o.formatTime(figures.fetchedAt)));
  if (level === 'over') lines.push('', `$(error) ${l10n.t('Over the monthly budget.')}`);
  else if (level === 'warning') lines.push('', `$(warning) ${l10n.t('Past {0} % of the monthly budget.', o.budgetWarningPercent)}`);

  const title = sample ? l10n.t('OpenAI Usage (sample data)') : l10n.t('OpenAI Usage');
  const today = plainMoney(figures.today);
  const billed = figures.asOfDay
    ? estimate
      ? l10n.t('on {0} {1} billed, about {2} estimated', figures.asOfDay, today, plainMoney(estimate.total))
      : l10n.t('on {0} {1} billed', figures.asOfDay, today)
    : estimate
      ? l10n.t('today {0} billed, about {1} estimated', today, plainMoney(estimate.total))
      : l10n.t('today {0} billed', today);
  const month = l10n.t('month to date {0}', plainMoney(figures.monthToDate));
  const label = `${title}: ${billed}, ${month}${stale ? `, ${l10n.t('stale')}` : ''}`;
  return {
    text,
    tooltip: lines.join('\n'),
    accessibilityLabel: label,
    background: level === 'over' ? 'error' : level === 'warning' ? 'warning' : undefined,
    command: 'openaiUsage.show',
  };
}
