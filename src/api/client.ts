// The Usage & Costs API client (SPEC §1, §3): every query checked before it is sent, long ranges
// split into windows fetched in parallel through one limiter, every page followed, identical
// concurrent queries joined, project names cached. Everything is cancellable.

import type { Dispatcher } from 'undici';
import { ENDPOINTS, FILTER_PARAMS, WIDTH_SECONDS } from '../shared/endpoints';
import type { BucketWidth, FilterName, Project, UsageBucket, UsageQuery } from '../shared/endpoints';
import { ConfigError, InvalidQueryError } from './errors';
import { abortReason, getJson } from './http';
import type { HttpOptions, RequestLogEntry } from './http';
import { createLimiter } from './limit';
import type { Limiter } from './limit';
import { parseProjectsPage } from './schemas';
import { parseUsagePageFast } from './fastRows';
import type { UsageSource } from '../usage/source';

export interface UsageClientOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly dispatcher?: Dispatcher;
  /** Per request attempt. Default 30 s. */
  readonly timeoutMs?: number;
  /** Default 2. */
  readonly maxRetries?: number;
  /** Requests in flight at once, across all queries. Default 32 (DEFAULT_CONCURRENCY). */
  readonly concurrency?: number;
  /** Called once per attempt, for logging (method, path, status, ms, attempt; never the key). */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  readonly retryBaseDelayMs?: number;
  readonly retryMaxDelayMs?: number;
  /** Clock in ms since the epoch (tests pin it). Default Date.now. */
  readonly now?: () => number;
  /** How long the project list is reused. Default 10 min. */
  readonly projectCacheMs?: number;
}

/** A query with every default filled in: what is actually sent. */
export interface ResolvedQuery extends UsageQuery {
  readonly endTime: number;
  readonly bucketWidth: BucketWidth;
  readonly limit: number;
}

export interface TimeWindow {
  readonly startTime: number;
  readonly endTime: number;
}

/**
 * The one bound on requests in flight, across every query of the client. A full 90-day refresh is
 * 26 requests (8 usage endpoints × 3 windows of 31 days, costs in one 180-day window, the names):
 * 32 lets it go out in one round trip with room for a dashboard query beside it, while a long
 * custom range or many tabs at once still cannot open hundreds of connections.
 */
export const DEFAULT_CONCURRENCY = 32;
export const PROJECT_CACHE_MS = 10 * 60_000;
const PROJECTS_PAGE_LIMIT = 100;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks the API base URL: https only, except a loopback host which may be http. Returns it
 * without a trailing slash. Throws ConfigError.
 */
export function validateBaseUrl(url: string, fix = 'fix openaiUsage.apiBaseUrl'): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new ConfigError(`The API base URL "${url}" is not a valid URL: use e.g. https://api.openai.com/v1.`);
  }
  const loopback = LOOPBACK_HOSTS.has(parsed.hostname.toLowerCase());
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new ConfigError(
      `The API base URL must use https (http only for 127.0.0.1, localhost or [::1]); got ${parsed.protocol}//${parsed.host}: ${fix}.`,
    );
  }
  // The key must go to exactly this host: no credentials, query or fragment riding along.
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw new ConfigError(`The API base URL must not contain credentials, a query or a fragment: ${fix}.`);
  }
  return parsed.toString().replace(/\/+$/, '');
}

/** Refuses, before anything is sent, a query the endpoint would not take. Throws InvalidQueryError. */
export function validateQuery(q: UsageQuery): void {
  const spec = Object.hasOwn(ENDPOINTS, q.endpoint) ? ENDPOINTS[q.endpoint] : undefined;
  if (!spec) throw new InvalidQueryError(`Unknown endpoint "${String(q.endpoint)}".`);
  const name = `${spec.title} (GET ${spec.path})`;
  const width = q.bucketWidth ?? '1d';
  if (!spec.widths.includes(width)) {
    throw new InvalidQueryError(`${name} does not take bucket_width=${width}; allowed: ${spec.widths.join(', ')}.`);
  }
  for (const g of q.groupBy ?? []) {
    if (!spec.groupBy.includes(g)) {
      throw new InvalidQueryError(`${name} cannot group_by=${g}; allowed: ${spec.groupBy.join(', ')}.`);
    }
  }
  for (const filter of Object.keys(FILTER_PARAMS) as FilterName[]) {
    const value = q[filter];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    if (!spec.filters.includes(filter)) {
      const allowed = spec.filters.map((f) => FILTER_PARAMS[f]).join(', ');
      throw new InvalidQueryError(`${name} cannot be filtered by ${FILTER_PARAMS[filter]}; allowed filters: ${allowed}.`);
    }
    if (Array.isArray(value) && value.some((v) => typeof v !== 'string' || v === '')) {
      throw new InvalidQueryError(`${name}: every ${FILTER_PARAMS[filter]} value must be a non-empty string.`);
    }
  }
  const max = spec.maxLimit[width] ?? 1;
  if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > max)) {
    throw new InvalidQueryError(`${name} takes limit 1..${max} for bucket_width=${width}; got ${q.limit}.`);
  }
  if (!Number.isInteger(q.startTime) || q.startTime < 0) {
    throw new InvalidQueryError(`${name}: start_time must be whole Unix seconds; got ${q.startTime}.`);
  }
  if (q.endTime !== undefined) {
    if (!Number.isInteger(q.endTime)) {
      throw new InvalidQueryError(`${name}: end_time must be whole Unix seconds; got ${q.endTime}.`);
    }
    if (q.startTime >= q.endTime) {
      throw new InvalidQueryError(`${name}: start_time (${q.startTime}) must be before end_time (${q.endTime}).`);
    }
  }
}

/** The query string of one request: limit always sent, arrays as repeated keys. */
export function buildQueryParams(q: ResolvedQuery, page?: string): URLSearchParams {
  const p = new URLSearchParams();
  p.set('start_time', String(q.startTime));
  p.set('end_time', String(q.endTime));
  p.set('bucket_width', q.bucketWidth);
  // Left out, the API silently returns 7 buckets.
  p.set('limit', String(q.limit));
  if (page !== undefined) p.set('page', page);
  for (const g of q.groupBy ?? []) p.append('group_by', g);
  for (const filter of Object.keys(FILTER_PARAMS) as FilterName[]) {
    const value = q[filter];
    if (filter === 'batch') {
      if (typeof value === 'boolean') p.set('batch', String(value));
    } else if (Array.isArray(value)) {
      for (const v of value as readonly string[]) p.append(FILTER_PARAMS[filter], v);
    }
  }
  return p;
}

/** Splits [start, end) into consecutive windows of at most `limit` buckets. */
export function splitWindows(startTime: number, endTime: number, width: BucketWidth, limit: number): TimeWindow[] {
  const span = WIDTH_SECONDS[width] * limit;
  const windows: TimeWindow[] = [];
  for (let s = startTime; s < endTime; s += span) windows.push({ startTime: s, endTime: Math.min(endTime, s + span) });
  return windows;
}

export class UsageClient implements UsageSource {
  readonly kind = 'api' as const;
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly http: HttpOptions;
  private readonly limiter: Limiter;
  private readonly now: () => number;
  private readonly projectCacheMs: number;
  private readonly inFlight = new SharedInFlight();
  private projectCache: { readonly at: number; readonly projects: readonly Project[] } | undefined;
  private projectGeneration = 0;

  constructor(options: UsageClientOptions) {
    this.baseUrl = validateBaseUrl(options.baseUrl);
    this.apiKey = options.apiKey;
    this.http = {
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      ...(options.retryBaseDelayMs !== undefined ? { retryBaseDelayMs: options.retryBaseDelayMs } : {}),
      ...(options.retryMaxDelayMs !== undefined ? { retryMaxDelayMs: options.retryMaxDelayMs } : {}),
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    };
    this.limiter = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.now = options.now ?? Date.now;
    this.projectCacheMs = options.projectCacheMs ?? PROJECT_CACHE_MS;
  }

  /** Fills in the defaults: 1d, limit = the width's maximum, end = now rounded up to the width. */
  resolve(q: UsageQuery): ResolvedQuery {
    validateQuery(q);
    const width = q.bucketWidth ?? '1d';
    const w = WIDTH_SECONDS[width];
    const endTime = q.endTime ?? Math.ceil(this.now() / 1000 / w) * w;
    const resolved: ResolvedQuery = {
      ...q,
      bucketWidth: width,
      limit: q.limit ?? (ENDPOINTS[q.endpoint].maxLimit[width] as number),
      endTime,
    };
    validateQuery(resolved);
    return resolved;
  }

  async query(q: UsageQuery, signal?: AbortSignal): Promise<UsageBucket[]> {
    const resolved = this.resolve(q);
    return this.inFlight.run(queryKey(resolved), signal, (s) => this.fetchAll(resolved, s));
  }

  async projects(signal?: AbortSignal): Promise<Project[]> {
    const cached = this.projectCache;
    if (cached && this.now() - cached.at < this.projectCacheMs) {
      if (signal?.aborted) throw abortReason(signal);
      return [...cached.projects];
    }
    const generation = this.projectGeneration;
    const projects = await this.inFlight.run('projects', signal, (s) => this.fetchProjects(s));
    if (generation === this.projectGeneration) this.projectCache = { at: this.now(), projects };
    return [...projects];
  }

  /** Forgets the cached project list (e.g. after the key changed). */
  clearProjectCache(): void {
    this.projectCache = undefined;
    this.projectGeneration++;
  }

  private async fetchAll(q: ResolvedQuery, signal: AbortSignal): Promise<UsageBucket[]> {
    // One failing window cancels its siblings instead of letting them run on.
    const siblings = new AbortController();
    const combined = AbortSignal.any([signal, siblings.signal]);
    const windows = splitWindows(q.startTime, q.endTime, q.bucketWidth, q.limit);
    try {
      const parts = await Promise.all(
        windows.map((w) =>
          this.fetchWindow({ ...q, startTime: w.startTime, endTime: w.endTime }, combined).catch((e: unknown) => {
            siblings.abort();
            throw e;
          }),
        ),
      );
      return parts.flat().sort((a, b) => a.startTime - b.startTime);
    } finally {
      siblings.abort();
    }
  }

  /** Follows `next_page` to the end of one window; a cursor seen before ends it (never loops). */
  private async fetchWindow(q: ResolvedQuery, signal: AbortSignal): Promise<UsageBucket[]> {
    const spec = ENDPOINTS[q.endpoint];
    const buckets: UsageBucket[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const path = `${spec.path}?${buildQueryParams(q, cursor).toString()}`;
      const res = await this.limiter(() => getJson({ baseUrl: this.baseUrl, path, apiKey: this.apiKey, signal }, this.http));
      const page = parseUsagePageFast(q.endpoint, res.body, `GET ${spec.path}`);
      buckets.push(...page.buckets);
      const next = page.nextPage;
      if (!page.hasMore || !next || next === cursor || seen.has(next)) return buckets;
      seen.add(next);
      cursor = next;
    }
  }

  private async fetchProjects(signal: AbortSignal): Promise<Project[]> {
    const projects: Project[] = [];
    const seen = new Set<string>();
    let after: string | undefined;
    for (;;) {
      const p = new URLSearchParams({ limit: String(PROJECTS_PAGE_LIMIT), include_archived: 'true' });
      if (after !== undefined) p.set('after', after);
      const path = `/organization/projects?${p.toString()}`;
      const res = await this.limiter(() => getJson({ baseUrl: this.baseUrl, path, apiKey: this.apiKey, signal }, this.http));
      const page = parseProjectsPage(res.body, 'GET /organization/projects');
      projects.push(...page.projects);
      if (!page.hasMore || !page.lastId || seen.has(page.lastId)) return projects;
      seen.add(page.lastId);
      after = page.lastId;
    }
  }
}

function queryKey(q: ResolvedQuery): string {
  const sorted = (v: readonly string[] | undefined): string[] | undefined => (v ? [...v].sort() : undefined);
  return JSON.stringify([
    q.endpoint,
    q.startTime,
    q.endTime,
    q.bucketWidth,
    q.limit,
    sorted(q.groupBy),
    sorted(q.projectIds),
    sorted(q.userIds),
    sorted(q.apiKeyIds),
    sorted(q.models),
    sorted(q.sources),
    sorted(q.sizes),
    q.batch,
  ]);
}

/**
 * One fetch per key at a time: a second caller joins the running one. Each caller's signal only
 * detaches that caller; the shared fetch is aborted when the last caller has left.
 */
class SharedInFlight {
  private readonly entries = new Map<string, { readonly promise: Promise<unknown>; readonly controller: AbortController; waiters: number }>();

  run<T>(key: string, signal: AbortSignal | undefined, start: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    let entry = this.entries.get(key);
    if (!entry) {
      const controller = new AbortController();
      const promise = start(controller.signal);
      const created = { promise, controller, waiters: 0 };
      const forget = (): void => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      };
      promise.then(forget, forget);
      this.entries.set(key, created);
      entry = created;
    }
    const joined = entry;
    joined.waiters++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        joined.waiters--;
        if (joined.waiters === 0) {
          if (this.entries.get(key) === joined) this.entries.delete(key);
          joined.controller.abort(abortReason(signal as AbortSignal));
        }
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      (joined.promise as Promise<T>).then(
        (v) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }
}
