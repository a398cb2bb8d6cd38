// What the host fetches for the view the webview asked for. No vscode: tested with the sample org.
import * as l10n from '@vscode/l10n';
import { CONTEXT_LEVELS, ENDPOINTS, USAGE_ENDPOINT_IDS } from '../shared/endpoints';
import type { Dimension, EndpointId, UsageBucket, UsageQuery } from '../shared/endpoints';
import { createLimiter } from '../api/limit';
import type { AttributionData, FilterOptions, GroupChoice, OverviewData, UiState } from '../shared/protocol';
import { buildAttribution, completionsMix } from '../report/attribution';
import type { Mode } from '../state';
import type { UsageSnapshot } from '../shared/snapshot';
import type { UsageSource } from '../usage/source';
import { overviewSteps } from '../report/overview';
import { runSliced } from '../report/steps';
import { assertFiniteBuckets } from '../report/finite';
import type { TabResult } from '../report/export';
export type { TabResult } from '../report/export';
import { resolveRange, tabQuery } from '../shared/queryWindow';

type UsageEndpointId = Exclude<EndpointId, 'costs'>;

/** Thrown when there is nothing to show yet (no snapshot, no source). */
export class NoDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoDataError';
  }
}

export interface OverviewRequest {
  readonly ui: UiState;
  readonly snapshot: UsageSnapshot;
  /** Called only when the range reaches outside the snapshot. */
  readonly source: () => Promise<UsageSource | undefined>;
  readonly nowMs: number;
  readonly budget: number;
  readonly signal?: AbortSignal;
}

/** Whether the snapshot holds the whole range (then no request is made at all). */
export function snapshotCovers(snapshot: UsageSnapshot, start: number, end: number): boolean {
  return snapshot.costsStart <= start && snapshot.rangeStart <= start && end <= snapshot.rangeEnd;
}

/**
 * The overview: from the snapshot when it covers the range, otherwise from fresh daily queries
 * (costs by project and line item, each usage endpoint by project and model) run four at a time.
 * Today, month to date and the forecast always come from the snapshot, like the status bar's.
 */
export async function fetchOverview(req: OverviewRequest): Promise<OverviewData> {
  const { ui, snapshot } = req;
  const range = resolveRange(ui.range, req.nowMs);
  let rangeCosts: readonly UsageBucket[] = snapshot.costs;
  let usage: Partial<Record<UsageEndpointId, readonly UsageBucket[]>> = snapshot.usage;
  // An empty range (wholly after today) needs no request: the snapshot's buckets filter to nothing.
  if (range.start < range.end && !snapshotCovers(snapshot, range.start, range.end)) {
    const source = await req.source();
    if (!source) throw new NoDataError(l10n.t('This range is outside the stored data and there is no data source: set an Admin key or try sample data.'));
    const limit = createLimiter(4);
    const base = { startTime: range.start, endTime: range.end, bucketWidth: '1d' as const, projectIds: ui.projectIds.length ? ui.projectIds : undefined };
    const ask = (q: UsageQuery): Promise<UsageBucket[]> => limit(() => source.query(q, req.signal));
    const [costs, ...perEndpoint] = await Promise.all([
      ask({ ...base, endpoint: 'costs', groupBy: ['project_id', 'line_item'] }),
      ...USAGE_ENDPOINT_IDS.map((endpoint) =>
        ask({ ...base, endpoint, groupBy: ENDPOINTS[endpoint].groupBy.includes('model') ? ['project_id', 'model'] : ['project_id'] }),
      ),
    ]);
    rangeCosts = costs;
    usage = Object.fromEntries(USAGE_ENDPOINT_IDS.map((id, i) => [id, perEndpoint[i] ?? []]));
  }
  // Summed in slices: a large organisation's overview never holds the extension host for long.
  const input = {
    nowMs: req.nowMs,
    range,
    currency: snapshot.currency,
    budget: req.budget,
    projectIds: ui.projectIds,
    projects: snapshot.projects,
    rangeCosts,
    monthCosts: snapshot.costs,
    usage,
  };
  return runSliced(overviewSteps(input), req.signal ? { signal: req.signal } : {});
}

/** An endpoint tab's data: always a fresh query of the source, never the snapshot. */
export async function fetchTab(ui: UiState, endpoint: EndpointId, source: UsageSource, nowMs: number, fallbackCurrency: string, signal?: AbortSignal): Promise<TabResult> {
  const { query, window } = tabQuery(ui, endpoint, nowMs);
  // A window with no time in it (a range after today) is empty: asking the API would be an error.
  const buckets = window.startTime < window.endTime ? await source.query(query, signal) : [];
  // The tab's table and chart sum these: a total no number can hold is an error, never "$∞".
  assertFiniteBuckets(buckets, endpoint === 'costs' ? 'costs' : `${endpoint} usage`, fallbackCurrency);
  const currency = buckets.flatMap((b) => b.rows).find((r) => r.currency)?.currency ?? fallbackCurrency;
  const groupBy: GroupChoice = query.groupBy?.[0] ?? 'none';
  if (endpoint !== 'completions') return { endpoint, window, groupBy, buckets, currency };
  // The mix (cache hits, batch share, service tiers) needs batch and service_tier groups: one more
  // query over the same window and filters, whatever the tab is grouped by.
  const mixBuckets = window.startTime < window.endTime ? await source.query({ ...query, groupBy: ['batch', 'service_tier'] }, signal) : [];
  assertFiniteBuckets(mixBuckets, 'completions usage', fallbackCurrency);
  return { endpoint, window, groupBy, buckets, currency, mix: completionsMix(mixBuckets) };
}

/**
 * The Attribution tab: spend by API key and keys not used lately from the snapshot (no request),
 * usage by user from one completions query grouped by user_id (its failure is said, not fatal).
 */
export async function fetchAttribution(ui: UiState, snapshot: UsageSnapshot, source: UsageSource | undefined, nowMs: number, signal?: AbortSignal): Promise<AttributionData> {
  const range = resolveRange(ui.range, nowMs);
  let userUsage: Parameters<typeof buildAttribution>[0]['userUsage'];
  if (range.start >= range.end) userUsage = { ok: true, buckets: [] };
  else if (!source) userUsage = { ok: false, message: l10n.t('No data source to ask for usage by user.') };
  else {
    try {
      const buckets = await source.query(
        { endpoint: 'completions', startTime: range.start, endTime: range.end, bucketWidth: '1d', groupBy: ['user_id'], projectIds: ui.projectIds.length ? ui.projectIds : undefined },
        signal,
      );
      assertFiniteBuckets(buckets, 'completions usage', snapshot.currency);
      userUsage = { ok: true, buckets };
    } catch (err) {
      if (signal?.aborted) throw err;
      userUsage = { ok: false, message: l10n.t('Usage by user could not be read: {0}', err instanceof Error ? err.message : String(err)) };
    }
  }
  return buildAttribution({
    nowMs,
    range,
    currency: snapshot.currency,
    projectIds: ui.projectIds,
    projects: snapshot.projects,
    names: snapshot.names,
    keyCosts: snapshot.keyCosts,
    keyCostsRange: { start: snapshot.rangeStart, end: snapshot.rangeEnd },
    userUsage,
  });
}

/** The dimensions whose values fill the API key and user filters of an endpoint (none for most). */
export function idOptionDimensions(endpoint: EndpointId): Dimension[] {
  const spec = ENDPOINTS[endpoint];
  const dims: Dimension[] = [];
  if (spec.filters.includes('apiKeyIds') && spec.groupBy.includes('api_key_id')) dims.push('api_key_id');
  if (spec.filters.includes('userIds') && spec.groupBy.includes('user_id')) dims.push('user_id');
  return dims;
}

/**
 * One grouped query of the whole range by API key and user, so the API key and user filters have
 * something to pick before the user ever grouped by them (there is no list endpoint for either).
 * Empty (no request) when the endpoint has neither filter or the range is empty.
 */
export async function fetchIdOptions(ui: UiState, endpoint: EndpointId, source: UsageSource, nowMs: number, signal?: AbortSignal): Promise<UsageBucket[]> {
  const groupBy = idOptionDimensions(endpoint);
  const range = resolveRange(ui.range, nowMs);
  if (groupBy.length === 0 || range.start >= range.end) return [];
  return source.query({ endpoint, startTime: range.start, endTime: range.end, bucketWidth: '1d', groupBy }, signal);
}

/** Known values per filter, gathered from the data seen (there is no list endpoint for them). */
export class FilterOptionSets {
  private sets = FilterOptionSets.empty();
  private mode: Mode | undefined;
  private origin: string | undefined;
  /** Snapshots whose values are not gathered yet (see addSnapshot). */
  private pending: UsageSnapshot[] = [];
  private static readonly MAX_PENDING = 4;

  private static empty(): Record<keyof FilterOptions, Set<string>> {
    return {
      models: new Set<string>(),
      apiKeyIds: new Set<string>(),
      userIds: new Set<string>(),
      // The API's documented values, so the filters are usable before any grouped query ran.
      sources: new Set<string>(['image.generation', 'image.edit', 'image.variation']),
      sizes: new Set<string>(['256x256', '512x512', '1024x1024', '1024x1536', '1536x1024', '1024x1792', '1792x1024']),
      vectorStoreIds: new Set<string>(),
      contextLevels: new Set<string>(CONTEXT_LEVELS),
    };
  }
  private static readonly MAX = 500;

  /**
   * Follows where the data comes from: when the mode (none / sample / api) or the snapshot's
   * source and origin (another key or host) change, the values seen so far belong to another
   * organisation and are dropped. Returns whether they were.
   */
  follow(mode: Mode, snapshot: UsageSnapshot | undefined): boolean {
    // A missing snapshot (still loading) says nothing about the origin: keep what is known.
    const origin = snapshot ? `${snapshot.source}|${snapshot.origin ?? ''}` : undefined;
    const changed = (this.mode !== undefined && mode !== this.mode) || (origin !== undefined && this.origin !== undefined && origin !== this.origin);
    if (changed) {
      this.sets = FilterOptionSets.empty();
      this.pending = [];
      this.origin = undefined;
    }
    this.mode = mode;
    if (origin !== undefined) this.origin = origin;
    return changed;
  }

  add(buckets: readonly UsageBucket[]): void {
    for (const b of buckets) {
      for (const r of b.rows) {
        this.put('models', r.dims.model);
        this.put('apiKeyIds', r.dims.api_key_id);
        this.put('userIds', r.dims.user_id);
        this.put('sources', r.dims.source);
        this.put('sizes', r.dims.size);
        this.put('vectorStoreIds', r.dims.vector_store_id);
      }
    }
  }

  /**
   * A snapshot's values are gathered when the filters are first asked for, not at once: going over
   * every usage row on each new snapshot would hold the extension host (a large organisation has
   * hundreds of thousands) whether or not the dashboard is open.
   */
  addSnapshot(snapshot: UsageSnapshot | undefined): void {
    if (!snapshot || this.pending.includes(snapshot)) return;
    this.pending.push(snapshot);
    if (this.pending.length > FilterOptionSets.MAX_PENDING) this.gather(this.pending.shift());
  }

  private gather(snapshot: UsageSnapshot | undefined): void {
    if (!snapshot) return;
    for (const buckets of Object.values(snapshot.usage)) if (buckets) this.add(buckets);
  }

  toJSON(): FilterOptions {
    for (const snapshot of this.pending.splice(0)) this.gather(snapshot);
    const list = (s: Set<string>): string[] => [...s].sort((a, b) => a.localeCompare(b));
    return {
      models: list(this.sets.models),
      apiKeyIds: list(this.sets.apiKeyIds),
      userIds: list(this.sets.userIds),
      sources: list(this.sets.sources),
      sizes: list(this.sets.sizes),
      vectorStoreIds: list(this.sets.vectorStoreIds),
      // Low, medium, high: in that order, not the alphabet's.
      contextLevels: [...this.sets.contextLevels],
    };
  }

  private put(name: keyof FilterOptions, value: string | undefined): void {
    const set = this.sets[name];
    if (value && set.size < FilterOptionSets.MAX) set.add(value);
  }
}
