// Builds a UsageSnapshot from a UsageSource: the project names, the costs and the eight usage
// endpoints, all asked for at once so that a refresh is one round trip. The bound on requests in
// flight is the source's own (the API client's one limiter, which also splits long ranges into
// windows fetched in parallel): a second limiter here would only queue queries behind each other
// and turn one round trip into several. With a previous snapshot only the days that can still
// change are fetched again: cost data arrives late, so the last two UTC days are always refetched.

import { setMaxListeners } from 'node:events';
import { ENDPOINTS, USAGE_ENDPOINT_IDS } from '../shared/endpoints';
import type { Dimension, EndpointId, NameDirectory, Project, UsageBucket, UsageQuery } from '../shared/endpoints';
import { createLimiter } from '../api/limit';
import type { Limiter } from '../api/limit';
import { SNAPSHOT_VERSION } from '../shared/snapshot';
import type { EndpointFailure, UsageSnapshot } from '../shared/snapshot';
import { isApiError } from '../api/errors';
import { sanitizeShort } from '../shared/sanitize';
import type { UsageSource } from './source';
import { readBudgets } from './budgets';
import { FORECAST_WINDOW_DAYS } from '../report/forecast';
import { assertFiniteData } from '../report/finite';
import { mainCurrencyOf } from '../report/report';
import { PROVISIONAL_DAYS, addDays, dayStartOfMs, monthStart, rangeForDays } from '../shared/time';

type UsageEndpointId = Exclude<EndpointId, 'costs'>;

export const DEFAULT_CURRENCY = 'usd';

export interface LoadOptions {
  readonly nowMs: number;
  readonly rangeDays: number;
  /** The last good snapshot; its settled days are reused instead of fetched again. */
  readonly previous?: UsageSnapshot | undefined;
  readonly signal?: AbortSignal;
  /**
   * Queries in flight at once. Default: no cap here, every query starts at once and the source
   * bounds its requests (UsageClient: DEFAULT_CONCURRENCY). For tests and slow sources.
   */
  readonly concurrency?: number;
  /** Also read the hard spend limits (organisation and active projects), never failing the load for them. */
  readonly budgets?: boolean;
  /** A refresh the user asked for: project limits are read again however recent (see budgets.ts). */
  readonly fresh?: boolean;
}

export interface SnapshotWindow {
  readonly rangeStart: number;
  readonly rangeEnd: number;
  /** The earliest of the range start, the first of the month and the forecast's first day. */
  readonly costsStart: number;
  /** Start of the provisional days (yesterday), Unix s. */
  readonly provisionalFrom: number;
}

/**
 * The days a snapshot taken at `nowMs` covers. Costs reach back far enough for month to date and
 * for the forecast's 7 complete days even when the range is shorter.
 */
export function snapshotWindow(nowMs: number, rangeDays: number): SnapshotWindow {
  const { start, end } = rangeForDays(nowMs, rangeDays);
  const today = dayStartOfMs(nowMs);
  return {
    rangeStart: start,
    rangeEnd: end,
    costsStart: Math.min(start, monthStart(today), addDays(today, -FORECAST_WINDOW_DAYS)),
    provisionalFrom: addDays(today, -(PROVISIONAL_DAYS - 1)),
  };
}

/** The group_by a snapshot keeps for a usage endpoint: project, and model where allowed. */
export function snapshotGroupBy(endpoint: UsageEndpointId): Dimension[] {
  return ENDPOINTS[endpoint].groupBy.filter((d) => d === 'project_id' || d === 'model');
}

export const SNAPSHOT_COSTS_GROUP_BY: readonly Dimension[] = ['project_id', 'line_item'];
/** Spend by API key (and its project) over the range. */
export const SNAPSHOT_KEY_COSTS_GROUP_BY: readonly Dimension[] = ['api_key_id', 'project_id'];
/** A key's models: completions by API key and model over the range. */
export const SNAPSHOT_KEY_MODELS_GROUP_BY: readonly Dimension[] = ['api_key_id', 'model'];
/** Names (keys, users) are read again after this long, or at once when an unknown key shows up. */
export const NAMES_MAX_AGE_MS = 6 * 3600_000;

/** Key ids in `buckets` that the directory does not name. */
export function unknownKeyIds(buckets: readonly UsageBucket[], names: NameDirectory | undefined): string[] {
  const known = new Set([...(names?.apiKeys.items ?? []), ...(names?.adminKeys.items ?? [])].map((k) => k.id));
  const unknown = new Set<string>();
  for (const b of buckets) for (const r of b.rows) if (r.dims.api_key_id && !known.has(r.dims.api_key_id)) unknown.add(r.dims.api_key_id);
  return [...unknown];
}

/**
 * The first day to fetch again when `previous` is reused (undefined when it is from another source
 * or version): yesterday, or earlier when `previous` was fetched on an earlier day, since the days
 * that were still provisional then, and any day after its range, must be fetched again.
 */
function reuseBoundary(previous: UsageSnapshot | undefined, source: UsageSource, window: SnapshotWindow): number | undefined {
  if (!previous || previous.source !== source.kind || previous.version !== SNAPSHOT_VERSION) return undefined;
  const previousProvisional = addDays(dayStartOfMs(previous.fetchedAt), -(PROVISIONAL_DAYS - 1));
  return Math.min(window.provisionalFrom, previousProvisional, previous.rangeEnd);
}

function keepDays(buckets: readonly UsageBucket[], start: number, end: number): UsageBucket[] {
  return buckets.filter((b) => b.startTime >= start && b.startTime < end);
}

function merge(older: readonly UsageBucket[], fresh: readonly UsageBucket[]): UsageBucket[] {
  // A fresh bucket wins over a kept one of the same start (there should be none, but be safe).
  const freshStarts = new Set(fresh.map((b) => b.startTime));
  return [...older.filter((b) => !freshStarts.has(b.startTime)), ...fresh].sort((a, b) => a.startTime - b.startTime);
}

/**
 * Loads a snapshot: the names and every query start at once (one round trip when the source's
 * limiter has room for them all). The projects or the costs failing aborts the rest and rejects
 * the whole load (no spend without costs), so the caller keeps its previous snapshot untouched.
 * A usage endpoint failing with an API error does not: that endpoint keeps the previous
 * snapshot's buckets (or none) and is listed in `partial`, with since when it fails.
 */
export async function loadSnapshot(source: UsageSource, options: LoadOptions): Promise<UsageSnapshot> {
  const { nowMs, rangeDays, previous } = options;
  const window = snapshotWindow(nowMs, rangeDays);
  const limit: Limiter = options.concurrency === undefined ? (task) => task() : createLimiter(options.concurrency);
  const failFast = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, failFast.signal]) : failFast.signal;
  // Every query (eleven and more) listens to it: that many listeners is the design, not a leak.
  setMaxListeners(0, signal);
  signal.throwIfAborted();

  const boundary = reuseBoundary(previous, source, window);
  const run = <T>(task: () => Promise<T>): Promise<T> =>
    // async: a task must never throw synchronously inside the limiter, or the rejection escapes it.
    limit(async (): Promise<T> => {
      signal.throwIfAborted();
      return task();
    }).catch((error: unknown) => {
      failFast.abort(error);
      throw error;
    });

  // Reuse needs `previous` to hold every settled day of the part: from its start to the boundary.
  // An endpoint that failed last time holds older buckets than the boundary assumes (the days
  // since it failed were never read): it is fetched whole, not from the boundary.
  const failedBefore = new Set<EndpointId>(previous?.partial?.map((p) => p.endpoint) ?? []);
  const usageFrom = (id: UsageEndpointId): number | undefined =>
    boundary !== undefined && boundary > window.rangeStart && !failedBefore.has(id) && previous?.usage[id] !== undefined && previous.rangeStart <= window.rangeStart
      ? boundary
      : undefined;
  const costsFrom =
    boundary !== undefined && boundary > window.costsStart && previous !== undefined && previous.costsStart <= window.costsStart
      ? boundary
      : undefined;

  const query = (q: UsageQuery): Promise<UsageBucket[]> => run(() => source.query(q, signal));
  // A usage endpoint's failure is its own: an API error is recorded, not passed on to the rest.
  const failures = new Map<UsageEndpointId, EndpointFailure>();
  const usageQuery = async (q: UsageQuery & { endpoint: UsageEndpointId }): Promise<UsageBucket[] | undefined> => {
    try {
      return await limit(async () => {
        signal.throwIfAborted();
        return source.query(q, signal);
      });
    } catch (error) {
      if (signal.aborted || !isApiError(error)) {
        failFast.abort(error);
        throw error;
      }
      const before = previous?.partial?.find((p) => p.endpoint === q.endpoint);
      if (!failures.has(q.endpoint)) {
        failures.set(q.endpoint, { endpoint: q.endpoint, code: error.code, message: sanitizeShort(error.message), since: before?.since ?? nowMs });
      }
      return undefined;
    }
  };
  // What a failed endpoint keeps: the previous snapshot's buckets within the range, when reusable.
  const keptOnFailure = (buckets: readonly UsageBucket[] | undefined): UsageBucket[] =>
    boundary !== undefined && buckets ? keepDays(buckets, window.rangeStart, window.rangeEnd) : [];
  const projectsTask = run(() => source.projects(signal));
  const costsTask = query({
    endpoint: 'costs',
    startTime: costsFrom ?? window.costsStart,
    endTime: window.rangeEnd,
    bucketWidth: '1d',
    groupBy: SNAPSHOT_COSTS_GROUP_BY,
  });
  const usageTasks = USAGE_ENDPOINT_IDS.map(async (id): Promise<[UsageEndpointId, UsageBucket[]]> => {
    const from = usageFrom(id);
    const fresh = await usageQuery({
      endpoint: id,
      startTime: from ?? window.rangeStart,
      endTime: window.rangeEnd,
      bucketWidth: '1d',
      groupBy: snapshotGroupBy(id),
    });
    if (fresh === undefined) return [id, keptOnFailure(previous?.usage[id])];
    const kept = from !== undefined && previous ? keepDays(previous.usage[id] ?? [], window.rangeStart, from) : [];
    return [id, merge(kept, fresh)];
  });

  // Spend by key and a key's models: the range, whole (small: one row per key and model a day).
  const byKey = async (kept: readonly UsageBucket[] | undefined, endpoint: EndpointId, groupBy: readonly Dimension[]): Promise<UsageBucket[]> => {
    const from =
      boundary !== undefined && boundary > window.rangeStart && !failedBefore.has(endpoint) && kept !== undefined && previous !== undefined && previous.rangeStart <= window.rangeStart
        ? boundary
        : undefined;
    const q: UsageQuery = { endpoint, startTime: from ?? window.rangeStart, endTime: window.rangeEnd, bucketWidth: '1d', groupBy };
    // A key's models come from a usage endpoint: they fail with it, and keep what they had.
    const fresh = endpoint === 'costs' ? await query(q) : await usageQuery({ ...q, endpoint });
    if (fresh === undefined) return keptOnFailure(kept);
    return merge(from !== undefined && kept ? keepDays(kept, window.rangeStart, from) : [], fresh);
  };
  const keyCostsTask = byKey(previous?.keyCosts, 'costs', SNAPSHOT_KEY_COSTS_GROUP_BY);
  const keyModelsTask = byKey(previous?.keyModels, 'completions', SNAPSHOT_KEY_MODELS_GROUP_BY);
  // Names: kept from the previous snapshot while recent; a source without them has none.
  const recentNames =
    previous?.names !== undefined && previous.source === source.kind && previous.namesFetchedAt !== undefined && nowMs - previous.namesFetchedAt < NAMES_MAX_AGE_MS
      ? { names: previous.names, at: previous.namesFetchedAt }
      : undefined;
  const readNames = (): Promise<{ names: NameDirectory; at: number } | undefined> =>
    source.names
      ? // Names are a nicety: failing to read them never fails the refresh (IDs are shown instead).
        limit(async () => ({ names: await (source.names as (s: AbortSignal) => Promise<NameDirectory>)(signal), at: nowMs })).catch(() => recentNames)
      : Promise.resolve(undefined);
  const namesTask = recentNames ? Promise.resolve(recentNames) : readNames();

  // Limits ride along with the data, through the same limiter, but outside the fail-fast: a limit
  // the key may not read is said where it shows, never a failed refresh.
  const budgetsTask = options.budgets
    ? readBudgets(source, projectsTask, {
        run: (task) => limit(async () => {
          signal.throwIfAborted();
          return task();
        }),
        signal,
        previous: previous?.source === source.kind ? previous.budgets : undefined,
        nowMs,
        ...(options.fresh ? { fresh: true } : {}),
      })
    : Promise.resolve(undefined);
  // Its rejection (only on abort) is seen through Promise.all below; never left unhandled.
  budgetsTask.catch(() => undefined);
  const [projects, freshCosts, usageEntries, keyCosts, keyModels, namesRead, budgets] = await Promise.all([
    projectsTask,
    costsTask,
    Promise.all(usageTasks),
    keyCostsTask,
    keyModelsTask,
    namesTask,
    budgetsTask,
  ]);
  // A key the kept names do not know (made since): read the names again, once.
  const names = recentNames && namesRead === recentNames && unknownKeyIds([...keyCosts, ...keyModels], recentNames.names).length > 0 ? ((await readNames()) ?? namesRead) : namesRead;
  const keptCosts = costsFrom !== undefined && previous ? keepDays(previous.costs, window.costsStart, costsFrom) : [];
  const costs = merge(keptCosts, freshCosts);

  const usage: Partial<Record<UsageEndpointId, readonly UsageBucket[]>> = {};
  for (const [id, buckets] of usageEntries) usage[id] = buckets;

  // A total no number can hold (two amounts of 1e308) is refused here, before it is ever kept.
  assertFiniteData(costs, usage, DEFAULT_CURRENCY);

  return {
    version: SNAPSHOT_VERSION,
    source: source.kind,
    fetchedAt: nowMs,
    rangeStart: window.rangeStart,
    rangeEnd: window.rangeEnd,
    costsStart: window.costsStart,
    currency: currencyOf(costs),
    projects: sortProjects(projects),
    costs,
    usage,
    keyCosts,
    keyModels,
    ...(names ? { names: names.names, namesFetchedAt: names.at } : {}),
    ...(budgets ? { budgets } : {}),
    ...(failures.size ? { partial: USAGE_ENDPOINT_IDS.flatMap((id) => failures.get(id) ?? []) } : {}),
  };
}

/** The main currency of the costs (the report's rule: the most spend), lowercased; 'usd' when none is named. */
export function currencyOf(costs: readonly UsageBucket[]): string {
  return mainCurrencyOf(costs, DEFAULT_CURRENCY);
}

function sortProjects(projects: readonly Project[]): Project[] {
  return [...projects].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
