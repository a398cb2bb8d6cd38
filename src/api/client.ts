// The Usage & Costs API client (SPEC §1, §3): every query checked before it is sent, long ranges
// split into windows fetched in parallel through one limiter, every page followed, identical
// concurrent queries joined, project names cached. Everything is cancellable.

import { setMaxListeners } from 'node:events';
import type { Dispatcher } from 'undici';
import { CONTEXT_LEVELS, ENDPOINTS, FILTER_PARAMS, WIDTH_SECONDS, filterParams } from '../shared/endpoints';
import type {
  ApiKeyInfo,
  BucketWidth,
  BudgetScope,
  FilterName,
  NameDirectory,
  Project,
  SpendAlert,
  SpendAlertInput,
  SpendLimit,
  SpendLimitInput,
  UsageBucket,
  UsageQuery,
  UserInfo,
} from '../shared/endpoints';
import * as admin from './admin';
import type { ListResult, Transport } from './admin';
import { ApiError, isApiError, responseShapeError } from './errors';
import { abortReason, checkKeyCharacters, createRetryBudget, getJson } from './http';
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
  /** Retries of one request. Default 3. */
  readonly maxRetries?: number;
  /** Largest response body read, in bytes. Default 32 MiB (MAX_BODY_BYTES). */
  readonly maxBodyBytes?: number;
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
 * about 45 requests for an organisation of ten projects (8 usage endpoints × 3 windows of 31 days,
 * costs in one 180-day window, spend by key and a key's models, the project list, the users, the
 * admin keys and each project's keys): 64 lets it go out in one round trip with room for a
 * dashboard query beside it, while a long custom range or many tabs at once still cannot open
 * hundreds of connections.
 */
export const DEFAULT_CONCURRENCY = 64;
export const PROJECT_CACHE_MS = 10 * 60_000;
const PROJECTS_PAGE_LIMIT = 100;
/** 100 000 projects: far past any organization, short of a server that pages forever. */
const MAX_PROJECT_PAGES = 1000;
/** Retries shared by one query's requests, on top of one per window (see HttpOptions.retryBudget). */
const QUERY_RETRY_BUDGET = 10;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks the API base URL: https only, except a loopback host which may be http; no user-info, no
 * `?` or `#` (the key goes to exactly this host and path). Returns it without a trailing slash.
 * Throws an ApiError `base_url` whose message never repeats the URL (it may hold a password).
 */
export function validateBaseUrl(url: string): string {
  const refuse = (why: string): ApiError => new ApiError('base_url', `base URL refused: ${why}`);
  const text = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw refuse('not a valid absolute URL');
  }
  if (parsed.username || parsed.password || /^[a-z][a-z0-9+.-]*:\/*[^/]*@/i.test(text)) throw refuse('it contains user-info (user:password@)');
  // A bare `?` or `#` leaves search/hash empty, so the raw text is checked.
  if (text.includes('?') || text.includes('#')) throw refuse('it contains a query (?) or a fragment (#)');
  const loopback = LOOPBACK_HOSTS.has(parsed.hostname.toLowerCase());
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw refuse(`${parsed.protocol} is not https (http is allowed only for 127.0.0.1, localhost or [::1])`);
  }
  return parsed.toString().replace(/\/+$/, '');
}

function invalidQuery(message: string): ApiError {
  return new ApiError('invalid_query', message);
}

/** Refuses, before anything is sent, a query the endpoint would not take. Throws an ApiError `invalid_query`. */
export function validateQuery(q: UsageQuery): void {
  const spec = Object.hasOwn(ENDPOINTS, q.endpoint) ? ENDPOINTS[q.endpoint] : undefined;
  if (!spec) throw invalidQuery('unknown endpoint');
  const name = `${spec.title} (GET ${spec.path})`;
  const width = q.bucketWidth ?? '1d';
  if (!spec.widths.includes(width)) {
    throw invalidQuery(`${name} does not take bucket_width=${width}; allowed: ${spec.widths.join(', ')}.`);
  }
  for (const g of q.groupBy ?? []) {
    if (!spec.groupBy.includes(g)) {
      throw invalidQuery(`${name} cannot group_by=${g}; allowed: ${spec.groupBy.join(', ')}.`);
    }
  }
  for (const filter of Object.keys(FILTER_PARAMS) as FilterName[]) {
    const value = q[filter];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    if (!spec.filters.includes(filter)) {
      const allowed = spec.filters.map((f) => FILTER_PARAMS[f]).join(', ');
      throw invalidQuery(`${name} cannot be filtered by ${FILTER_PARAMS[filter]}; allowed filters: ${allowed}.`);
    }
    if (Array.isArray(value) && value.some((v) => typeof v !== 'string' || v === '')) {
      throw invalidQuery(`${name}: every ${FILTER_PARAMS[filter]} value must be a non-empty string.`);
    }
  }
  const badLevel = q.contextLevels?.find((l) => !(CONTEXT_LEVELS as readonly string[]).includes(l));
  if (badLevel !== undefined) {
    throw new ApiError('invalid_query', `${name}: context_levels takes ${CONTEXT_LEVELS.join(', ')}; got "${badLevel}".`);
  }
  const max = spec.maxLimit[width] ?? 1;
  if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > max)) {
    throw invalidQuery(`${name} takes limit 1..${max} for bucket_width=${width}; got ${q.limit}.`);
  }
  if (!Number.isInteger(q.startTime) || q.startTime < 0) {
    throw invalidQuery(`${name}: start_time must be whole Unix seconds; got ${q.startTime}.`);
  }
  if (q.endTime !== undefined) {
    if (!Number.isInteger(q.endTime)) {
      throw invalidQuery(`${name}: end_time must be whole Unix seconds; got ${q.endTime}.`);
    }
    if (q.startTime >= q.endTime) {
      throw invalidQuery(`${name}: start_time (${q.startTime}) must be before end_time (${q.endTime}).`);
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
  for (const [name, value] of filterParams(q)) p.append(name, value);
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
  /**
   * Buckets one request may ask for, per query shape (everything but the times), learned from
   * answers over the body cap: the next query of that shape asks for windows that fit at once.
   */
  private readonly fits = new Map<string, number>();
  private projectCache: { readonly at: number; readonly projects: readonly Project[] } | undefined;
  private projectGeneration = 0;

  constructor(options: UsageClientOptions) {
    this.baseUrl = validateBaseUrl(options.baseUrl);
    checkKeyCharacters(options.apiKey);
    this.apiKey = options.apiKey;
    this.http = {
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
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

  // --- names and budgets (src/api/admin.ts does the work; cents stay cents) -------------------

  /** One request of the names/budgets endpoints, through the same limiter, retries and logging. */
  private readonly send: Transport = async (method, path, options) => {
    const http = options.retry === false ? { ...this.http, maxRetries: 0 } : this.http;
    const res = await this.limiter(() =>
      getJson(
        {
          baseUrl: this.baseUrl,
          path,
          apiKey: this.apiKey,
          method,
          ...(options.body === undefined ? {} : { body: options.body }),
          ...(options.signal ? { signal: options.signal } : {}),
        },
        http,
      ),
    );
    return res.body;
  };

  /** Users, admin keys and every project's keys, each part failing on its own (e.g. a 403). */
  async names(signal?: AbortSignal): Promise<NameDirectory> {
    return admin.fetchNameDirectory(this.send, (s) => this.projects(s), signal);
  }

  async projectApiKeys(projectId: string, signal?: AbortSignal): Promise<ListResult<ApiKeyInfo>> {
    return admin.listProjectApiKeys(this.send, projectId, signal);
  }

  async adminApiKeys(signal?: AbortSignal): Promise<ListResult<ApiKeyInfo>> {
    return admin.listAdminApiKeys(this.send, signal);
  }

  async users(signal?: AbortSignal): Promise<ListResult<UserInfo>> {
    return admin.listUsers(this.send, signal);
  }

  /** The hard spend limit of the organisation (`{}`) or a project; null when none is set. */
  async getSpendLimit(scope: BudgetScope, signal?: AbortSignal): Promise<SpendLimit | null> {
    return admin.getSpendLimit(this.send, scope, signal);
  }

  async setSpendLimit(scope: BudgetScope, input: SpendLimitInput, signal?: AbortSignal): Promise<SpendLimit> {
    return admin.setSpendLimit(this.send, scope, input, signal);
  }

  async deleteSpendLimit(scope: BudgetScope, signal?: AbortSignal): Promise<void> {
    return admin.deleteSpendLimit(this.send, scope, signal);
  }

  async listSpendAlerts(scope: BudgetScope, signal?: AbortSignal): Promise<SpendAlert[]> {
    return admin.listSpendAlerts(this.send, scope, signal);
  }

  async getSpendAlert(scope: BudgetScope, alertId: string, signal?: AbortSignal): Promise<SpendAlert> {
    return admin.getSpendAlert(this.send, scope, alertId, signal);
  }

  async createSpendAlert(scope: BudgetScope, input: SpendAlertInput, signal?: AbortSignal): Promise<SpendAlert> {
    return admin.createSpendAlert(this.send, scope, input, signal);
  }

  async updateSpendAlert(scope: BudgetScope, alertId: string, input: SpendAlertInput, signal?: AbortSignal): Promise<SpendAlert> {
    return admin.updateSpendAlert(this.send, scope, alertId, input, signal);
  }

  async deleteSpendAlert(scope: BudgetScope, alertId: string, signal?: AbortSignal): Promise<void> {
    return admin.deleteSpendAlert(this.send, scope, alertId, signal);
  }

  private async fetchAll(q: ResolvedQuery, signal: AbortSignal): Promise<UsageBucket[]> {
    // One failing window cancels its siblings instead of letting them run on.
    const siblings = new AbortController();
    const combined = AbortSignal.any([signal, siblings.signal]);
    // Every window's requests listen to it: a long range in windows that fit the body cap is many.
    setMaxListeners(0, combined);
    const shape = shapeKey(q);
    const limit = Math.min(q.limit, this.fits.get(shape) ?? q.limit);
    const windows = splitWindows(q.startTime, q.endTime, q.bucketWidth, limit);
    const http: HttpOptions = { ...this.http, retryBudget: createRetryBudget(QUERY_RETRY_BUDGET + windows.length) };
    try {
      const parts = await Promise.all(
        windows.map((w) =>
          this.fetchWindowThatFits({ ...q, startTime: w.startTime, endTime: w.endTime, limit }, http, combined, shape).catch((e: unknown) => {
            siblings.abort();
            throw e;
          }),
        ),
      );
      const all = parts.flat().sort((a, b) => a.startTime - b.startTime);
      // Windows are disjoint and each was checked, so this only catches a bucket two windows share.
      for (let i = 1; i < all.length; i++) {
        const b = all[i] as UsageBucket;
        if (b.startTime === (all[i - 1] as UsageBucket).startTime) {
          throw responseShapeError(`GET ${ENDPOINTS[q.endpoint].path}`, `bucket ${b.startTime} came twice (in two windows)`);
        }
      }
      return all;
    } finally {
      siblings.abort();
    }
  }

  /**
   * One window; when its pages come back over the body cap (a big organisation's month of
   * completions, say), the window is halved and each half asked for on its own, down to one
   * bucket a request, so every response stays under the cap. The size that fits is kept for the
   * next query of the same shape.
   */
  private async fetchWindowThatFits(q: ResolvedQuery, http: HttpOptions, signal: AbortSignal, shape: string): Promise<UsageBucket[]> {
    try {
      return await this.fetchWindow(q, http, signal);
    } catch (e) {
      const width = WIDTH_SECONDS[q.bucketWidth];
      const buckets = Math.ceil((q.endTime - q.startTime) / width);
      if (!isApiError(e) || e.code !== 'body_too_large' || buckets <= 1) throw e;
      const middle = q.startTime + Math.floor(buckets / 2) * width;
      this.fits.set(shape, Math.min(this.fits.get(shape) ?? buckets, Math.floor(buckets / 2)));
      // One half after the other: a server whose every answer is too large fails after a few
      // requests (one path down to a single bucket), not after one request per bucket.
      const first = await this.fetchWindowThatFits({ ...q, endTime: middle, limit: Math.min(q.limit, Math.floor(buckets / 2)) }, http, signal, shape);
      const second = await this.fetchWindowThatFits({ ...q, startTime: middle, limit: Math.min(q.limit, buckets - Math.floor(buckets / 2)) }, http, signal, shape);
      return [...first, ...second];
    }
  }

  /**
   * Follows `next_page` to the end of one window. Every bucket is checked before it is kept: inside
   * the window, `end_time` after `start_time`, never twice. A cursor seen before, `has_more` without
   * a cursor, or more pages than the window can hold are response-shape errors, never partial data.
   */
  private async fetchWindow(q: ResolvedQuery, http: HttpOptions, signal: AbortSignal): Promise<UsageBucket[]> {
    const spec = ENDPOINTS[q.endpoint];
    const what = `GET ${spec.path}`;
    const buckets: UsageBucket[] = [];
    const starts = new Set<number>();
    const cursors = new Set<string>();
    // A page holds at least one bucket of the window, so there are never more pages than buckets
    // (+1 for a last, empty page).
    const maxPages = Math.ceil((q.endTime - q.startTime) / WIDTH_SECONDS[q.bucketWidth]) + 1;
    let cursor: string | undefined;
    for (let pages = 1; ; pages++) {
      const path = `${spec.path}?${buildQueryParams(q, cursor).toString()}`;
      const res = await this.limiter(() => getJson({ baseUrl: this.baseUrl, path, apiKey: this.apiKey, signal }, http));
      const page = parseUsagePageFast(q.endpoint, res.body, what);
      const requestId = res.requestId ? { requestId: res.requestId } : {};
      for (const b of page.buckets) {
        if (b.endTime <= b.startTime) throw responseShapeError(what, `bucket ${b.startTime} ends at ${b.endTime}, not after it starts`, requestId);
        // A bucket that holds the window's start counts (the API aligns buckets to their width).
        if (b.endTime <= q.startTime || b.startTime >= q.endTime) {
          throw responseShapeError(what, `bucket ${b.startTime} is outside the window asked for [${q.startTime}, ${q.endTime})`, requestId);
        }
        if (starts.has(b.startTime)) throw responseShapeError(what, `bucket ${b.startTime} came twice`, requestId);
        starts.add(b.startTime);
        buckets.push(b);
      }
      if (!page.hasMore) return buckets;
      const next = page.nextPage;
      if (!next) throw responseShapeError(what, 'has_more is true but next_page is missing', requestId);
      if (next === cursor || cursors.has(next)) throw responseShapeError(what, 'next_page repeats an earlier cursor (a paging cycle)', requestId);
      if (pages >= maxPages) throw responseShapeError(what, `more than ${maxPages} pages for a window of that many buckets`, requestId);
      cursors.add(next);
      cursor = next;
    }
  }

  private async fetchProjects(signal: AbortSignal): Promise<Project[]> {
    const what = 'GET /organization/projects';
    const projects: Project[] = [];
    const ids = new Set<string>();
    const cursors = new Set<string>();
    const http: HttpOptions = { ...this.http, retryBudget: createRetryBudget(QUERY_RETRY_BUDGET) };
    let after: string | undefined;
    for (let pages = 1; ; pages++) {
      const p = new URLSearchParams({ limit: String(PROJECTS_PAGE_LIMIT), include_archived: 'true' });
      if (after !== undefined) p.set('after', after);
      const path = `/organization/projects?${p.toString()}`;
      const res = await this.limiter(() => getJson({ baseUrl: this.baseUrl, path, apiKey: this.apiKey, signal }, http));
      const page = parseProjectsPage(res.body, what);
      for (const project of page.projects) {
        if (ids.has(project.id)) throw responseShapeError(what, `project ${project.id.slice(0, 60)} came twice`);
        ids.add(project.id);
        projects.push(project);
      }
      if (!page.hasMore) return projects;
      if (!page.lastId) throw responseShapeError(what, 'has_more is true but there is no last_id to continue after');
      if (cursors.has(page.lastId)) throw responseShapeError(what, 'last_id repeats an earlier cursor (a paging cycle)');
      if (pages >= MAX_PROJECT_PAGES) throw responseShapeError(what, `more than ${MAX_PROJECT_PAGES} pages`);
      cursors.add(page.lastId);
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
    sorted(q.vectorStoreIds),
    sorted(q.contextLevels),
  ]);
}

/** A query's shape: everything that decides how large an answer is per bucket (not the times). */
function shapeKey(q: ResolvedQuery): string {
  return queryKey({ ...q, startTime: 0, endTime: 0, limit: 0 });
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
