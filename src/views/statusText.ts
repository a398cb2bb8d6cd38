// What the status bar item says, as a pure function of the model and the settings (no vscode),
// so every state of SPEC §2 is unit-tested.
import type { StatusBarShow } from '../config';
import type { UsageState } from '../state';
import { budgetLevel } from '../report/forecast';

export interface StatusFigures {
  readonly currency: string;
  readonly today: number;
  readonly yesterday: number;
  readonly monthToDate: number;
  readonly forecastMonthEnd: number;
  readonly topProjectsToday: readonly { readonly name: string; readonly spend: number }[];
  readonly fetchedAt: number;
  /** Set when the figures are of an earlier UTC day (YYYY-MM-DD) than today: not yet refreshed. */
  readonly asOfDay?: string;
}

export interface StatusOptions {
  readonly show: StatusBarShow;
  readonly monthlyBudget: number;
  readonly budgetWarningPercent: number;
  readonly formatMoney: (amount: number, currency: string) => string;
  readonly formatTime: (ms: number) => string;
}

export interface StatusView {
  readonly text: string;
  /** Markdown. */
  readonly tooltip: string;
  readonly accessibilityLabel: string;
  readonly background: 'warning' | 'error' | undefined;
  readonly command: 'openaiUsage.setAdminKey' | 'openaiUsage.show';
}

/** Escapes text for a MarkdownString (project names are user data). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

export function renderStatus(state: UsageState, figures: StatusFigures | undefined, o: StatusOptions): StatusView {
  if (state.mode === 'none') {
    return {
      text: '$(key) OpenAI Usage',
      tooltip: 'OpenAI Usage Insight: no admin key yet.\n\nClick to set an **admin key**, or run *Try with Sample Data*.',
      accessibilityLabel: 'OpenAI Usage: no admin key. Click to set one.',
      background: undefined,
      command: 'openaiUsage.setAdminKey',
    };
  }
  const sample = state.mode === 'sample';
  const header = sample ? '**OpenAI Usage — Sample data**' : '**OpenAI Usage**';
  if (!figures) {
    if (state.error) {
      return {
        text: '$(warning) OpenAI Usage',
        tooltip: `${header}\n\n$(warning) ${escapeMarkdown(state.error.message)}\n\nClick to open the dashboard, or run *Refresh* to try again.`,
        accessibilityLabel: `OpenAI Usage: error. ${state.error.message}`,
        background: undefined,
        command: 'openaiUsage.show',
      };
    }
    return {
      text: '$(sync~spin) OpenAI Usage',
      tooltip: `${header}\n\nLoading…`,
      accessibilityLabel: 'OpenAI Usage: loading',
      background: undefined,
      command: 'openaiUsage.show',
    };
  }

  const money = (v: number): string => o.formatMoney(v, figures.currency);
  const value =
    o.show === 'month'
      ? `${money(figures.monthToDate)} MTD`
      : o.show === 'todayAndMonth'
        ? `${money(figures.today)} · ${money(figures.monthToDate)} MTD`
        : money(figures.today);
  const stale = state.staleSince !== undefined || figures.asOfDay !== undefined;
  const icon = state.loading ? '$(sync~spin)' : stale ? '$(warning)' : '$(graph)';
  const text = `${icon} ${value}${sample ? ' (sample)' : ''}`;

  const level = budgetLevel(figures.monthToDate, o.monthlyBudget, o.budgetWarningPercent);
  const lines: string[] = [header, ''];
  if (sample) lines.push('*Sample data — set an admin key to see your organization.*', '');
  lines.push(
    '| | |',
    '|---|---:|',
    `| Today (UTC day, provisional) | ${money(figures.today)} |`,
    `| Yesterday (provisional) | ${money(figures.yesterday)} |`,
    `| Month to date | ${money(figures.monthToDate)} |`,
    `| Month-end forecast (estimate) | ${money(figures.forecastMonthEnd)} |`,
  );
  if (o.monthlyBudget > 0) {
    const used = (figures.monthToDate / o.monthlyBudget) * 100;
    lines.push(`| Budget used | ${used.toFixed(0)} % of ${money(o.monthlyBudget)} |`);
  }
  lines.push('');
  const top = figures.topProjectsToday.filter((p) => p.spend > 0).slice(0, 3);
  if (top.length) {
    lines.push('Top projects today:', '');
    for (const p of top) lines.push(`- ${escapeMarkdown(p.name)}: ${money(p.spend)}`);
    lines.push('');
  }
  if (figures.asOfDay !== undefined) {
    lines.push(`$(warning) These figures are of ${figures.asOfDay} (UTC): a new UTC day has begun. Refresh for today.`, '');
  }
  if (state.staleSince !== undefined) {
    lines.push(`$(warning) Stale since ${o.formatTime(state.staleSince)}: ${escapeMarkdown(state.error?.message ?? 'the last refresh failed.')}`, '');
  } else if (state.error && state.error.kind !== 'cancelled') {
    lines.push(`$(warning) ${escapeMarkdown(state.error.message)}`, '');
  }
  lines.push(`Last updated ${o.formatTime(figures.fetchedAt)}. Days are UTC days; the last two days are provisional (cost data arrives late).`);
  if (level === 'over') lines.push('', '$(error) Over the monthly budget.');
  else if (level === 'warning') lines.push('', `$(warning) Past ${o.budgetWarningPercent} % of the monthly budget.`);

  const day = figures.asOfDay ? `on ${figures.asOfDay}` : 'today';
  const label = `OpenAI Usage${sample ? ' (sample data)' : ''}: ${day} ${money(figures.today)}, month to date ${money(figures.monthToDate)}${stale ? ', stale' : ''}`;
  return {
    text,
    tooltip: lines.join('\n'),
    accessibilityLabel: label,
    background: level === 'over' ? 'error' : level === 'warning' ? 'warning' : undefined,
    command: 'openaiUsage.show',
  };
}
