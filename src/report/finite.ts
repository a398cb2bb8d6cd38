// The finite-totals check: every figure the report shows is a sum, and a sum of finite numbers can
// still overflow (two amounts of 1e308). Such data is refused with one clear error, never shown as
// "null" or "$∞". Pure: the loader calls it before a snapshot is kept, the report before it sums.
import * as l10n from '@vscode/l10n';
import type { UsageBucket } from '../shared/endpoints';
import { PAUSE_MASK, runSteps } from './steps';
import type { Steps } from './steps';

/** A total that a number cannot hold: the data is wrong, so nothing of it is summed or shown. */
export class NonFiniteTotalError extends Error {
  constructor(readonly what: string) {
    // Shown whole (the CLI's error line; VS Code's "unknown" error): a sentence in the display
    // language, with `what` (which sums, e.g. "costs amounts in usd") as its technical detail.
    super(
      l10n.t(
        "The {0} add up to more than a number can hold, so the data cannot be right and no total is shown. Refresh later; if it persists, check the organization's usage in the OpenAI dashboard.",
        what,
      ),
    );
    this.name = 'NonFiniteTotalError';
  }
}

/** Lowercase currency of a cost row, `fallback` when the row names none. */
export function rowCurrency(currency: string | undefined, fallback: string): string {
  return (currency?.trim() || fallback).toLowerCase();
}

/**
 * Absolute sums of one bucket array: per metric, and `amount` per currency. Kept per array (the
 * snapshot's arrays are never changed once made), so a report run again over the same data does
 * not go over its rows again. Sums are finite, or the array is refused before any is kept.
 */
interface AbsSums {
  readonly metrics: Map<string, number>;
  /** `amount` by lower-case currency. */
  readonly amounts: Map<string, number>;
}

const sumsCache = new WeakMap<readonly UsageBucket[], Map<string, AbsSums>>();

function* absSums(buckets: readonly UsageBucket[], what: string, fallbackCurrency: string): Steps<AbsSums> {
  let byFallback = sumsCache.get(buckets);
  const hit = byFallback?.get(fallbackCurrency);
  if (hit) return hit;
  const metrics = new Map<string, number>();
  const amounts = new Map<string, number>();
  let n = 0;
  for (const b of buckets) {
    for (const row of b.rows) {
      if ((++n & PAUSE_MASK) === 0) yield;
      const values = row.values;
      for (const metric in values) {
        const value = values[metric] as number;
        if (metric === 'amount') {
          const cur = rowCurrency(row.currency, fallbackCurrency);
          const sum = (amounts.get(cur) ?? 0) + Math.abs(value);
          if (!Number.isFinite(sum)) throw new NonFiniteTotalError(`${what} amounts in ${cur}`);
          amounts.set(cur, sum);
        } else {
          const sum = (metrics.get(metric) ?? 0) + Math.abs(value);
          if (!Number.isFinite(sum)) throw new NonFiniteTotalError(`${what} ${metric}`);
          metrics.set(metric, sum);
        }
      }
    }
  }
  const sums = { metrics, amounts };
  if (!byFallback) sumsCache.set(buckets, (byFallback = new Map()));
  byFallback.set(fallbackCurrency, sums);
  return sums;
}

/**
 * Throws NonFiniteTotalError unless the absolute sum of each metric (amount: per currency) over
 * the buckets is finite. Any subset's sum is then finite too, so every total built from the
 * buckets is.
 */
export function assertFiniteBuckets(buckets: readonly UsageBucket[], what: string, fallbackCurrency = 'usd'): void {
  runSteps(absSums(buckets, what, fallbackCurrency));
}

/** Costs and every usage endpoint of a snapshot or a query result. */
export function assertFiniteData(
  costs: readonly UsageBucket[],
  usage: Readonly<Partial<Record<string, readonly UsageBucket[]>>>,
  fallbackCurrency = 'usd',
): void {
  runSteps(finiteDataSteps(costs, usage, fallbackCurrency));
}

/** `assertFiniteData` as steps (see steps.ts). */
export function* finiteDataSteps(
  costs: readonly UsageBucket[],
  usage: Readonly<Partial<Record<string, readonly UsageBucket[]>>>,
  fallbackCurrency = 'usd',
): Steps<void> {
  yield* absSums(costs, 'costs', fallbackCurrency);
  // The report adds the endpoints together too (tokens and requests over every endpoint), so their
  // combined sums must hold as well: two endpoints of 1e308 tokens each are refused (found by fuzzing).
  const combined = new Map<string, number>();
  for (const [id, buckets] of Object.entries(usage)) {
    if (!buckets) continue;
    const sums = yield* absSums(buckets, `${id} usage`, fallbackCurrency);
    for (const [metric, value] of sums.metrics) {
      const sum = (combined.get(metric) ?? 0) + value;
      if (!Number.isFinite(sum)) throw new NonFiniteTotalError(`usage (all endpoints) ${metric}`);
      combined.set(metric, sum);
    }
    for (const [cur, value] of sums.amounts) {
      const key = `amount in ${cur}`;
      const sum = (combined.get(key) ?? 0) + value;
      if (!Number.isFinite(sum)) throw new NonFiniteTotalError(`usage (all endpoints) amounts in ${cur}`);
      combined.set(key, sum);
    }
  }
}

/** A derived figure (a forecast, a percentage) checked the same way. */
export function finite(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new NonFiniteTotalError(what);
  return value;
}
