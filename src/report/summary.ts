// Pure sums over bucket lists and snapshots: what the status bar, the tree and the panel show.
// Sums keep full precision; rounding happens only when formatting for display.

import { REQUEST_ENDPOINT_IDS, TOKEN_ENDPOINT_IDS } from '../shared/endpoints';
import type { Dimension, UsageBucket } from '../shared/endpoints';
import { forecastMonthEnd, trailingDailyAverage, usedPercent } from './forecast';
import type { UsageSnapshot } from '../shared/snapshot';
import { DAY_SECONDS, addDays, dayStart, dayStartOfMs, monthStart, rangeForDays } from '../shared/time';
import type { TimeRange } from '../shared/time';

/** The project id under which rows without a `project_id` are counted. */
export const NO_PROJECT = '';
const NO_PROJECT_NAME = 'No project';

export interface DaySpend {
  /** UTC midnight, Unix seconds. */
  readonly day: number;
  readonly amount: number;
}

export interface NamedAmount {
  readonly name: string;
  readonly spend: number;
}

export interface ModelUsage {
  readonly model: string;
  /** Text and audio input tokens (cached ones included, as the API counts them). */
  readonly inputTokens: number;
  /** Text and audio output tokens. */
  readonly outputTokens: number;
  readonly cachedTokens: number;
  readonly requests: number;
}

export interface ProjectSpend {
  readonly id: string;
  readonly name: string;
  readonly archived: boolean;
  readonly spend: number;
}

export interface ProjectSummary extends ProjectSpend {
  /** Models used in the range, by requests (most first). */
  readonly models: readonly ModelUsage[];
  /** Cost line items in the range, by spend (most first). */
  readonly lineItems: readonly NamedAmount[];
}

export interface TokenTotals {
  readonly input: number;
  readonly output: number;
  readonly cached: number;
}

export interface Summary {
  /** Lowercase ISO-4217 code, as the API reports it. */
  readonly currency: string;
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
  /** Line items over the whole organisation in the range, most spend first. */
  readonly lineItems: readonly NamedAmount[];
  /** Per project and model (flattened), for tables and exports. */
  readonly models: readonly (ModelUsage & { readonly projectId: string })[];
  readonly tokens: TokenTotals;
  /** `num_model_requests` over every usage endpoint in the range. */
  readonly requests: number;
  /** Spend per UTC day of the range, zero-filled, oldest first. */
  readonly daily: readonly DaySpend[];
  /** Days from here on (yesterday and today) are provisional: cost data arrives late. */
  readonly provisionalFrom: number;
  readonly fetchedAt: number;
}

// --- bucket-level helpers ----------------------------------------------------------------------

function inRange(bucket: UsageBucket, range: TimeRange | undefined): boolean {
  return !range || (bucket.startTime >= range.start && bucket.startTime < range.end);
}

/** The sum of one metric over every row of the buckets that start inside `range` (all if absent). */
export function sumMetric(buckets: readonly UsageBucket[], metric: string, range?: TimeRange): number {
  let sum = 0;
  for (const b of buckets) {
    if (!inRange(b, range)) continue;
    for (const row of b.rows) sum += row.values[metric] ?? 0;
  }
  return sum;
}

/**
 * Totals of `metric` per value of `dim`, from the rows that carry that dimension (rows without it
 * are skipped). Insertion order follows the data; sort as needed.
 */
export function totalsByDimension(
  buckets: readonly UsageBucket[],
  dim: Dimension,
  metric: string,
  range?: TimeRange,
): Map<string, number> {
  const totals = new Map<string, number>();
  for (const b of buckets) {
    if (!inRange(b, range)) continue;
    for (const row of b.rows) {
      const key = row.dims[dim];
      if (key === undefined) continue;
      totals.set(key, (totals.get(key) ?? 0) + (row.values[metric] ?? 0));
    }
  }
  return totals;
}

/** Spend (`amount`) per UTC day, keyed by the day's start. Several buckets of a day add up. */
export function spendByDay(costs: readonly UsageBucket[]): Map<number, number> {
  const days = new Map<number, number>();
  for (const b of costs) {
    const day = dayStart(b.startTime);
    let sum = days.get(day) ?? 0;
    for (const row of b.rows) sum += row.values.amount ?? 0;
    days.set(day, sum);
  }
  return days;
}

/** Spend per UTC day over [range.start, range.end), zero-filled, oldest first. */
export function dailySpend(costs: readonly UsageBucket[], range: TimeRange): DaySpend[] {
  const byDay = spendByDay(costs);
  const out: DaySpend[] = [];
  for (let day = dayStart(range.start); day < range.end; day += DAY_SECONDS) out.push({ day, amount: byDay.get(day) ?? 0 });
  return out;
}

/** Spend per UTC day and project (rows without a project under `NO_PROJECT`). */
export function dailySpendByProject(costs: readonly UsageBucket[], range: TimeRange): Map<string, DaySpend[]> {
  const days: number[] = [];
  for (let day = dayStart(range.start); day < range.end; day += DAY_SECONDS) days.push(day);
  const index = new Map(days.map((d, i) => [d, i]));
  const out = new Map<string, number[]>();
  for (const b of costs) {
    const i = index.get(dayStart(b.startTime));
    if (i === undefined) continue;
    for (const row of b.rows) {
      const id = row.dims.project_id ?? NO_PROJECT;
      let series = out.get(id);
      if (!series) {
        series = days.map(() => 0);
        out.set(id, series);
      }
      series[i] = (series[i] ?? 0) + (row.values.amount ?? 0);
    }
  }
  return new Map([...out].map(([id, series]) => [id, series.map((amount, i) => ({ day: days[i] ?? 0, amount }))]));
}

// --- snapshot-level totals ---------------------------------------------------------------------

/** Spend per project id over the range (default: the snapshot's costs, all of them). */
export function spendByProject(snapshot: UsageSnapshot, range?: TimeRange): Map<string, number> {
  return withNoProject(snapshot.costs, 'project_id', range);
}

export function spendByLineItem(snapshot: UsageSnapshot, range?: TimeRange): Map<string, number> {
  return totalsByDimension(snapshot.costs, 'line_item', 'amount', range);
}

/** Spend per API key id, from cost rows that carry `api_key_id` (only when costs were grouped by it). */
export function spendByApiKey(snapshot: UsageSnapshot, range?: TimeRange): Map<string, number> {
  return totalsByDimension(snapshot.costs, 'api_key_id', 'amount', range);
}

/** Requests per model over every usage endpoint whose rows carry `model`. */
export function requestsByModel(snapshot: UsageSnapshot, range?: TimeRange): Map<string, number> {
  return sumOverUsage(snapshot, 'model', 'num_model_requests', range);
}

/** Requests per user id, from usage rows that carry `user_id`. */
export function requestsByUser(snapshot: UsageSnapshot, range?: TimeRange): Map<string, number> {
  return sumOverUsage(snapshot, 'user_id', 'num_model_requests', range);
}

/** Requests per API key id, from usage rows that carry `api_key_id`. */
export function requestsByApiKey(snapshot: UsageSnapshot, range?: TimeRange): Map<string, number> {
  return sumOverUsage(snapshot, 'api_key_id', 'num_model_requests', range);
}

function sumOverUsage(snapshot: UsageSnapshot, dim: Dimension, metric: string, range: TimeRange | undefined): Map<string, number> {
  const totals = new Map<string, number>();
  for (const id of REQUEST_ENDPOINT_IDS) {
    for (const [key, value] of totalsByDimension(snapshot.usage[id] ?? [], dim, metric, range)) {
      totals.set(key, (totals.get(key) ?? 0) + value);
    }
  }
  return totals;
}

function withNoProject(buckets: readonly UsageBucket[], dim: Dimension, range: TimeRange | undefined): Map<string, number> {
  const totals = new Map<string, number>();
  for (const b of buckets) {
    if (!inRange(b, range)) continue;
    for (const row of b.rows) {
      const key = row.dims[dim] ?? NO_PROJECT;
      totals.set(key, (totals.get(key) ?? 0) + (row.values.amount ?? 0));
    }
  }
  return totals;
}

interface ModelAccumulator {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  requests: number;
}

/**
 * Tokens and requests per project and model over the range. Tokens come from the token endpoints
 * (completions, embeddings, moderations); requests from every usage endpoint with a model.
 */
export function modelUsageByProject(snapshot: UsageSnapshot, range?: TimeRange): Map<string, Map<string, Omit<ModelUsage, 'model'>>> {
  const tokenEndpoints: readonly string[] = TOKEN_ENDPOINT_IDS;
  const out = new Map<string, Map<string, ModelAccumulator>>();
  for (const id of REQUEST_ENDPOINT_IDS) {
    const tokens = tokenEndpoints.includes(id);
    for (const b of snapshot.usage[id] ?? []) {
      if (!inRange(b, range)) continue;
      for (const row of b.rows) {
        const model = row.dims.model;
        if (model === undefined) continue;
        const project = row.dims.project_id ?? NO_PROJECT;
        let models = out.get(project);
        if (!models) {
          models = new Map();
          out.set(project, models);
        }
        let acc = models.get(model);
        if (!acc) {
          acc = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, requests: 0 };
          models.set(model, acc);
        }
        const v = row.values;
        acc.requests += v.num_model_requests ?? 0;
        if (tokens) {
          acc.inputTokens += (v.input_tokens ?? 0) + (v.input_audio_tokens ?? 0);
          acc.outputTokens += (v.output_tokens ?? 0) + (v.output_audio_tokens ?? 0);
          acc.cachedTokens += v.input_cached_tokens ?? 0;
        }
      }
    }
  }
  return out;
}

function byAmountDesc<T extends { readonly spend: number; readonly name: string }>(a: T, b: T): number {
  return b.spend - a.spend || a.name.localeCompare(b.name);
}

// --- the summary -------------------------------------------------------------------------------

export interface SummaryOptions {
  readonly nowMs: number;
  readonly rangeDays: number;
  /** Monthly budget in the snapshot's currency; 0 or absent = none. */
  readonly budget?: number;
}

/** Everything the status bar and the tree show, from one snapshot at one instant. */
export function summarize(snapshot: UsageSnapshot, options: SummaryOptions): Summary {
  const { nowMs, rangeDays } = options;
  const range = rangeForDays(nowMs, rangeDays);
  const today = dayStartOfMs(nowMs);
  const yesterday = addDays(today, -1);
  const byDay = spendByDay(snapshot.costs);
  const spendOn = (day: number): number => byDay.get(day) ?? 0;

  let monthToDate = 0;
  for (const [day, amount] of byDay) if (day >= monthStart(today) && day <= today) monthToDate += amount;
  const average = trailingDailyAverage(spendOn, nowMs);

  const names = new Map(snapshot.projects.map((p) => [p.id, p]));
  const describe = (id: string, spend: number): ProjectSpend => {
    const p = names.get(id);
    return {
      id,
      name: id === NO_PROJECT ? NO_PROJECT_NAME : (p?.name ?? id),
      archived: p?.status === 'archived',
      spend,
    };
  };

  const projectSpend = spendByProject(snapshot, range);
  const lineItemsByProject = new Map<string, Map<string, number>>();
  for (const b of snapshot.costs) {
    if (!inRange(b, range)) continue;
    for (const row of b.rows) {
      const item = row.dims.line_item;
      if (item === undefined) continue;
      const project = row.dims.project_id ?? NO_PROJECT;
      const items = lineItemsByProject.get(project) ?? new Map<string, number>();
      items.set(item, (items.get(item) ?? 0) + (row.values.amount ?? 0));
      lineItemsByProject.set(project, items);
    }
  }
  const modelUsage = modelUsageByProject(snapshot, range);

  const projectIds = new Set([...projectSpend.keys(), ...modelUsage.keys()]);
  const projects: ProjectSummary[] = [...projectIds]
    .map((id) => ({
      ...describe(id, projectSpend.get(id) ?? 0),
      models: [...(modelUsage.get(id) ?? new Map<string, Omit<ModelUsage, 'model'>>())]
        .map(([model, acc]) => ({ model, ...acc }))
        .sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model)),
      lineItems: [...(lineItemsByProject.get(id) ?? new Map<string, number>())].map(([name, spend]) => ({ name, spend })).sort(byAmountDesc),
    }))
    .sort(byAmountDesc);

  const todayRange = { start: today, end: addDays(today, 1) };
  const topProjectsToday = [...spendByProject(snapshot, todayRange)]
    .filter(([, spend]) => spend > 0)
    .map(([id, spend]) => describe(id, spend))
    .sort(byAmountDesc)
    .slice(0, 5);

  let input = 0;
  let output = 0;
  let cached = 0;
  const models: (ModelUsage & { projectId: string })[] = [];
  for (const p of projects) {
    for (const m of p.models) {
      models.push({ projectId: p.id, ...m });
      input += m.inputTokens;
      output += m.outputTokens;
      cached += m.cachedTokens;
    }
  }
  let requests = 0;
  for (const id of REQUEST_ENDPOINT_IDS) requests += sumMetric(snapshot.usage[id] ?? [], 'num_model_requests', range);

  const budgetAmount = options.budget ?? 0;
  const used = usedPercent(monthToDate, budgetAmount);

  return {
    currency: snapshot.currency,
    today: spendOn(today),
    yesterday: spendOn(yesterday),
    monthToDate,
    rangeDays,
    rangeStart: range.start,
    rangeEnd: range.end,
    rangeTotal: sumMetric(snapshot.costs, 'amount', range),
    forecastMonthEnd: forecastMonthEnd(monthToDate, average, nowMs),
    ...(used === undefined ? {} : { budget: { amount: budgetAmount, usedPercent: used } }),
    projects,
    topProjectsToday,
    lineItems: [...spendByLineItem(snapshot, range)].map(([name, spend]) => ({ name, spend })).sort(byAmountDesc),
    models,
    tokens: { input, output, cached },
    requests,
    daily: dailySpend(snapshot.costs, range),
    provisionalFrom: yesterday,
    fetchedAt: snapshot.fetchedAt,
  };
}
