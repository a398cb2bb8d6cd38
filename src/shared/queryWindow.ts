// Time windows of the dashboard's queries. Pure: "now" is always passed in.
import * as l10n from '@vscode/l10n';
import { ENDPOINTS, WIDTH_SECONDS } from './endpoints';
import type { BucketWidth, EndpointId, UsageQuery } from './endpoints';
import type { Range, UiState, Window } from './protocol';
import { addDays, alignDown, dayStartOfMs, DAY_SECONDS, nextDayStart, parseIsoDate, PROVISIONAL_DAYS, toSeconds } from './time';
import type { TimeRange } from './time';
import { queryFilters, tabSettings } from './uiState';

/**
 * The UTC-day range the user picked: presets end with today (UTC), custom ranges include both dates
 * but never reach past today, so a range wholly in the future is empty (start = end), never inverted.
 */
export function resolveRange(range: Range, nowMs: number): TimeRange {
  const endOfToday = nextDayStart(toSeconds(nowMs));
  if (range.kind === 'preset') return { start: addDays(endOfToday, -range.days), end: endOfToday };
  const start = parseIsoDate(range.start);
  const last = parseIsoDate(range.end);
  // The schema has checked both dates; fall back to a week only for defence in depth.
  if (start === undefined || last === undefined) return resolveRange({ kind: 'preset', days: 7 }, nowMs);
  const end = Math.min(addDays(last, 1), endOfToday);
  return { start: Math.min(start, end), end };
}

/**
 * Buckets per query for each width. The API pages at 1440 minutes / 168 hours / 31 days; minute
 * and hour buckets are kept to one page each (24 hours, 7 days) because a 90-day range of minutes
 * would be 130 000 buckets, useless in a chart and slow to fetch.
 */
export const MAX_BUCKETS: Readonly<Record<BucketWidth, number | undefined>> = { '1m': 1440, '1h': 168, '1d': undefined };

/** Human words for the clamp, for the note under the controls. */
export const CLAMP_NOTE: Readonly<Record<BucketWidth, string>> = {
  // Getters: read when shown, so the words come from the bundle configured at start-up.
  get '1m'() {
    return l10n.t('Minute buckets show at most the last 24 hours of the range.');
  },
  get '1h'() {
    return l10n.t('Hour buckets show at most the last 7 days of the range.');
  },
  '1d': '',
};

/**
 * The window a tab's query covers: the whole range for day buckets; for minute and hour buckets
 * the last MAX_BUCKETS of the range, ending no later than the current bucket.
 */
export function queryWindow(range: Range, width: BucketWidth, nowMs: number): Window {
  const r = resolveRange(range, nowMs);
  const max = MAX_BUCKETS[width];
  if (max === undefined) return { startTime: r.start, endTime: r.end, width, clamped: false };
  const w = WIDTH_SECONDS[width];
  const nowEnd = alignDown(toSeconds(nowMs), w) + w;
  const end = Math.min(r.end, nowEnd);
  // Capped at `end` too: a range starting after the current bucket is empty, not inverted.
  const start = Math.min(end, Math.max(r.start, end - max * w));
  return { startTime: start, endTime: end, width, clamped: start > r.start && start < end };
}

/** The complete query of an endpoint tab and the window it covers. */
export function tabQuery(ui: UiState, endpoint: EndpointId, nowMs: number): { query: UsageQuery; window: Window } {
  const s = tabSettings(ui, endpoint);
  const width = ENDPOINTS[endpoint].widths.includes(s.width) ? s.width : '1d';
  const window = queryWindow(ui.range, width, nowMs);
  return {
    query: { ...queryFilters(ui, endpoint), startTime: window.startTime, endTime: window.endTime, bucketWidth: width },
    window,
  };
}

/** The first provisional day (UTC midnight, Unix s): cost data for it may still be arriving. */
export function provisionalStart(nowMs: number): number {
  return dayStartOfMs(nowMs) - (PROVISIONAL_DAYS - 1) * DAY_SECONDS;
}
