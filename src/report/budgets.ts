// The budget figures every surface shows (issue "Spend awareness"): the budget in force (the
// organisation's hard spend limit, else the personal budget of the setting), where it comes from in
// words, and each project's limit with its month-to-date share. Pure and browser-safe.
import * as l10n from '@vscode/l10n';
import type { UsageSnapshot, SpendLimitReading } from '../shared/snapshot';
import { addDays, dayStartOfMs, monthStart } from '../shared/time';
import { resolveBudget } from './alerts';
import { estimateSteps } from './estimate';
import { PAUSE_MASK, runSliced, runSteps } from './steps';
import type { SliceOptions, Steps } from './steps';
import { forecastMonthEnd, trailingDailyAverage } from './forecast';
import type { BudgetInForce, SpendLimitState } from './alerts';

export function limitState(reading: SpendLimitReading | undefined): SpendLimitState {
  if (!reading) return { kind: 'unknown' };
  return reading.kind === 'set' ? { kind: 'set', limit: reading.limit } : { kind: reading.kind };
}

/** The budget the status bar, the dashboard and the alerts measure against; undefined when none. */
export function budgetInForce(snapshot: UsageSnapshot | undefined, settingAmount: number): BudgetInForce | undefined {
  const currency = snapshot?.currency ?? 'usd';
  return resolveBudget(limitState(snapshot?.budgets?.organization), settingAmount, currency);
}

/**
 * Which budget is used, in words, for a tooltip or a card: "hard spend limit (enforcing)", or the
 * personal budget with why (no limit set, or the key cannot read it). Undefined when there is no budget.
 */
export function budgetSourceText(budget: BudgetInForce | undefined, reading: SpendLimitReading | undefined): string | undefined {
  if (!budget) return reading?.kind === 'unreadable' ? l10n.t('No budget: this key cannot read the spend limit, and no personal budget is set.') : undefined;
  if (budget.source === 'spendLimit') return budget.enforcing ? l10n.t("The organization's hard spend limit (enforced).") : l10n.t("The organization's hard spend limit (not enforced).");
  if (reading?.kind === 'unreadable') return l10n.t('Your personal budget (setting): this key cannot read the spend limit.');
  if (reading?.kind === 'set') return l10n.t('Your personal budget (setting): the spend limit is in another currency.');
  return l10n.t('Your personal budget (setting): no spend limit is set.');
}

export interface ProjectBudget {
  readonly projectId: string;
  readonly name: string;
  /** In dollars (currency units), undefined when no limit is set or it cannot be read. */
  readonly limit: number | undefined;
  readonly currency: string;
  readonly enforcing: boolean;
  readonly reading: SpendLimitReading['kind'];
  /** Month-to-date billed spend of the project in the snapshot's currency. */
  readonly monthToDate: number;
  /** monthToDate as a percent of the limit; undefined without a limit. */
  readonly percent: number | undefined;
}

/** Each project with a limit read (set, none or unreadable), with its month-to-date share, by name. */
export function projectBudgets(snapshot: UsageSnapshot, nowMs: number): ProjectBudget[] {
  const readings = snapshot.budgets?.projects ?? {};
  const from = monthStart(dayStartOfMs(nowMs));
  const spend = new Map<string, number>();
  for (const bucket of snapshot.costs) {
    if (bucket.startTime < from) continue;
    for (const row of bucket.rows) {
      if ((row.currency ?? snapshot.currency).toLowerCase() !== snapshot.currency) continue;
      const id = row.dims.project_id;
      if (id === undefined) continue;
      spend.set(id, (spend.get(id) ?? 0) + (row.values.amount ?? 0));
    }
  }
  const names = new Map(snapshot.projects.map((p) => [p.id, p.name || p.id]));
  return Object.entries(readings)
    .map(([projectId, reading]): ProjectBudget => {
      const monthToDate = spend.get(projectId) ?? 0;
      const set = reading.kind === 'set' && reading.limit.currency === snapshot.currency && reading.limit.thresholdCents > 0 ? reading.limit : undefined;
      const limit = set ? set.thresholdCents / 100 : undefined;
      return {
        projectId,
        name: names.get(projectId) ?? projectId,
        limit,
        currency: snapshot.currency,
        enforcing: set?.enforcing ?? false,
        reading: reading.kind,
        monthToDate,
        percent: limit ? (monthToDate / limit) * 100 : undefined,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.projectId.localeCompare(b.projectId));
}

export interface SpendFigures {
  /** Today's billed spend plus the estimate of what is not billed yet. */
  readonly today: number;
  readonly todayBilled: number;
  readonly todayUnbilledEstimate: number;
  /** From the first of the UTC month, today's estimate included. */
  readonly monthToDate: number;
  readonly forecastMonthEnd: number;
  /** Spend of each of the 14 UTC days before today that the snapshot holds (fewer when it starts later). */
  readonly recentDays: readonly number[];
}

export const SPIKE_HISTORY_DAYS = 14;

/** The figures the spend alerts measure, from the snapshot's costs and usage (today estimated). */
export function spendFigures(snapshot: UsageSnapshot, nowMs: number): SpendFigures {
  return runSteps(spendFigureSteps(snapshot, nowMs));
}

/** `spendFigures` in slices that give the event loop back (steps.ts): the same figures. */
export function spendFiguresSliced(snapshot: UsageSnapshot, nowMs: number, slices?: SliceOptions): Promise<SpendFigures> {
  return runSliced(spendFigureSteps(snapshot, nowMs), slices);
}

function* spendFigureSteps(snapshot: UsageSnapshot, nowMs: number): Steps<SpendFigures> {
  const today = dayStartOfMs(nowMs);
  const daily = new Map<number, number>();
  let n = 0;
  for (const bucket of snapshot.costs) {
    let sum = 0;
    for (const row of bucket.rows) {
      if ((++n & PAUSE_MASK) === 0) yield;
      if ((row.currency ?? snapshot.currency).toLowerCase() === snapshot.currency) sum += row.values.amount ?? 0;
    }
    daily.set(bucket.startTime, (daily.get(bucket.startTime) ?? 0) + sum);
  }
  const estimate = yield* estimateSteps({ nowMs, costs: snapshot.costs, usage: snapshot.usage, currency: snapshot.currency });
  const todayBilled = daily.get(today) ?? 0;
  const todayTotal = Math.max(todayBilled, estimate.total);
  let monthToDate = todayTotal;
  for (const [day, amount] of daily) if (day >= monthStart(today) && day < today) monthToDate += amount;
  const spendOnDay = (day: number): number => daily.get(day) ?? 0;
  const recentDays: number[] = [];
  for (let i = 1; i <= SPIKE_HISTORY_DAYS; i++) {
    const day = addDays(today, -i);
    if (day >= snapshot.costsStart) recentDays.push(spendOnDay(day));
  }
  return {
    today: todayTotal,
    todayBilled,
    todayUnbilledEstimate: todayTotal - todayBilled,
    monthToDate,
    forecastMonthEnd: forecastMonthEnd(monthToDate, trailingDailyAverage(spendOnDay, nowMs), nowMs),
    recentDays,
  };
}
