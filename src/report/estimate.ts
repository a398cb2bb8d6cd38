// An estimate of a day's not-yet-billed spend (issue "Spend awareness"): cost data arrives hours
// late, usage within minutes. Each cost line item is priced against the usage series that drives
// it, with unit prices learned from this organisation's own recent complete days — no price table
// to go stale. What cannot be priced from history is listed as "not estimated", never guessed.
// Pure and browser-safe: the status bar, the dashboard, the CLI and the backtest all call this.
import type { EndpointId, UsageBucket } from '../shared/endpoints';
import { DAY_SECONDS, PROVISIONAL_DAYS, dayStart, dayStartOfMs } from '../shared/time';
import { PAUSE_MASK, runSteps } from './steps';
import type { Steps } from './steps';

type UsageEndpointId = Exclude<EndpointId, 'costs'>;

/** Metrics that say how much of something was used; request counts are not billed by themselves. */
const SKIPPED_METRICS = new Set(['num_model_requests']);
/** Metrics that are a level (bytes stored), billed per time held: today counts the elapsed part. */
const LEVEL_METRICS = new Set(['usage_bytes']);
/** A driver whose day-to-day price varies less than this (coefficient of variation) is trusted. */
const GOOD_FIT = 0.15;

export interface EstimateOptions {
  readonly nowMs: number;
  /** Daily cost buckets, rows grouped by project_id and line_item. */
  readonly costs: readonly UsageBucket[];
  /** Usage buckets per endpoint (daily or finer), rows grouped by project_id and, where offered, model. */
  readonly usage: Readonly<Partial<Record<UsageEndpointId, readonly UsageBucket[]>>>;
  /** Only rows in this currency are priced (the organisation's main currency). */
  readonly currency?: string;
  /** Complete days the driver of a line item is chosen from. Default 14. */
  readonly historyDays?: number;
  /** The most recent complete days with data the unit price is learned from. Default 3. */
  readonly priceDays?: number;
}

export interface Driver {
  readonly endpoint: UsageEndpointId;
  readonly model: string | undefined;
  readonly metric: string;
}

export interface LineItemEstimate {
  readonly projectId: string;
  readonly lineItem: string;
  /** Cost already reported for the day. */
  readonly billed: number;
  /** Unit price × the driver's usage of the day so far. */
  readonly estimated: number;
  readonly driver: Driver;
  /** Cost per unit of the driver, learned from recent complete days. */
  readonly unitPrice: number;
}

export interface UnpricedUsage {
  readonly projectId: string;
  readonly endpoint: UsageEndpointId;
  readonly model: string | undefined;
  readonly metric: string;
  readonly amount: number;
}

export interface DayEstimate {
  /** The UTC day (start, Unix seconds). */
  readonly day: number;
  /** What the Costs API reports for the day so far. */
  readonly billed: number;
  /** Estimated spend not billed yet (never negative). */
  readonly unbilledEstimate: number;
  /** billed + unbilledEstimate: an estimate, and labelled so wherever it is shown. */
  readonly total: number;
  /** Complete days the unit prices were learned from: [from, to) Unix seconds. */
  readonly learnedFrom: { readonly start: number; readonly end: number };
  /** The newest usage bucket end that went into it (Unix seconds), undefined when none. */
  readonly usageThrough: number | undefined;
  readonly lineItems: readonly LineItemEstimate[];
  /** Usage of the day with no priced history (a new model, say): not estimated, listed. */
  readonly notEstimated: readonly UnpricedUsage[];
}

const key = (...parts: (string | undefined)[]): string => parts.map((p) => p ?? '').join('\u0000');

/** Amounts per UTC day over a fixed set of days (one slot a day, no map per series). */
class DayAmounts {
  private readonly values: Float64Array;
  constructor(private readonly slots: ReadonlyMap<number, number>) {
    this.values = new Float64Array(slots.size);
  }
  /** The amount of day `d` (0 when none was added); undefined for a day outside the set. */
  get(d: number): number | undefined {
    const i = this.slots.get(d);
    return i === undefined ? undefined : this.values[i];
  }
  add(d: number, amount: number): void {
    const i = this.slots.get(d);
    if (i !== undefined) this.values[i] = (this.values[i] as number) + amount;
  }
}

interface Series {
  readonly driver: Driver;
  readonly projectId: string;
  /** Amount per UTC day start. */
  readonly byDay: DayAmounts;
}

/**
 * Usage per project, endpoint, model and metric, summed per UTC day, over the days in `days` only
 * (the day estimated and its history: nothing else enters an estimate).
 */
function* usageSeries(usage: EstimateOptions['usage'], day: number, days: ReadonlyMap<number, number>): Steps<{ series: Series[]; through: number | undefined }> {
  const series: Series[] = [];
  // project → endpoint and model → metric → series: no key is built per value.
  const index = new Map<string, Map<string, Map<string, Series>>>();
  let through: number | undefined;
  let n = 0;
  for (const [endpoint, buckets] of Object.entries(usage) as [UsageEndpointId, readonly UsageBucket[]][]) {
    for (const b of buckets ?? []) {
      const bucketDay = dayStart(b.startTime);
      if (!days.has(bucketDay)) continue;
      // A level (bytes held) is averaged over the buckets of a day, not added up.
      const width = Math.max(1, b.endTime - b.startTime);
      let any = false;
      for (const r of b.rows) {
        if ((++n & PAUSE_MASK) === 0) yield;
        const projectId = r.dims.project_id ?? '';
        const model = r.dims.model;
        let metrics: Map<string, Series> | undefined;
        const values = r.values;
        for (const metric in values) {
          const value = values[metric] as number;
          if (value === 0 || SKIPPED_METRICS.has(metric) || !Number.isFinite(value)) continue;
          any = true;
          if (!metrics) {
            let byProject = index.get(projectId);
            if (!byProject) index.set(projectId, (byProject = new Map()));
            const k = key(endpoint, model);
            metrics = byProject.get(k);
            if (!metrics) byProject.set(k, (metrics = new Map()));
          }
          let s = metrics.get(metric);
          if (!s) {
            s = { driver: { endpoint, model, metric }, projectId, byDay: new DayAmounts(days) };
            metrics.set(metric, s);
            series.push(s);
          }
          const add = LEVEL_METRICS.has(metric) ? (value * width) / DAY_SECONDS : value;
          s.byDay.add(bucketDay, add);
        }
      }
      if (any && bucketDay === day) through = Math.max(through ?? 0, b.endTime);
    }
  }
  return { series, through };
}

/** Cost per project and line item, per UTC day, over the days in `days` only. */
function* costSeries(costs: readonly UsageBucket[], currency: string | undefined, days: ReadonlyMap<number, number>): Steps<Map<string, { projectId: string; lineItem: string; byDay: DayAmounts }>> {
  const out = new Map<string, { projectId: string; lineItem: string; byDay: DayAmounts }>();
  let n = 0;
  for (const b of costs) {
    const day = dayStart(b.startTime);
    if (!days.has(day)) continue;
    for (const r of b.rows) {
      if ((++n & PAUSE_MASK) === 0) yield;
      if (currency !== undefined && r.currency !== undefined && r.currency !== currency) continue;
      const amount = r.values.amount ?? 0;
      if (!Number.isFinite(amount) || amount === 0) continue;
      const projectId = r.dims.project_id ?? '';
      const lineItem = r.dims.line_item ?? '';
      const k = key(projectId, lineItem);
      let s = out.get(k);
      if (!s) {
        s = { projectId, lineItem, byDay: new DayAmounts(days) };
        out.set(k, s);
      }
      s.byDay.add(day, amount);
    }
  }
  return out;
}

interface Fit {
  readonly series: Series;
  readonly cv: number;
  readonly named: boolean;
}

/**
 * The usage series whose daily amount best explains a line item's daily cost: the steadiest cost
 * per unit over the history days (coefficient of variation), preferring a series of the model the
 * line item names when that one fits well.
 */
function chooseDriver(cost: DayAmounts, lineItem: string, candidates: readonly Series[], days: readonly number[]): Fit | undefined {
  const fits: Fit[] = [];
  const name = lineItem.toLowerCase();
  for (const s of candidates) {
    const ratios: number[] = [];
    let valid = true;
    for (const d of days) {
      const c = cost.get(d) ?? 0;
      const u = s.byDay.get(d) ?? 0;
      if (c > 0 && u <= 0) {
        valid = false; // cost without this usage: not what drives it
        break;
      }
      if (c > 0 && u > 0) ratios.push(c / u);
    }
    if (!valid || ratios.length < 2) continue;
    const mean = ratios.reduce((a, r) => a + r, 0) / ratios.length;
    const variance = ratios.reduce((a, r) => a + (r - mean) ** 2, 0) / ratios.length;
    const cv = Math.sqrt(variance) / mean;
    const model = s.driver.model?.toLowerCase();
    fits.push({ series: s, cv, named: model !== undefined && model !== '' && name.includes(model) });
  }
  if (fits.length === 0) return undefined;
  const best = (list: Fit[]): Fit | undefined => list.reduce<Fit | undefined>((a, f) => (!a || f.cv < a.cv ? f : a), undefined);
  const named = best(fits.filter((f) => f.named));
  if (named && named.cv <= GOOD_FIT) return named;
  return best(fits);
}

/** What an estimate of one day needs from the data: everything but the instant (`nowMs`). */
interface PreparedDay {
  readonly learnedFrom: { readonly start: number; readonly end: number };
  readonly through: number | undefined;
  readonly billed: number;
  readonly items: readonly (Omit<LineItemEstimate, 'estimated'> & { readonly dayUnits: number })[];
  readonly notEstimated: readonly UnpricedUsage[];
}

// Prepared days per data (the snapshot's arrays are never changed once made) and per parameters:
// the status bar, the tree, the dashboard and the budget lines ask for the same day of the same
// data, and its series are the costly part.
const prepared = new WeakMap<object, WeakMap<object, Map<string, PreparedDay>>>();
const PREPARED_PER_DATA = 8;

function* prepareDay(options: EstimateOptions, day: number, today: number): Steps<PreparedDay> {
  const historyDays = options.historyDays ?? 14;
  const priceDays = options.priceDays ?? 3;
  const cacheKey = `${options.currency ?? ''}|${today}|${day}|${historyDays}|${priceDays}`;
  let byUsage = prepared.get(options.costs);
  let cache = byUsage?.get(options.usage);
  const hit = cache?.get(cacheKey);
  if (hit) return hit;

  // Days before the provisional ones are complete: their costs have all arrived.
  const lastComplete = today - PROVISIONAL_DAYS * DAY_SECONDS;
  const history: number[] = [];
  for (let d = lastComplete; d > lastComplete - historyDays * DAY_SECONDS; d -= DAY_SECONDS) history.push(d);
  const wanted = new Map([...new Set([day, ...history])].map((d, i) => [d, i]));
  const { series, through } = yield* usageSeries(options.usage, day, wanted);
  const costs = yield* costSeries(options.costs, options.currency, wanted);

  const byProject = new Map<string, Series[]>();
  for (const s of series) {
    const list = byProject.get(s.projectId);
    if (list) list.push(s);
    else byProject.set(s.projectId, [s]);
  }

  const items: (Omit<LineItemEstimate, 'estimated'> & { dayUnits: number })[] = [];
  const used = new Set<string>();
  let billed = 0;
  for (const c of costs.values()) {
    yield; // choosing a driver goes over every candidate series of the project
    const billedToday = c.byDay.get(day) ?? 0;
    billed += billedToday;
    const fit = chooseDriver(c.byDay, c.lineItem, byProject.get(c.projectId) ?? [], history);
    if (!fit) continue;
    used.add(key(c.projectId, fit.series.driver.endpoint, fit.series.driver.model));
    // The unit price from the newest complete days with this cost (prices change).
    let cost = 0;
    let units = 0;
    let n = 0;
    for (const d of history) {
      const cd = c.byDay.get(d) ?? 0;
      const ud = fit.series.byDay.get(d) ?? 0;
      if (cd <= 0 || ud <= 0) continue;
      cost += cd;
      units += ud;
      if (++n >= priceDays) break;
    }
    if (units <= 0) continue;
    items.push({ projectId: c.projectId, lineItem: c.lineItem, billed: billedToday, driver: fit.series.driver, unitPrice: cost / units, dayUnits: fit.series.byDay.get(day) ?? 0 });
  }

  // Usage of the day that drives no priced line item and had no cost history: a new model, say.
  const notEstimated: UnpricedUsage[] = [];
  const unpriced = new Set<string>();
  let n = 0;
  for (const s of series) {
    if ((++n & PAUSE_MASK) === 0) yield;
    const amount = s.byDay.get(day) ?? 0;
    if (amount <= 0) continue;
    const k = key(s.projectId, s.driver.endpoint, s.driver.model);
    if (used.has(k)) continue;
    const hadHistory = history.some((d) => (s.byDay.get(d) ?? 0) > 0);
    if (hadHistory) continue; // used before without cost (free, e.g. moderations): nothing to bill
    if (!unpriced.has(k + s.driver.metric)) {
      unpriced.add(k + s.driver.metric);
      notEstimated.push({ projectId: s.projectId, endpoint: s.driver.endpoint, model: s.driver.model, metric: s.driver.metric, amount });
    }
  }

  const result: PreparedDay = {
    learnedFrom: { start: lastComplete - (historyDays - 1) * DAY_SECONDS, end: lastComplete + DAY_SECONDS },
    through,
    billed,
    items,
    notEstimated: notEstimated.sort((a, b) => a.projectId.localeCompare(b.projectId) || (a.model ?? '').localeCompare(b.model ?? '')),
  };
  if (!byUsage) prepared.set(options.costs, (byUsage = new WeakMap()));
  if (!cache) byUsage.set(options.usage, (cache = new Map()));
  if (cache.size >= PREPARED_PER_DATA) cache.clear();
  cache.set(cacheKey, result);
  return result;
}

/**
 * Estimates the spend of UTC day `day` (default: today) that is not billed yet, from that day's
 * usage priced at unit prices learned from the complete days before the provisional ones.
 */
export function estimateDay(options: EstimateOptions, day: number = dayStartOfMs(options.nowMs)): DayEstimate {
  return runSteps(estimateSteps(options, day));
}

/** `estimateDay` as steps (steps.ts). */
export function* estimateSteps(options: EstimateOptions, day: number = dayStartOfMs(options.nowMs)): Steps<DayEstimate> {
  const today = dayStartOfMs(options.nowMs);
  const p = yield* prepareDay(options, day, today);
  let unbilled = 0;
  const lineItems: LineItemEstimate[] = p.items.map(({ dayUnits, ...item }) => {
    let units = dayUnits;
    if (LEVEL_METRICS.has(item.driver.metric) && day === today) {
      // Storage so far today: the elapsed part of the day.
      units *= Math.min(1, Math.max(0, options.nowMs / 1000 - today) / DAY_SECONDS);
    }
    const estimated = item.unitPrice * units;
    unbilled += Math.max(0, estimated - item.billed);
    return { ...item, estimated };
  });
  return {
    day,
    billed: p.billed,
    unbilledEstimate: unbilled,
    total: p.billed + unbilled,
    learnedFrom: p.learnedFrom,
    // A bucket of the current day ends in the future: the usage in it is as of now.
    usageThrough: p.through === undefined ? undefined : Math.min(p.through, Math.floor(options.nowMs / 1000)),
    lineItems: lineItems.sort((a, b) => b.estimated - a.estimated || a.lineItem.localeCompare(b.lineItem)),
    notEstimated: p.notEstimated,
  };
}
