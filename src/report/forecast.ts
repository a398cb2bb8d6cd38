// The month-end forecast and the budget arithmetic. Pure: "now" is always passed in.

import { DAY_SECONDS, addDays, dayStartOfMs, nextMonthStart } from '../shared/time';

/** Complete UTC days the forecast averages over. */
export const FORECAST_WINDOW_DAYS = 7;

/**
 * Days left in the UTC month from `nowMs`, counting the rest of today as a fraction:
 * `(start of next UTC month − now) / 86 400 s`. At 18:00 UTC on the 30th of a 30-day month: 0.25.
 */
export function remainingDaysInMonth(nowMs: number): number {
  const nowSec = nowMs / 1000;
  return (nextMonthStart(Math.floor(nowSec)) - nowSec) / DAY_SECONDS;
}

/**
 * Average daily spend over the `days` complete UTC days before today (today excluded, since it is
 * still growing). `spendOnDay` gives the spend of the UTC day starting at the given Unix second;
 * a day without data counts as zero.
 */
export function trailingDailyAverage(spendOnDay: (dayStart: number) => number, nowMs: number, days = FORECAST_WINDOW_DAYS): number {
  const today = dayStartOfMs(nowMs);
  let sum = 0;
  for (let i = 1; i <= days; i++) sum += spendOnDay(addDays(today, -i));
  return sum / days;
}

/**
 * Month-end forecast:
 *
 *     forecast = monthToDate + average7 × remainingDays
 *
 * where `monthToDate` is the spend from the first of the UTC month up to now (today's partial
 * spend included), `average7` is the mean daily spend of the last 7 complete UTC days (excluding
 * today), and `remainingDays = (start of next UTC month − now) / 1 day`, i.e. the whole days left
 * plus the rest of today.
 */
export function forecastMonthEnd(monthToDate: number, averageDaily: number, nowMs: number): number {
  return monthToDate + averageDaily * remainingDaysInMonth(nowMs);
}

export type BudgetLevel = 'ok' | 'warning' | 'over';

/** Spend as a percentage of the budget; undefined when there is no budget (0 or less). */
export function usedPercent(spend: number, budget: number): number | undefined {
  return budget > 0 ? (spend / budget) * 100 : undefined;
}

/**
 * 'over' past 100 % of the budget, 'warning' from `warningPercent` up to 100 %, otherwise 'ok'
 * (always 'ok' without a budget).
 */
export function budgetLevel(spend: number, budget: number, warningPercent: number): BudgetLevel {
  const used = usedPercent(spend, budget);
  if (used === undefined) return 'ok';
  if (used > 100) return 'over';
  if (used >= warningPercent) return 'warning';
  return 'ok';
}
