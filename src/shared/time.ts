// UTC day arithmetic. The Usage and Costs APIs bucket by UTC day and speak Unix seconds, so every
// helper here takes and returns Unix seconds unless its name says `Ms`. Nothing here reads the
// clock: callers pass "now" in, which keeps the domain deterministic and testable.

export const MINUTE_SECONDS = 60;
export const HOUR_SECONDS = 3600;
export const DAY_SECONDS = 86_400;
export const DAY_MS = DAY_SECONDS * 1000;

/** Milliseconds since the epoch → whole Unix seconds (rounded down). */
export function toSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Aligns a time down to a multiple of `widthSeconds` (UTC, since the epoch is a UTC midnight). */
export function alignDown(sec: number, widthSeconds: number): number {
  return Math.floor(sec / widthSeconds) * widthSeconds;
}

/** The UTC midnight at or before `sec`. */
export function dayStart(sec: number): number {
  return alignDown(sec, DAY_SECONDS);
}

/** The UTC midnight after `sec` (the exclusive end of its day). */
export function nextDayStart(sec: number): number {
  return dayStart(sec) + DAY_SECONDS;
}

/** The UTC midnight of the day containing `ms`, in Unix seconds. */
export function dayStartOfMs(ms: number): number {
  return dayStart(toSeconds(ms));
}

export function addDays(sec: number, days: number): number {
  return sec + days * DAY_SECONDS;
}

/** Days since the epoch of the UTC day containing `sec`. */
export function dayIndex(sec: number): number {
  return Math.floor(sec / DAY_SECONDS);
}

/** Whole days from `from` to `to` (both UTC midnights, or rounded down to them). */
export function daysBetween(from: number, to: number): number {
  return dayIndex(to) - dayIndex(from);
}

/** 0 = Sunday … 6 = Saturday, for the UTC day containing `sec`. */
export function weekday(sec: number): number {
  // 1970-01-01 was a Thursday (4).
  return (((dayIndex(sec) + 4) % 7) + 7) % 7;
}

export interface TimeRange {
  /** Inclusive, a UTC midnight, Unix seconds. */
  readonly start: number;
  /** Exclusive, a UTC midnight, Unix seconds. */
  readonly end: number;
}

/**
 * The last `days` UTC days including today: `end` is the midnight after today (so today's partial
 * day is inside), `start` is `days` days before that.
 */
export function rangeForDays(nowMs: number, days: number): TimeRange {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a positive integer, got ${days}`);
  const end = nextDayStart(toSeconds(nowMs));
  return { start: addDays(end, -days), end };
}

/** The day starts of every UTC day in [start, end). */
export function eachDay(start: number, end: number): number[] {
  const days: number[] = [];
  for (let d = dayStart(start); d < end; d += DAY_SECONDS) days.push(d);
  return days;
}

/** The first UTC midnight of the month containing `sec`. */
export function monthStart(sec: number): number {
  const d = new Date(sec * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
}

/** The first UTC midnight of the month after the one containing `sec`. */
export function nextMonthStart(sec: number): number {
  const d = new Date(sec * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
}

/** Number of days in the UTC month containing `sec` (28–31). */
export function daysInMonth(sec: number): number {
  return (nextMonthStart(sec) - monthStart(sec)) / DAY_SECONDS;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** 'YYYY-MM-DD' of the UTC day containing `sec`. */
export function isoDate(sec: number): string {
  const d = new Date(sec * 1000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** 'YYYY-MM-DD HH:MM' (UTC) of `sec`. */
export function isoMinute(sec: number): string {
  const d = new Date(sec * 1000);
  return `${isoDate(sec)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

/** 'YYYY-MM-DD' → the UTC midnight in Unix seconds; undefined for anything that is not a real date. */
export function parseIsoDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 2025-02-30 over to March; reject instead.
  return isoDate(ms / 1000) === text ? ms / 1000 : undefined;
}

/** Cost data arrives late: this many UTC days (yesterday and today) are provisional and refetched. */
export const PROVISIONAL_DAYS = 2;
