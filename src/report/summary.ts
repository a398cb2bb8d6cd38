// The status bar's, the tree's and the CLI's view of the report (report.ts). No figure is computed
// here that report.ts does not compute.

import * as l10n from '@vscode/l10n';
import type { UsageSnapshot } from '../shared/snapshot';
import { addDays, dayStartOfMs, isoDate, isoMinute, rangeForDays } from '../shared/time';
import { estimateSteps } from './estimate';
import type { DayEstimate } from './estimate';
import { reportSteps } from './report';
import { runSliced, runSteps } from './steps';
import type { SliceOptions, Steps } from './steps';
import type { CurrencyTotals, LineItemSpend, ModelUsage, ProjectReport, ProjectSpend, TokenTotals } from './report';

export { NO_PROJECT } from './report';
export type { CurrencyTotals, LineItemSpend, ModelUsage, ProjectSpend, TokenTotals } from './report';
export type ProjectSummary = ProjectReport;

export interface DaySpend {
  /** UTC midnight, Unix seconds. */
  readonly day: number;
  readonly amount: number;
}

export interface Summary {
  /** The main currency (most spend in the range), lowercase ISO-4217 as the API reports it. */
  readonly currency: string;
  /** Every currency seen, the main one first. */
  readonly currencies: readonly string[];
  /** The totals of each currency (the main one's equal the figures below). */
  readonly byCurrency: Readonly<Record<string, CurrencyTotals>>;
  /** Spend of the current UTC day so far. */
  readonly today: number;
  readonly yesterday: number;
  readonly monthToDate: number;
  readonly rangeDays: number;
  /** The last `rangeDays` UTC days including today: [rangeStart, rangeEnd) in Unix seconds. */
  readonly rangeStart: number;
  readonly rangeEnd: number;
  readonly rangeTotal: number;
  /** See `forecastMonthEnd` in forecast.ts for the formula. */
  readonly forecastMonthEnd: number;
  readonly budget?: { readonly amount: number; readonly usedPercent: number };
  /** Every project with spend or usage in the range, most spend first. */
  readonly projects: readonly ProjectSummary[];
  /** Projects with spend today, most first (at most five). */
  readonly topProjectsToday: readonly ProjectSpend[];
  /** Line items over the whole organisation in the range, main currency first, most spend first. */
  readonly lineItems: readonly LineItemSpend[];
  /** Per project and model (flattened), for tables and exports. */
  readonly models: readonly (ModelUsage & { readonly projectId: string })[];
  /** Per model over every project, most requests first. */
  readonly tokensByModel: readonly ModelUsage[];
  readonly tokens: TokenTotals;
  /** `num_model_requests` over every usage endpoint in the range. */
  readonly requests: number;
  /** Spend per UTC day of the range (main currency), zero-filled, oldest first. */
  readonly daily: readonly DaySpend[];
  /** Days from here on (yesterday and today) are provisional: cost data arrives late. */
  readonly provisionalFrom: number;
  readonly fetchedAt: number;
  /** Today's billed spend and an estimate of what is not billed yet (estimate.ts); undefined with no usage to price. */
  readonly todayEstimate?: EstimateFigures;
  /** The same for yesterday, still provisional. */
  readonly yesterdayEstimate?: EstimateFigures;
}

/** A day's billed spend beside its estimate: always called an estimate where it shows. */
export interface EstimateFigures {
  readonly billed: number;
  readonly unbilledEstimate: number;
  /** billed + unbilledEstimate. */
  readonly total: number;
  /** How it was made, in words (usage through when, prices from which days). */
  readonly basis: string;
  /** The newest usage that went into it (Unix s), when any. */
  readonly usageThrough?: number;
  /** Usage series of the day with no priced history: not estimated. */
  readonly notEstimated: number;
}

function estimateFigures(e: DayEstimate): EstimateFigures | undefined {
  if (e.lineItems.length === 0 && e.notEstimated.length === 0) return undefined;
  const from = isoDate(e.learnedFrom.start);
  const to = isoDate(e.learnedFrom.end - 1);
  const basis =
    e.usageThrough === undefined
      ? l10n.t("usage × unit prices learned from this organization's own costs of {0} to {1}", from, to)
      : l10n.t("usage through {0} UTC × unit prices learned from this organization's own costs of {1} to {2}", isoMinute(e.usageThrough).slice(11), from, to);
  return {
    billed: e.billed,
    unbilledEstimate: e.unbilledEstimate,
    total: e.total,
    basis,
    ...(e.usageThrough === undefined ? {} : { usageThrough: e.usageThrough }),
    notEstimated: e.notEstimated.length,
  };
}

// --- bucket-level helpers ----------------------------------------------------------------------

// --- the summary -------------------------------------------------------------------------------

export interface SummaryOptions {
  readonly nowMs: number;
  readonly rangeDays: number;
  /** Monthly budget in the main currency; 0 or absent = none. */
  readonly budget?: number;
}

/** Everything the status bar, the tree and the CLI show, from one snapshot at one instant. */
export function summarize(snapshot: UsageSnapshot, options: SummaryOptions): Summary {
  return runSteps(summarySteps(snapshot, options));
}

/** `summarize` in slices that give the event loop back (steps.ts): the same figures. */
export function summarizeSliced(snapshot: UsageSnapshot, options: SummaryOptions, slices?: SliceOptions): Promise<Summary> {
  return runSliced(summarySteps(snapshot, options), slices);
}

function* summarySteps(snapshot: UsageSnapshot, options: SummaryOptions): Steps<Summary> {
  const { nowMs, rangeDays } = options;
  const range = rangeForDays(nowMs, rangeDays);
  const r = yield* reportSteps({
    nowMs,
    range,
    projects: snapshot.projects,
    costs: snapshot.costs,
    monthCosts: snapshot.costs,
    usage: snapshot.usage,
    budget: options.budget,
    currency: snapshot.currency,
  });
  const t = r.totals;
  return {
    currency: r.currency,
    currencies: r.currencies,
    byCurrency: r.byCurrency,
    today: t.today,
    yesterday: t.yesterday,
    monthToDate: t.monthToDate,
    rangeDays,
    rangeStart: range.start,
    rangeEnd: range.end,
    rangeTotal: t.rangeTotal,
    forecastMonthEnd: t.forecastMonthEnd,
    ...(r.budget ? { budget: r.budget } : {}),
    projects: r.projects,
    topProjectsToday: r.topProjectsToday,
    lineItems: r.lineItems,
    models: r.models,
    tokensByModel: r.tokensByModel,
    tokens: r.tokens,
    requests: r.requests,
    daily: r.days.map((day, i) => ({ day, amount: r.daily[i] ?? 0 })),
    provisionalFrom: r.provisionalFrom,
    fetchedAt: snapshot.fetchedAt,
    ...(yield* withEstimates(snapshot, nowMs, r.currency)),
  };
}

/** Today's and yesterday's estimates in the main currency (both days are still provisional). */
function* withEstimates(snapshot: UsageSnapshot, nowMs: number, currency: string): Steps<{ todayEstimate?: EstimateFigures; yesterdayEstimate?: EstimateFigures }> {
  const options = { nowMs, costs: snapshot.costs, usage: snapshot.usage, currency };
  const today = estimateFigures(yield* estimateSteps(options));
  const yesterday = estimateFigures(yield* estimateSteps(options, addDays(dayStartOfMs(nowMs), -1)));
  return { ...(today ? { todayEstimate: today } : {}), ...(yesterday ? { yesterdayEstimate: yesterday } : {}) };
}
