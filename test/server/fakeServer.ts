// A loopback fake of the OpenAI Usage & Costs API: a real node:http server on 127.0.0.1 that
// answers the 9 endpoints and /organization/projects in the API's JSON shape, with the API's
// rules (limit default 7, 400s, 401/403) and switchable faults for every quirk of SPEC §1.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ENDPOINTS, ENDPOINT_IDS, FILTER_PARAMS, WIDTH_SECONDS } from '../../src/shared/endpoints';
import { createSampleOrg } from '../../src/usage/sample';
import type {
  BucketWidth,
  Dimension,
  EndpointSpec,
  FilterName,
  Project,
  UsageBucket,
  UsageQuery,
  UsageRow,
} from '../../src/shared/endpoints';

/** What the server serves: the sample organisation (src/usage/sample.ts) has this shape. */
export interface FakeDataProvider {
  querySync(q: UsageQuery): UsageBucket[];
  readonly projectList: readonly Project[];
}

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
}

export interface RequestRecord {
  readonly method: string;
  /** Path below the base URL, e.g. `/organization/costs`. */
  readonly path: string;
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** Whether an Authorization header came; the key itself is never stored. */
  readonly hadAuth: boolean;
  status?: number;
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
  const faults: FakeFaults = { ...DEFAULT_FAULTS };
  const requests: RequestRecord[] = [];
  let adminKeys = new Set(options.adminKeys ?? [FAKE_ADMIN_KEY]);
  const bodyCache = new Map<string, string>();
  let inFlight = 0;
  let maxConcurrent = 0;
  const now = options.now ?? Date.now;
  const data: FakeDataProvider = options.data ?? createSampleOrg({ now });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
    const auth = req.headers.authorization;
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname.replace(/^\/v1/, ''),
      query,
      hadAuth: !!auth,
      startedAt: performance.now(),
    };
    requests.push(record);
    inFlight++;
    maxConcurrent = Math.max(maxConcurrent, inFlight);
    try {
      if (faults.delayMs > 0) await delay(faults.delayMs);
      if (faults.reset > 0) {
        faults.reset--;
        record.status = 0;
        req.socket.destroy();
        return;
      }
      const cacheKey = options.cacheBodies && auth && faults.malformedJson === false ? `${req.url ?? ''}|${auth}` : undefined;
      const cached = cacheKey === undefined ? undefined : bodyCache.get(cacheKey);
      const { status, body, headers } = cached === undefined ? respond(record, auth) : { status: 200, body: cached, headers: undefined };
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
  ): { status: number; body: string; headers?: Record<string, string> } => {
    try {
      checkAuth(auth, adminKeys, faults.projectKeyStatus);
      if (faults.rateLimit > 0) {
        faults.rateLimit--;
        throw new HttpError(429, 'Rate limit reached for requests.', 'requests');
      }
      if (faults.serverError > 0) {
        faults.serverError--;
        throw new HttpError(faults.serverErrorStatus, 'The server had an error while processing your request.', 'server_error');
      }
      if (record.method !== 'GET') throw new HttpError(405, `Method ${record.method} not allowed.`);
      const body =
        record.path === '/organization/projects'
          ? projectsPage(data.projectList, record.query)
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
  const pageStart = cursor === undefined ? q.startTime : decodeCursor(cursor);
  const perPage = Math.min(limit, faults.pageSize ?? limit);
  const pageEnd = Math.min(end, pageStart + perPage * w);
  let buckets: UsageBucket[] = [];
  try {
    if (pageStart < end) buckets = data.querySync({ ...q, startTime: pageStart, endTime: pageEnd });
  } catch (e) {
    // The provider refuses what the API would refuse (SampleQueryError carries status 400).
    if (e instanceof Error && (e as { status?: unknown }).status === 400) throw new HttpError(400, e.message);
    throw e;
  }
  const hasMore = pageEnd < end;
  const next = hasMore ? encodeCursor(pageEnd) : null;

  const resultsKey = faults.legacyResultKey ? 'result' : 'results';
  const extra = faults.unknownFields ? { x_future_field: { nested: [1, 2] } } : {};
  let badNumberPending = faults.badNumber !== undefined;
  const page = {
    object: 'page',
    data: buckets.map((b) => {
      const results: Record<string, unknown>[] = b.rows.map((row) => {
        const r: Record<string, unknown> = { ...serializeRow(spec, row, q.groupBy ?? [], faults.stringNumbers), ...extra };
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
function serializeRow(spec: EndpointSpec, row: UsageRow, groupBy: readonly Dimension[], asStrings: boolean): Record<string, unknown> {
  const num = (v: number): number | string => (asStrings ? String(v) : v);
  const out: Record<string, unknown> = { object: spec.resultObject };
  if (spec.id === 'costs') {
    out.amount = { value: num(row.values.amount ?? 0), currency: row.currency ?? 'usd' };
    out.line_item = groupBy.includes('line_item') ? (row.dims.line_item ?? null) : null;
    out.project_id = groupBy.includes('project_id') ? (row.dims.project_id ?? null) : null;
    if (groupBy.includes('api_key_id')) out.api_key_id = row.dims.api_key_id ?? null;
    if (groupBy.includes('line_item')) out.quantity = row.values.quantity === undefined ? null : num(row.values.quantity);
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
