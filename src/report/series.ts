// Chart series from the data: which stacks, in which order, how many. Pure (no Chart.js, no DOM).
import * as l10n from '@vscode/l10n';
import { WIDTH_SECONDS } from '../shared/endpoints';
import type { UsageBucket } from '../shared/endpoints';
import type { GroupChoice, ModelTokens, NameTable, OverviewData, StackBy, Window } from '../shared/protocol';
import { bucketLabel } from '../shared/labels';
import { dimensionValueLabel, noneLabel } from './table';

export interface Series {
  readonly key: string;
  readonly label: string;
  readonly values: readonly number[];
}

export interface SeriesSet {
  /** X axis labels, one per slot. */
  readonly labels: readonly string[];
  readonly series: readonly Series[];
}

export const OTHER_KEY = '\u0000other';
/** The estimated part of a provisional day not billed yet: drawn apart from billed spend, never in totals. */
export const ESTIMATE_KEY = '\u0000estimate';
/** Stacks beyond this are folded into "Other": a chart of 40 colours tells nothing. */
export const MAX_SERIES = 10;

/**
 * Orders series by their total (largest at the bottom of the stack, first in the legend) and folds
 * everything past the first `max - 1` into one "Other" series, so the chart keeps `max` stacks.
 */
export function limitSeries(series: readonly Series[], max: number = MAX_SERIES): Series[] {
  const total = (s: Series): number => s.values.reduce((a, v) => a + v, 0);
  const sorted = series
    .map((s) => ({ s, t: total(s) }))
    .sort((a, b) => b.t - a.t || a.s.label.localeCompare(b.s.label))
    .map((x) => x.s);
  if (sorted.length <= max) return sorted;
  const keep = sorted.slice(0, Math.max(0, max - 1));
  const rest = sorted.slice(keep.length);
  const n = Math.max(...rest.map((s) => s.values.length));
  const values = Array.from({ length: n }, (_, i) => rest.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  return [...keep, { key: OTHER_KEY, label: l10n.t('Other ({0})', rest.length), values }];
}

/** Adds `value` at slot `i` of the series `key`, creating it (all zeros) when new. */
function accumulate(map: Map<string, { label: string; values: number[] }>, key: string, label: string, n: number, i: number, value: number): void {
  let s = map.get(key);
  if (!s) {
    s = { label, values: new Array<number>(n).fill(0) };
    map.set(key, s);
  }
  s.values[i] += value;
}

function toSeries(map: Map<string, { label: string; values: number[] }>): Series[] {
  return [...map.entries()].map(([key, s]) => ({ key, label: s.label, values: s.values }));
}

/** Daily spend stacked by project or by line item, one slot per day of the range. */
export function overviewSpendSeries(data: OverviewData, stackBy: StackBy, max: number = MAX_SERIES): SeriesSet {
  const n = data.days.length;
  const map = new Map<string, { label: string; values: number[] }>();
  for (const c of data.costs) {
    if (c.d >= n) continue;
    const key = stackBy === 'project' ? c.p : c.l;
    const label = stackBy === 'project' ? data.projectNames[c.p] ?? (c.p || noneLabel()) : c.l || noneLabel();
    accumulate(map, key, label, n, c.d, c.a);
  }
  const series = limitSeries(toSeries(map), max);
  // Only over the whole of each bar's stack, so it is added only when the chart stacks all spend.
  if (data.estimates?.length) {
    const values = new Array<number>(n).fill(0);
    for (const e of data.estimates) if (e.d < n) values[e.d] = e.unbilled;
    series.push({ key: ESTIMATE_KEY, label: l10n.t('Not billed yet (estimate)'), values });
  }
  return { labels: data.days, series };
}

/** Every bucket start of a window, so gaps (no data) show as zero instead of vanishing. */
export function windowSlots(window: Window): number[] {
  const w = WIDTH_SECONDS[window.width];
  const slots: number[] = [];
  for (let t = window.startTime; t < window.endTime; t += w) slots.push(t);
  return slots;
}

export interface BucketSeriesInput {
  readonly buckets: readonly UsageBucket[];
  readonly window: Window;
  readonly groupBy: GroupChoice;
  readonly metric: string;
  readonly projectNames: Readonly<Record<string, string>>;
  /** Key and user names for the legend (absent: their IDs). */
  readonly names?: NameTable;
  readonly max?: number;
}

/** One endpoint metric over time, stacked by the grouping dimension (one "Total" when ungrouped). */
export function bucketSeries(input: BucketSeriesInput): SeriesSet {
  const slots = windowSlots(input.window);
  const w = WIDTH_SECONDS[input.window.width];
  const n = slots.length;
  const map = new Map<string, { label: string; values: number[] }>();
  const dim = input.groupBy === 'none' ? undefined : input.groupBy;
  for (const b of input.buckets) {
    const i = Math.floor((b.startTime - input.window.startTime) / w);
    if (i < 0 || i >= n) continue;
    for (const r of b.rows) {
      const value = r.values[input.metric];
      if (value === undefined) continue;
      const raw = dim ? r.dims[dim] : undefined;
      const key = dim ? raw ?? '' : 'total';
      const label = dim ? dimensionValueLabel(dim, raw, input.projectNames, input.names) : l10n.t('Total');
      accumulate(map, key, label, n, i, value);
    }
  }
  if (map.size === 0 && !dim) map.set('total', { label: l10n.t('Total'), values: new Array<number>(n).fill(0) });
  return {
    labels: slots.map((t) => bucketLabel(t, input.window.width)),
    series: limitSeries(toSeries(map), input.max ?? MAX_SERIES),
  };
}

/** Tokens per model split the way they are billed: uncached input, cached input, output. */
export function tokenBreakdown(models: readonly ModelTokens[], max = 12): { model: string; uncached: number; cached: number; output: number }[] {
  return [...models]
    .sort((a, b) => b.input + b.output - (a.input + a.output) || a.model.localeCompare(b.model))
    .slice(0, max)
    .map((m) => ({ model: m.model, uncached: Math.max(0, m.input - m.cached), cached: m.cached, output: m.output }));
}

/** Sum of a series set per slot. */
/** Sum of a series set per slot: billed spend only (an estimate is never added to it). */
export function slotTotals(set: SeriesSet): number[] {
  const billed = set.series.filter((s) => s.key !== ESTIMATE_KEY);
  return set.labels.map((_, i) => billed.reduce((a, s) => a + (s.values[i] ?? 0), 0));
}
