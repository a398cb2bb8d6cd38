// The overview tab's data: a projection of the one report (report.ts). Pure: the host hands in the
// snapshot's buckets (or freshly queried ones for a range the snapshot does not cover).
import type { Project, UsageBucket } from '../shared/endpoints';
import type { CurrencyCards, DayEstimateCell, OverviewData } from '../shared/protocol';
import { addDays, dayStartOfMs, isoDate } from '../shared/time';
import { estimateSteps } from './estimate';
import type { TimeRange } from '../shared/time';
import { reportSteps } from './report';
import { runSteps } from './steps';
import type { Steps } from './steps';
import type { Report, UsageEndpointId } from './report';

export interface OverviewInput {
  readonly nowMs: number;
  readonly range: TimeRange;
  /** The currency of cost rows that name none (the snapshot's). */
  readonly currency: string;
  /** openaiUsage.monthlyBudget; 0 = none. */
  readonly budget: number;
  /** Only these projects (empty: all). */
  readonly projectIds: readonly string[];
  readonly projects: readonly Project[];
  /** Daily costs grouped by project_id and line_item, covering the range. */
  readonly rangeCosts: readonly UsageBucket[];
  /** Daily costs covering the current month up to today (for today, month to date, forecast). */
  readonly monthCosts: readonly UsageBucket[];
  /** Daily usage of the range, grouped by project_id (and model where the endpoint allows). */
  readonly usage: Readonly<Partial<Record<UsageEndpointId, readonly UsageBucket[]>>>;
}

export function overviewReport(input: OverviewInput): Report {
  return runSteps(overviewReportSteps(input));
}

function overviewReportSteps(input: OverviewInput): Steps<Report> {
  return reportSteps({
    nowMs: input.nowMs,
    range: input.range,
    projects: input.projects,
    costs: input.rangeCosts,
    monthCosts: input.monthCosts,
    usage: input.usage,
    projectIds: input.projectIds,
    budget: input.budget,
    currency: input.currency,
  });
}

/** The overview message's data from a report. */
export function overviewFromReport(r: Report, input: Pick<OverviewInput, 'budget' | 'projectIds' | 'projects'>): OverviewData {
  const t = r.totals;
  const seen = new Set(r.costCells.map((c) => c.p));
  const projectNames: Record<string, string> = {};
  for (const p of input.projects) if (seen.has(p.id) || input.projectIds.includes(p.id)) projectNames[p.id] = p.name || p.id;
  const cardsOf = (c: Report['totals']): CurrencyCards => ({
    rangeSpend: c.rangeTotal,
    today: c.today,
    monthToDate: c.monthToDate,
    forecast: r.hasMonthData ? c.forecastMonthEnd : undefined,
  });
  return {
    startTime: r.range.start,
    endTime: r.range.end,
    currency: r.currency,
    days: r.days.map(isoDate),
    provisionalFrom: r.provisionalIndex,
    cards: {
      ...cardsOf(t),
      budget: input.budget,
      inputTokens: r.tokens.input,
      outputTokens: r.tokens.output,
      cachedTokens: r.tokens.cached,
      requests: r.requests,
    },
    ...(r.currencies.length > 1 ? { byCurrency: Object.fromEntries(r.currencies.map((c) => [c, cardsOf(r.byCurrency[c] ?? t)])) } : {}),
    costs: [...r.costCells],
    projectNames,
    tokensByModel: r.tokensByModel.map((m) => ({ model: m.model, input: m.inputTokens, output: m.outputTokens, cached: m.cachedTokens, requests: m.requests })),
  };
}

export function buildOverview(input: OverviewInput): OverviewData {
  return runSteps(overviewSteps(input));
}

/** `buildOverview` as steps (steps.ts), for the host to run in slices. */
export function* overviewSteps(input: OverviewInput): Steps<OverviewData> {
  const data = overviewFromReport(yield* overviewReportSteps(input), input);
  const estimates = yield* provisionalEstimates(input, data);
  return estimates.length ? { ...data, estimates } : data;
}

/**
 * Yesterday's and today's estimates for the overview's days (estimate.ts over the same costs and
 * usage, the project filter applied to both), so the chart and the cards mark the part not billed
 * yet apart from the billed part.
 */
function* provisionalEstimates(input: OverviewInput, data: OverviewData): Steps<DayEstimateCell[]> {
  const keep = input.projectIds.length ? new Set(input.projectIds) : undefined;
  const only = (buckets: readonly UsageBucket[]): readonly UsageBucket[] =>
    keep ? buckets.map((b) => ({ ...b, rows: b.rows.filter((r) => r.dims.project_id !== undefined && keep.has(r.dims.project_id)) })) : buckets;
  // Unfiltered, the very arrays of the snapshot: the estimate the status bar made is reused.
  const usage = keep ? Object.fromEntries(Object.entries(input.usage).map(([id, buckets]) => [id, only(buckets ?? [])])) : input.usage;
  const options = { nowMs: input.nowMs, costs: only(input.monthCosts), usage, currency: data.currency };
  const today = dayStartOfMs(input.nowMs);
  const out: DayEstimateCell[] = [];
  for (const day of [addDays(today, -1), today]) {
    const d = data.days.indexOf(isoDate(day));
    if (d < 0) continue;
    const e = yield* estimateSteps(options, day);
    if (e.unbilledEstimate >= 0.005) out.push({ d, billed: e.billed, unbilled: e.unbilledEstimate });
  }
  return out;
}
