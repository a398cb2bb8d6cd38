// The finite-totals check: every figure the report shows is a sum, and a sum of finite numbers can
// still overflow (two amounts of 1e308). Such data is refused with one clear error, never shown as
// "null" or "$∞". Pure: the loader calls it before a snapshot is kept, the report before it sums.
import type { UsageBucket } from '../shared/endpoints';

/** A total that a number cannot hold: the data is wrong, so nothing of it is summed or shown. */
export class NonFiniteTotalError extends Error {
  constructor(readonly what: string) {
    super(`The ${what} add up to more than a number can hold, so the data cannot be right and no total is shown. Refresh later; if it persists, check the organization's usage in the OpenAI dashboard.`);
    this.name = 'NonFiniteTotalError';
  }
}

/** Lowercase currency of a cost row, `fallback` when the row names none. */
export function rowCurrency(currency: string | undefined, fallback: string): string {
  return (currency?.trim() || fallback).toLowerCase();
}

/**
 * Throws NonFiniteTotalError unless the absolute sum of each metric (amount: per currency) over
 * the buckets is finite. Any subset's sum is then finite too, so every total built from the
 * buckets is.
 */
export function assertFiniteBuckets(buckets: readonly UsageBucket[], what: string, fallbackCurrency = 'usd'): void {
  const sums = new Map<string, number>();
  for (const b of buckets) {
    for (const row of b.rows) {
      for (const [metric, value] of Object.entries(row.values)) {
        const key = metric === 'amount' ? `${what} amounts in ${rowCurrency(row.currency, fallbackCurrency)}` : `${what} ${metric}`;
        const sum = (sums.get(key) ?? 0) + Math.abs(value);
        if (!Number.isFinite(sum)) throw new NonFiniteTotalError(key);
        sums.set(key, sum);
      }
    }
  }
}

/** Costs and every usage endpoint of a snapshot or a query result. */
export function assertFiniteData(
  costs: readonly UsageBucket[],
  usage: Readonly<Partial<Record<string, readonly UsageBucket[]>>>,
  fallbackCurrency = 'usd',
): void {
  assertFiniteBuckets(costs, 'costs', fallbackCurrency);
  for (const [id, buckets] of Object.entries(usage)) if (buckets) assertFiniteBuckets(buckets, `${id} usage`, fallbackCurrency);
  // The report adds the endpoints together too (tokens and requests over every endpoint), so their
  // combined sums must hold as well: two endpoints of 1e308 tokens each are refused (found by fuzzing).
  const all = Object.values(usage).filter((b): b is readonly UsageBucket[] => b !== undefined);
  if (all.length > 1) assertFiniteBuckets(all.flat(), 'usage (all endpoints)', fallbackCurrency);
}

/** A derived figure (a forecast, a percentage) checked the same way. */
export function finite(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new NonFiniteTotalError(what);
  return value;
}
