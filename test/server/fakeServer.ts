// A loopback fake of the OpenAI Usage & Costs API: a real node:http server on 127.0.0.1 that
// answers every endpoint of the table and /organization/projects in the API's JSON shape, with the
// API's rules (limit default 7, 400s, 401/403) and switchable faults for every quirk of SPEC §1.
// It also serves the names (project keys, admin keys, users; paged with `after`) and budgets
// (spend limits and alerts, kept in memory: a POST changes what a GET then returns). Array
// parameters are taken as repeated keys and in the `key[]=` form the official SDK sends.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CONTEXT_LEVELS, ENDPOINTS, ENDPOINT_IDS, FILTER_PARAMS, WIDTH_SECONDS } from '../../src/shared/endpoints';
import { createSampleOrg } from '../../src/usage/sample';
import type {
  ApiKeyInfo,
  BucketWidth,
  Dimension,
  EndpointSpec,
  FilterName,
  Project,
  SpendAlert,
  SpendLimit,
  UsageBucket,
  UsageQuery,
  UsageRow,
  UserInfo,
} from '../../src/shared/endpoints';

/** The names a provider serves (project keys carry their `projectId`). */
export interface FakeNames {
  readonly apiKeys: readonly ApiKeyInfo[];
  readonly adminKeys: readonly ApiKeyInfo[];
  readonly users: readonly UserInfo[];
}

/** Budgets at start, keyed by scope: `''` is the organisation, else a project id. */
export interface FakeBudgets {
  readonly spendLimits: ReadonlyMap<string, SpendLimit>;
  readonly spendAlerts: ReadonlyMap<string, readonly SpendAlert[]>;
}

/** What the server serves: the sample organisation (src/usage/sample.ts) has this shape. */
export interface FakeDataProvider {
  querySync(q: UsageQuery): UsageBucket[];
  readonly projectList: readonly Project[];
  /** Without it the name lists are empty. */
  namesSync?(): FakeNames;
  /** Without it no budget is set at start. */
  budgetsSync?(): FakeBudgets;
}

/**
 * A part of the names/budgets surface a key may be denied (403): `api_keys` for every project,
 * `api_keys:<project id>` for one.
 */
export type FakeForbiddenPart = 'users' | 'admin_api_keys' | 'api_keys' | 'spend_limit' | 'spend_alerts' | `api_keys:${string}`;

/** Switch these at any time; counters count down as they fire. */
export interface FakeFaults {
  /** Answer 429 this many times. */
  rateLimit: number;
  /** `Retry-After` sent with 429/5xx (seconds or an HTTP date); undefined = not sent. */
  retryAfter: string | undefined;
  /** `retry-after-ms` sent with 429/5xx; undefined = not sent. */
  retryAfterMs: string | undefined;
  /** Answer `serverErrorStatus` this many times. */
  serverError: number;
  serverErrorStatus: number;
  /** Destroy the socket without answering, this many times. */
  reset: number;
  /** Wait this long before answering. */
  delayMs: number;
  /** Answer 200 with truncated JSON. */
  malformedJson: boolean;
  /** Bucket results under `result` (the reference's name) instead of `results`. */
  legacyResultKey: boolean;
  /** Every metric and amount.value as a numeric string. */
  stringNumbers: boolean;
  /** Extra fields everywhere and a result of an unknown `object` kind in every bucket. */
  unknownFields: boolean;
  /** Raw JSON token put in place of the first metric of the first result (e.g. `1e999`, `"abc"`). */
  badNumber: string | undefined;
  /** `has_more` forever, `next_page` = the request's own cursor. */
  repeatCursor: boolean;
  /** Serve at most this many buckets per page, below `limit` (forces `next_page` walking). */
  pageSize: number | undefined;
  /** Status of a project key (`sk-proj-…`): the API has answered both 401 and 403. */
  projectKeyStatus: 401 | 403;
  /** Parts of names/budgets answered 403 (a key with usage scope but not this one). */
  forbidden: FakeForbiddenPart[];
  // ---- paging, body and transport faults (issue 8) ----
  /** Answer every Nth request with `serverErrorStatus` (0 = never); counts every request. */
  serverErrorEvery: number;
  /** Text of the `error.message` of 429/5xx answers; undefined = the API's usual text. */
  errorMessage: string | undefined;
  /** Answer 302 to this Location. */
  redirectTo: string | undefined;
  /** Answer 200 with a JSON body of this many bytes, streamed; stops when the client goes away. */
  hugeBodyBytes: number | undefined;
  /** Answer with a body of `hugeBodyBytes` only when the window asked for holds more buckets than this (pages of a big organisation). */
  hugeOverBuckets: number | undefined;
  /** The first bucket of every page comes twice in that page. */
  duplicateBucket: boolean;
  /** Each next page starts one bucket early, so it repeats the previous page's last bucket. */
  overlapPages: boolean;
  /** A bucket from before `start_time` is put first on the first page. */
  bucketOutsideWindow: boolean;
  /** The first bucket of every page ends where it starts. */
  badBucketEnd: boolean;
  /** After the first page, cursors go A → B → A… over empty pages, `has_more` forever. */
  cursorCycle: boolean;
  /** `has_more: true` with `next_page: null` on the first page. */
  moreWithoutCursor: boolean;
  /** After the first page, a fresh cursor on every empty page, `has_more` forever. */
  endlessCursors: boolean;
  /** Currency sent on every cost row (default `usd`). */
  currency: string | undefined;
  /** The projects list pages forever, a new project and cursor on each page. */
  endlessProjects: boolean;
  /** Paths below the base URL (e.g. `/organization/usage/images`) answered `failPathStatus`, every time. */
  failPaths: string[];
  failPathStatus: number;
  /** Take the request and never answer it (until the client goes away). */
  neverAnswer: boolean;
}

export interface RequestRecord {
  readonly method: string;
  /** Path below the base URL, e.g. `/organization/costs`. */
  readonly path: string;
  /** Array parameters under their plain name, whether sent as `k=…` or `k[]=…`. */
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** The query string exactly as sent (to see which array form a client used). */
  readonly search: string;
  /** Whether an Authorization header came; the key itself is never stored. */
  readonly hadAuth: boolean;
  status?: number;
  /** Body bytes written for a `hugeBodyBytes` answer (fewer than asked when the client hung up). */
  bytesSent?: number;
  /** performance.now() when the request arrived and when its answer was sent (round-trip counting). */
  readonly startedAt: number;
  endedAt?: number;
}

export interface FakeServer {
  /** Base URL including `/v1`. */
  readonly url: string;
  readonly faults: FakeFaults;
  readonly requests: RequestRecord[];
  /** Most requests seen in flight at once since the last `resetStats()`. */
  readonly maxConcurrent: number;
  resetStats(): void;
  /** The admin keys the server accepts (default `sk-admin-test-fake-0000`). */
  setKeys(...adminKeys: string[]): void;
  /** Stop accepting connections (requests fail with ECONNREFUSED) / accept them again. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  /** Default: the sample organisation (`createSampleOrg({ now })`). */
  readonly data?: FakeDataProvider;
  readonly adminKeys?: readonly string[];
  /** Clock for a missing `end_time` (ms). Default Date.now. */
  readonly now?: () => number;
  /**
   * Keep every 200 body by URL and answer it again without rebuilding it (the benchmark: a fake
   * busy building a 50 MB page would hold up the other answers and blur the round trips).
   */
  readonly cacheBodies?: boolean;
}

export const FAKE_ADMIN_KEY = 'sk-admin-test-fake-0000';
export const FAKE_PROJECT_KEY = 'sk-proj-test-fake-0000';

const DEFAULT_FAULTS: FakeFaults = {
  rateLimit: 0,
  retryAfter: undefined,
  retryAfterMs: undefined,
  serverError: 0,
  serverErrorStatus: 500,
  reset: 0,
  delayMs: 0,
  malformedJson: false,
  legacyResultKey: false,
  stringNumbers: false,
  unknownFields: false,
  badNumber: undefined,
  repeatCursor: false,
  pageSize: undefined,
  projectKeyStatus: 403,
  forbidden: [],
  serverErrorEvery: 0,
  errorMessage: undefined,
  redirectTo: undefined,
  hugeBodyBytes: undefined,
  hugeOverBuckets: undefined,
  duplicateBucket: false,
  overlapPages: false,
  bucketOutsideWindow: false,
  badBucketEnd: false,
  cursorCycle: false,
  moreWithoutCursor: false,
  endlessCursors: false,
  currency: undefined,
  endlessProjects: false,
  failPaths: [],
  failPathStatus: 500,
  neverAnswer: false,
};

const BAD_NUMBER_MARK = '__fake_bad_number__';

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
  ) {
    super(message);
  }
}

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  // Arrays are copied so one server's switches never leak into the defaults of the next.
  const faults: FakeFaults = { ...DEFAULT_FAULTS, forbidden: [], failPaths: [] };
  const requests: RequestRecord[] = [];
  let adminKeys = new Set(options.adminKeys ?? [FAKE_ADMIN_KEY]);
  const bodyCache = new Map<string, string>();
  let inFlight = 0;
  let maxConcurrent = 0;
  let served = 0;
  const now = options.now ?? Date.now;
  const data: FakeDataProvider = options.data ?? createSampleOrg({ now });
  const budgets = initialBudgets(data);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query: Record<string, string[]> = {};
    // The official SDK sends arrays as `group_by[]=a`; the API takes that and repeated keys alike.
    for (const [k, v] of url.searchParams) (query[k.replace(/\[\]$/, '')] ??= []).push(v);
    const auth = req.headers.authorization;
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname.replace(/^\/v1/, ''),
      query,
      search: url.search,
      hadAuth: !!auth,
      startedAt: performance.now(),
    };
    const bodyText = record.method === 'POST' ? await readBody(req) : '';
    requests.push(record);
    inFlight++;
    maxConcurrent = Math.max(maxConcurrent, inFlight);
    try {
      if (faults.delayMs > 0) await delay(faults.delayMs);
      if (faults.neverAnswer) {
        record.status = 0;
        await new Promise<void>((resolve) => req.socket.once('close', () => resolve()));
        return;
      }
      if (faults.reset > 0) {
        faults.reset--;
        record.status = 0;
        req.socket.destroy();
        return;
      }
      if (faults.hugeBodyBytes !== undefined && adminKeys.has(/^Bearer\s+(\S+)$/i.exec(auth ?? '')?.[1] ?? '') && windowBuckets(url) > (faults.hugeOverBuckets ?? 0)) {
        record.status = 200;
        record.bytesSent = await sendHuge(res, faults.hugeBodyBytes);
        return;
      }
      const cacheKey = options.cacheBodies && auth && faults.malformedJson === false && record.method === 'GET' ? `${req.url ?? ''}|${auth}` : undefined;
      const cached = cacheKey === undefined ? undefined : bodyCache.get(cacheKey);
      const { status, body, headers } = cached === undefined ? respond(record, auth, bodyText) : { status: 200, body: cached, headers: undefined };
      if (cacheKey !== undefined && status === 200) bodyCache.set(cacheKey, body);
      record.status = status;
      send(res, status, body, headers);
    } finally {
      inFlight--;
      record.endedAt = performance.now();
    }
  };

  const respond = (
    record: RequestRecord,
    auth: string | undefined,
    bodyText = '',
  ): { status: number; body: string; headers?: Record<string, string> } => {
    try {
      checkAuth(auth, adminKeys, faults.projectKeyStatus);
      if (faults.rateLimit > 0) {
        faults.rateLimit--;
        throw new HttpError(429, faults.errorMessage ?? 'Rate limit reached for requests.', 'requests');
      }
      served++;
      if (faults.serverError > 0 || (faults.serverErrorEvery > 0 && served % faults.serverErrorEvery === 0)) {
        if (faults.serverError > 0) faults.serverError--;
        throw new HttpError(faults.serverErrorStatus, faults.errorMessage ?? 'The server had an error while processing your request.', 'server_error');
      }
      if (faults.redirectTo !== undefined) return { status: 302, body: '', headers: { location: faults.redirectTo } };
      if (faults.failPaths.includes(record.path)) throw new HttpError(faults.failPathStatus, faults.errorMessage ?? `This endpoint failed (fake fault on ${record.path}).`, 'server_error');
      const adminBody = adminResponse(record, bodyText, data, budgets, faults);
      if (adminBody !== undefined) return { status: 200, body: adminBody };
      if (record.method !== 'GET') throw new HttpError(405, `Method ${record.method} not allowed.`);
      const body =
        record.path === '/organization/projects'
          ? faults.endlessProjects
            ? endlessProjectsPage(record.query)
            : projectsPage(data.projectList, record.query)
          : usagePage(endpointForPath(record.path), record.query, data, faults, now);
      if (faults.malformedJson) return { status: 200, body: body.slice(0, Math.max(1, Math.floor(body.length / 2))) };
      return { status: 200, body };
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      const headers: Record<string, string> = {};
      if (e.status === 429 || e.status >= 500) {
        if (faults.retryAfter !== undefined) headers['retry-after'] = faults.retryAfter;
        if (faults.retryAfterMs !== undefined) headers['retry-after-ms'] = faults.retryAfterMs;
      }
      const body = JSON.stringify({ error: { message: e.message, type: e.type, param: null, code: null } });
      return { status: e.status, body, headers };
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ error: { message: `fake server bug: ${String(e)}` } }));
    });
  });
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    faults,
    requests,
    get maxConcurrent(): number {
      return maxConcurrent;
    },
    resetStats(): void {
      requests.length = 0;
      maxConcurrent = inFlight;
    },
    setKeys(...keys: string[]): void {
      adminKeys = new Set(keys);
    },
    async down(): Promise<void> {
      await closeServer(server);
    },
    async up(): Promise<void> {
      if (!server.listening) await listen(server, port);
    },
    async close(): Promise<void> {
      await closeServer(server);
    },
  };
}

function checkAuth(auth: string | undefined, adminKeys: ReadonlySet<string>, projectKeyStatus: 401 | 403): void {
  const key = /^Bearer\s+(\S+)$/i.exec(auth ?? '')?.[1];
  if (!key) throw new HttpError(401, "You didn't provide an API key.");
  if (adminKeys.has(key)) return;
  if (key.startsWith('sk-proj-')) {
    throw new HttpError(
      projectKeyStatus,
      'You have insufficient permissions for this operation. Missing scopes: api.usage.read. Check that you have the correct role in your organization.',
    );
  }
  // The real API echoes (part of) the key; the full one here makes the client's redaction provable.
  throw new HttpError(401, `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`);
}

function endpointForPath(path: string): EndpointSpec {
  const spec = ENDPOINT_IDS.map((id) => ENDPOINTS[id]).find((e) => e.path === path);
  if (!spec) throw new HttpError(404, `Invalid URL (GET /v1${path})`);
  return spec;
}

/** Parses and checks a usage request the way the API does, into a UsageQuery. */
function parseUsageQuery(spec: EndpointSpec, q: Record<string, readonly string[]>, now: () => number): UsageQuery {
  const one = (name: string): string | undefined => q[name]?.[0];
  const width = (one('bucket_width') ?? '1d') as BucketWidth;
  if (!spec.widths.includes(width)) throw new HttpError(400, `Invalid value for 'bucket_width': ${width}.`);
  const startTime = toInt(one('start_time'), 'start_time');
  if (startTime === undefined) throw new HttpError(400, "Missing required parameter: 'start_time'.");
  const w = WIDTH_SECONDS[width];
  const endTime = toInt(one('end_time'), 'end_time') ?? Math.ceil(now() / 1000 / w) * w;
  // Like the real API: no limit means 7 buckets.
  const limit = toInt(one('limit'), 'limit') ?? 7;
  const max = spec.maxLimit[width] ?? 0;
  if (limit < 1 || limit > max) throw new HttpError(400, `Invalid 'limit': must be between 1 and ${max} for bucket_width=${width}.`);
  // The official SDK sends arrays as `group_by[]=…`; the API takes both spellings.
  const groupBy = (q.group_by ?? q['group_by[]'] ?? []) as Dimension[];
  for (const g of groupBy) {
    if (!spec.groupBy.includes(g)) throw new HttpError(400, `Invalid value for 'group_by': ${g}.`);
  }
  const query: Record<string, unknown> = { endpoint: spec.id, startTime, endTime, bucketWidth: width, limit, groupBy };
  for (const name of Object.keys(FILTER_PARAMS) as FilterName[]) {
    const values = q[FILTER_PARAMS[name]] ?? q[`${FILTER_PARAMS[name]}[]`];
    if (!values) continue;
    if (!spec.filters.includes(name)) throw new HttpError(400, `Unrecognized request argument supplied: ${FILTER_PARAMS[name]}.`);
    if (name === 'contextLevels' && values.some((v) => !(CONTEXT_LEVELS as readonly string[]).includes(v))) {
      throw new HttpError(400, "Invalid value for 'context_levels'.");
    }
    if (name === 'batch') {
      if (values[0] !== 'true' && values[0] !== 'false') throw new HttpError(400, "Invalid value for 'batch'.");
      query.batch = values[0] === 'true';
    } else query[name] = [...values];
  }
  return query as unknown as UsageQuery;
}

function usagePage(
  spec: EndpointSpec,
  params: Record<string, readonly string[]>,
  data: FakeDataProvider,
  faults: FakeFaults,
  now: () => number,
): string {
  const q = parseUsageQuery(spec, params, now);
  const cursor = params.page?.[0];
  const w = WIDTH_SECONDS[q.bucketWidth ?? '1d'];
  const end = q.endTime as number;
  const limit = q.limit as number;
  // The cycling and endless cursors are not positions: their pages are empty.
  const synthetic = cursor !== undefined && (cursor.startsWith('cycle-') || cursor.startsWith('endless-'));
  const pageStart = cursor === undefined || synthetic ? q.startTime : decodeCursor(cursor);
  const perPage = Math.min(limit, faults.pageSize ?? limit);
  const pageEnd = Math.min(end, pageStart + perPage * w);
  let buckets: UsageBucket[] = [];
  try {
    if (pageStart < end && !synthetic) buckets = data.querySync({ ...q, startTime: pageStart, endTime: pageEnd });
  } catch (e) {
    // The provider refuses what the API would refuse (SampleQueryError carries status 400).
    if (e instanceof Error && (e as { status?: unknown }).status === 400) throw new HttpError(400, e.message);
    throw e;
  }
  let hasMore = pageEnd < end;
  let next: string | null = hasMore ? encodeCursor(faults.overlapPages ? pageEnd - w : pageEnd) : null;
  if (faults.cursorCycle) {
    hasMore = true;
    next = cursor === 'cycle-a' ? 'cycle-b' : 'cycle-a';
  }
  if (faults.endlessCursors) {
    hasMore = true;
    next = `endless-${Number(cursor?.slice('endless-'.length) ?? 0) + 1}`;
  }
  if (faults.moreWithoutCursor && cursor === undefined) {
    hasMore = true;
    next = null;
  }
  if (buckets[0] && faults.duplicateBucket) buckets = [buckets[0], ...buckets];
  if (buckets[0] && faults.badBucketEnd) buckets = [{ ...buckets[0], endTime: buckets[0].startTime }, ...buckets.slice(1)];
  if (faults.bucketOutsideWindow && cursor === undefined) buckets = [{ startTime: q.startTime - w, endTime: q.startTime, rows: [] }, ...buckets];

  const resultsKey = faults.legacyResultKey ? 'result' : 'results';
  const extra = faults.unknownFields ? { x_future_field: { nested: [1, 2] } } : {};
  let badNumberPending = faults.badNumber !== undefined;
  const page = {
    object: 'page',
    data: buckets.map((b) => {
      const results: Record<string, unknown>[] = b.rows.map((row) => {
        const r: Record<string, unknown> = { ...serializeRow(spec, row, q.groupBy ?? [], faults.stringNumbers, faults.currency), ...extra };
        if (badNumberPending && spec.metrics[0] !== undefined) {
          badNumberPending = false;
          if (spec.id === 'costs') r.amount = { value: BAD_NUMBER_MARK, currency: 'usd' };
          else r[spec.metrics[0]] = BAD_NUMBER_MARK;
        }
        return r;
      });
      if (faults.unknownFields) results.push({ object: 'organization.usage.future_kind.result', widgets: 3, project_id: null });
      return { object: 'bucket', start_time: b.startTime, end_time: b.endTime, [resultsKey]: results, ...extra };
    }),
    has_more: faults.repeatCursor ? true : hasMore,
    next_page: faults.repeatCursor ? (cursor ?? encodeCursor(pageEnd)) : next,
    ...extra,
  };
  const text = JSON.stringify(page);
  return faults.badNumber === undefined ? text : text.replace(`"${BAD_NUMBER_MARK}"`, faults.badNumber);
}

/** One result in the API's shape: its `object`, every metric, every grouping field (null when not grouped). */
function serializeRow(spec: EndpointSpec, row: UsageRow, groupBy: readonly Dimension[], asStrings: boolean, currency?: string): Record<string, unknown> {
  const num = (v: number): number | string => (asStrings ? String(v) : v);
  const out: Record<string, unknown> = { object: spec.resultObject };
  if (spec.id === 'costs') {
    out.amount = { value: num(row.values.amount ?? 0), currency: currency ?? row.currency ?? 'usd' };
    out.line_item = groupBy.includes('line_item') ? (row.dims.line_item ?? null) : null;
    out.project_id = groupBy.includes('project_id') ? (row.dims.project_id ?? null) : null;
    if (groupBy.includes('api_key_id')) out.api_key_id = row.dims.api_key_id ?? null;
    if (groupBy.includes('line_item')) {
      out.quantity = row.values.quantity === undefined ? null : num(row.values.quantity);
      out.quantity_unit = row.quantityUnit ?? null;
    }
    return out;
  }
  for (const m of spec.metrics) out[m] = num(row.values[m] ?? 0);
  for (const d of spec.groupBy) {
    const v = groupBy.includes(d) ? row.dims[d] : undefined;
    out[d] = v === undefined ? null : d === 'batch' ? v === 'true' : v;
  }
  return out;
}

function projectsPage(projects: readonly Project[], q: Record<string, readonly string[]>): string {
  const limit = toInt(q.limit?.[0], 'limit') ?? 20;
  if (limit < 1 || limit > 100) throw new HttpError(400, "Invalid 'limit': must be between 1 and 100.");
  const includeArchived = q.include_archived?.[0] === 'true';
  const visible = projects.filter((p) => includeArchived || p.status !== 'archived');
  const after = q.after?.[0];
  const from = after === undefined ? 0 : visible.findIndex((p) => p.id === after) + 1;
  if (after !== undefined && from === 0) throw new HttpError(400, `Invalid 'after': no project ${after}.`);
  const slice = visible.slice(from, from + limit);
  return JSON.stringify({
    object: 'list',
    data: slice.map((p) => ({
      id: p.id,
      object: 'organization.project',
      name: p.name,
      created_at: p.createdAt ?? 1_700_000_000,
      archived_at: p.status === 'archived' ? 1_710_000_000 : null,
      status: p.status,
    })),
    first_id: slice[0]?.id ?? null,
    last_id: slice.at(-1)?.id ?? null,
    has_more: from + limit < visible.length,
  });
}

// --- names and budgets ------------------------------------------------------------------------

interface BudgetState {
  readonly spendLimits: Map<string, SpendLimit>;
  readonly spendAlerts: Map<string, SpendAlert[]>;
  serial: number;
}

function initialBudgets(data: FakeDataProvider): BudgetState {
  const b = data.budgetsSync?.();
  return {
    spendLimits: new Map(b?.spendLimits ?? []),
    spendAlerts: new Map([...(b?.spendAlerts ?? [])].map(([k, v]) => [k, v.map((a) => ({ ...a }))])),
    serial: 0,
  };
}

const FORBIDDEN_MESSAGE = 'You have insufficient permissions for this operation. Missing scopes: api.management.read.';

/**
 * Answers the names and budgets endpoints (the body as text), or undefined for any other path.
 * Throws HttpError for 400/403/404/405.
 */
function adminResponse(
  record: RequestRecord,
  bodyText: string,
  data: FakeDataProvider,
  budgets: BudgetState,
  faults: FakeFaults,
): string | undefined {
  const { method, path, query } = record;
  const deny = (part: FakeForbiddenPart): void => {
    if (faults.forbidden.includes(part)) throw new HttpError(403, FORBIDDEN_MESSAGE);
  };
  const only = (...methods: string[]): void => {
    if (!methods.includes(method)) throw new HttpError(405, `Method ${method} not allowed.`);
  };
  const names = data.namesSync?.() ?? { apiKeys: [], adminKeys: [], users: [] };
  if (path === '/organization/users') {
    only('GET');
    deny('users');
    return listBody(names.users.map(userJson), query);
  }
  if (path === '/organization/admin_api_keys') {
    only('GET');
    deny('admin_api_keys');
    return listBody(names.adminKeys.map(adminKeyJson), query);
  }
  const m = /^\/organization(?:\/projects\/([^/]+))?\/(api_keys|spend_limit|spend_alerts)(?:\/([^/]+))?$/.exec(path);
  if (!m) return undefined;
  const projectId = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
  const kind = m[2] as 'api_keys' | 'spend_limit' | 'spend_alerts';
  const alertId = m[3] === undefined ? undefined : decodeURIComponent(m[3]);
  if (projectId !== undefined && !data.projectList.some((p) => p.id === projectId)) throw new HttpError(404, `No such project: ${projectId}.`);
  if (kind === 'api_keys') {
    if (projectId === undefined || alertId !== undefined) return undefined;
    only('GET');
    deny('api_keys');
    deny(`api_keys:${projectId}`);
    return listBody(names.apiKeys.filter((k) => k.projectId === projectId).map(projectKeyJson), query);
  }
  const scope = projectId ?? '';
  const prefix = projectId === undefined ? 'organization' : 'project';
  if (kind === 'spend_limit') {
    if (alertId !== undefined) return undefined;
    deny('spend_limit');
    if (method === 'GET') {
      const limit = budgets.spendLimits.get(scope);
      if (!limit) throw new HttpError(404, 'No hard spend limit is set.');
      return JSON.stringify(spendLimitJson(limit, prefix));
    }
    if (method === 'POST') {
      const body = parseBody(bodyText);
      const cents = wholeCents(body.threshold_amount, 1);
      checkCurrencyInterval(body);
      const limit: SpendLimit = { thresholdCents: cents, currency: 'USD', interval: 'month', enforcing: true, enforcementStatus: 'enforcing' };
      budgets.spendLimits.set(scope, limit);
      return JSON.stringify(spendLimitJson(limit, prefix));
    }
    only('DELETE');
    if (!budgets.spendLimits.delete(scope)) throw new HttpError(404, 'No hard spend limit is set.');
    return JSON.stringify({ object: `${prefix}.spend_limit.deleted`, deleted: true });
  }
  deny('spend_alerts');
  const alerts = budgets.spendAlerts.get(scope) ?? [];
  if (alertId === undefined) {
    if (method === 'GET') return listBody(alerts.map((a) => spendAlertJson(a, prefix)), query);
    only('POST');
    const alert = alertFromBody(`alert_fake_${++budgets.serial}`, parseBody(bodyText));
    budgets.spendAlerts.set(scope, [...alerts, alert]);
    return JSON.stringify(spendAlertJson(alert, prefix));
  }
  const existing = alerts.find((a) => a.id === alertId);
  if (!existing) throw new HttpError(404, `No such spend alert: ${alertId}.`);
  if (method === 'GET') return JSON.stringify(spendAlertJson(existing, prefix));
  if (method === 'POST') {
    const alert = alertFromBody(alertId, parseBody(bodyText));
    budgets.spendAlerts.set(scope, alerts.map((a) => (a.id === alertId ? alert : a)));
    return JSON.stringify(spendAlertJson(alert, prefix));
  }
  only('DELETE');
  budgets.spendAlerts.set(scope, alerts.filter((a) => a.id !== alertId));
  return JSON.stringify({ id: alertId, object: `${prefix}.spend_alert.deleted`, deleted: true });
}

/** A `{object:"list"}` page of items with an `id`, paged like the API: `limit` 1..100 (default 20), `after`. */
function listBody(items: readonly { readonly id: string }[], q: Record<string, readonly string[]>): string {
  const limit = toInt(q.limit?.[0], 'limit') ?? 20;
  if (limit < 1 || limit > 100) throw new HttpError(400, "Invalid 'limit': must be between 1 and 100.");
  const after = q.after?.[0];
  const from = after === undefined ? 0 : items.findIndex((p) => p.id === after) + 1;
  if (after !== undefined && from === 0) throw new HttpError(400, `Invalid 'after': no object ${after}.`);
  const slice = items.slice(from, from + limit);
  return JSON.stringify({
    object: 'list',
    data: slice,
    first_id: slice[0]?.id ?? null,
    last_id: slice.at(-1)?.id ?? null,
    has_more: from + limit < items.length,
  });
}

function userJson(u: UserInfo): { id: string } & Record<string, unknown> {
  return { object: 'organization.user', id: u.id, name: u.name, email: u.email ?? null, role: 'reader', added_at: 1_700_000_000 };
}

function projectKeyJson(k: ApiKeyInfo): { id: string } & Record<string, unknown> {
  const o = k.owner;
  const person = { id: o?.id ?? 'unknown', name: o?.name ?? '', created_at: 1_700_000_000, role: 'member' };
  const owner =
    o?.type === 'service_account' ? { type: 'service_account', service_account: person } : { type: 'user', user: { ...person, email: o?.email ?? '' } };
  return {
    object: 'organization.project.api_key',
    redacted_value: k.redactedValue,
    name: k.name,
    created_at: k.createdAt ?? 1_700_000_000,
    last_used_at: k.lastUsedAt ?? null,
    id: k.id,
    owner_project_access: 'active',
    owner,
  };
}

function adminKeyJson(k: ApiKeyInfo): { id: string } & Record<string, unknown> {
  const o = k.owner;
  return {
    object: 'organization.admin_api_key',
    id: k.id,
    name: k.name,
    redacted_value: k.redactedValue,
    created_at: k.createdAt ?? 1_700_000_000,
    expires_at: null,
    last_used_at: k.lastUsedAt ?? null,
    owner: {
      type: o?.type ?? 'user',
      object: o?.type === 'service_account' ? 'organization.service_account' : 'organization.user',
      id: o?.id ?? 'unknown',
      name: o?.name ?? '',
      created_at: 1_700_000_000,
      role: 'owner',
    },
  };
}

function spendLimitJson(l: SpendLimit, prefix: string): Record<string, unknown> {
  return {
    object: `${prefix}.spend_limit`,
    threshold_amount: l.thresholdCents,
    currency: l.currency,
    interval: l.interval,
    enforcement: { status: l.enforcementStatus },
  };
}

function spendAlertJson(a: SpendAlert, prefix: string): { id: string } & Record<string, unknown> {
  return {
    id: a.id,
    object: `${prefix}.spend_alert`,
    threshold_amount: a.thresholdCents,
    currency: a.currency,
    interval: a.interval,
    notification_channel: { type: 'email', recipients: [...a.recipients], subject_prefix: a.subjectPrefix ?? null },
  };
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'We could not parse the JSON body of your request.');
}

function wholeCents(v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new HttpError(400, `Invalid 'threshold_amount': an integer of cents >= ${min} is required.`);
  return v;
}

function checkCurrencyInterval(body: Record<string, unknown>): void {
  if (body.currency !== 'USD') throw new HttpError(400, "Invalid 'currency': only USD is supported.");
  if (body.interval !== 'month') throw new HttpError(400, "Invalid 'interval': only month is supported.");
}

function alertFromBody(id: string, body: Record<string, unknown>): SpendAlert {
  const cents = wholeCents(body.threshold_amount, 0);
  checkCurrencyInterval(body);
  const channel = body.notification_channel as { type?: unknown; recipients?: unknown; subject_prefix?: unknown } | undefined;
  if (!channel || channel.type !== 'email') throw new HttpError(400, "Invalid 'notification_channel': type must be email.");
  const recipients = channel.recipients;
  if (!Array.isArray(recipients) || recipients.length === 0 || recipients.some((r) => typeof r !== 'string')) {
    throw new HttpError(400, "Invalid 'notification_channel.recipients'.");
  }
  const prefix = typeof channel.subject_prefix === 'string' ? { subjectPrefix: channel.subject_prefix } : {};
  return { id, thresholdCents: cents, currency: 'USD', interval: 'month', recipients: recipients as string[], ...prefix };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A page of a project list with no end: one new project per page, `has_more` forever. */
function endlessProjectsPage(q: Record<string, readonly string[]>): string {
  const n = Number(/^proj_endless_(\d+)$/.exec(q.after?.[0] ?? '')?.[1] ?? 0) + 1;
  const id = `proj_endless_${n}`;
  return JSON.stringify({
    object: 'list',
    data: [{ id, object: 'organization.project', name: `Endless ${n}`, created_at: 1_700_000_000, archived_at: null, status: 'active' }],
    first_id: id,
    last_id: id,
    has_more: true,
  });
}

/**
 * Streams a 200 body of `bytes` bytes (a JSON page padded with spaces), honouring backpressure;
 * returns how many bytes were written before it ended or the client went away.
 */
async function sendHuge(res: ServerResponse, bytes: number): Promise<number> {
  res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_fake_${Math.random().toString(16).slice(2, 10)}` });
  const head = Buffer.from('{"object":"page","data":[],"has_more":false,"next_page":null');
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let sent = 0;
  const write = (buf: Buffer): Promise<boolean> =>
    new Promise((resolve) => {
      if (res.destroyed) return resolve(false);
      if (res.write(buf)) return resolve(true);
      const done = (ok: boolean) => (): void => {
        res.off('drain', onDrain);
        res.off('close', onClose);
        resolve(ok);
      };
      const onDrain = done(true);
      const onClose = done(false);
      res.once('drain', onDrain);
      res.once('close', onClose);
    });
  if (!(await write(head))) return sent;
  sent += head.length;
  while (sent < bytes - 1) {
    const piece = chunk.subarray(0, Math.min(chunk.length, bytes - 1 - sent));
    if (!(await write(piece))) return sent;
    sent += piece.length;
  }
  if (await write(Buffer.from('}'))) sent += 1;
  res.end();
  return sent;
}

function toInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new HttpError(400, `Invalid value for '${name}': expected an integer.`);
  return Number(v);
}

function encodeCursor(start: number): string {
  return Buffer.from(JSON.stringify({ s: start }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (v && typeof v === 'object' && 's' in v && typeof v.s === 'number') return v.s;
  } catch {
    // fall through
  }
  throw new HttpError(400, `Invalid 'page' cursor.`);
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-request-id': `req_fake_${Math.random().toString(16).slice(2, 10)}`,
    ...headers,
  });
  res.end(body);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets would otherwise keep answering (and keep close() waiting).
    server.closeAllConnections();
  });
}

/** Buckets in the window a request asks for (start_time, end_time, bucket_width), 1 when unknown. */
function windowBuckets(url: URL): number {
  const start = Number(url.searchParams.get('start_time'));
  const end = Number(url.searchParams.get('end_time'));
  const width = WIDTH_SECONDS[(url.searchParams.get('bucket_width') ?? '1d') as keyof typeof WIDTH_SECONDS] ?? 86_400;
  return Number.isFinite(start) && Number.isFinite(end) && end > start ? Math.ceil((end - start) / width) : 1;
}
