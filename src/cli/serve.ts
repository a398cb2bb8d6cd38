// `openai-usage-insight serve`: one admin key held by one server, for a whole team. It refreshes on
// its own schedule and serves `/metrics` (Prometheus text format) and read-only JSON for the
// extension (`/v1/projects`, `/v1/query`, see src/usage/teamSource.ts). Loopback by default; any
// other host needs a read token, which every request must then carry. The admin key is never on a
// page, in a header or in a log line.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { BUCKET_WIDTHS, DIMENSIONS, ENDPOINT_IDS, FILTER_PARAMS, WIDTH_SECONDS } from '../shared/endpoints';
import type { BucketWidth, Dimension, EndpointId, FilterName, UsageBucket, UsageQuery } from '../shared/endpoints';
import type { UsageSnapshot } from '../shared/snapshot';
import { isApiError } from '../api/errors';
import { summarize, NO_PROJECT } from '../report/summary';
import { buildReport } from '../report/report';
import { estimateDay } from '../report/estimate';
import { EXPOSITION_CONTENT_TYPE, renderExposition } from '../report/prometheus';
import type { MetricFamily, Sample } from '../report/prometheus';
import { addDays, dayStartOfMs, monthStart } from '../shared/time';
import type { TimeRange } from '../shared/time';
import { loadSnapshot } from '../usage/loader';
import type { UsageSource } from '../usage/source';
import type { CommandIo } from './common';
import { CommandError, argError, errorLine, positiveInt, scrub, sourceFrom } from './common';
import * as l10n from '@vscode/l10n';

export const DEFAULT_PORT = 9464;
export const DEFAULT_REFRESH_S = 300;
/** Days each refresh loads: enough for month to date (≤ 31 days) and the estimate's history. */
const SNAPSHOT_DAYS = 31;
/** Longest range one /v1/query may ask for, per bucket width (bounds the work one request causes). */
export const MAX_QUERY_SECONDS: Readonly<Record<BucketWidth, number>> = { '1d': 400 * 86_400, '1h': 31 * 86_400, '1m': 3 * 86_400 };
const QUERY_CACHE_MS = 60_000;
const QUERY_CACHE_SIZE = 200;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export interface TeamServerOptions {
  readonly source: UsageSource;
  readonly now: () => number;
  readonly host: string;
  readonly port: number;
  /** Seconds between refreshes. */
  readonly refreshSeconds: number;
  /** The read token; required unless the host is loopback. */
  readonly token?: string | undefined;
  /** Called with one key-free line per refresh failure. */
  readonly log?: (line: string) => void;
  /** Scrubs error text of the admin key before it is kept or shown. */
  readonly scrub: (text: string) => string;
}

export interface TeamServer {
  readonly url: string;
  readonly server: Server;
  /** Refreshes now; resolves when done (never rejects: failures are counted). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

interface State {
  snapshot?: UsageSnapshot;
  lastSuccessMs?: number;
  lastAttemptMs?: number;
  lastDurationMs?: number;
  lastError?: string;
  /** Whether the last refresh succeeded (undefined before the first ends). */
  lastOk?: boolean;
  errors: number;
  refreshes: number;
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase());
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// --- /metrics ----------------------------------------------------------------------------------

/** The metric families of one snapshot at one instant, plus the server's own refresh state. */
export function metricFamilies(snapshot: UsageSnapshot | undefined, state: Omit<State, 'snapshot'>, nowMs: number): MetricFamily[] {
  const families: MetricFamily[] = [];
  if (snapshot) {
    const currency = snapshot.currency;
    const names = new Map(snapshot.projects.map((p) => [p.id, p.name]));
    // A metric label: stable English whatever the locale, as the metric names are.
    const nameOf = (id: string): string => (id === NO_PROJECT ? 'No project' : (names.get(id) ?? id));
    const today = dayStartOfMs(nowMs);
    const periods: readonly [string, TimeRange][] = [
      ['today', { start: today, end: addDays(today, 1) }],
      ['yesterday', { start: addDays(today, -1), end: today }],
      ['month_to_date', { start: monthStart(today), end: addDays(today, 1) }],
    ];
    const spend: Sample[] = [];
    const tokens: Sample[] = [];
    const requests: Sample[] = [];
    for (const [period, range] of periods) {
      // One report per period: the same engine as every other surface.
      const r = buildReport({ nowMs, range, projects: snapshot.projects, costs: snapshot.costs, usage: snapshot.usage, currency });
      for (const p of r.projects) {
        for (const m of p.spends) spend.push({ labels: { period, project_id: p.id, project_name: nameOf(p.id), currency: m.currency }, value: m.amount });
      }
      if (period === 'yesterday') continue;
      for (const m of r.models) {
        const labels = { period, project_id: m.projectId, project_name: nameOf(m.projectId), model: m.model };
        tokens.push({ labels: { ...labels, type: 'input' }, value: m.inputTokens });
        tokens.push({ labels: { ...labels, type: 'output' }, value: m.outputTokens });
        tokens.push({ labels: { ...labels, type: 'cached' }, value: m.cachedTokens });
        requests.push({ labels, value: m.requests });
      }
    }
    const s = summarize(snapshot, { nowMs, rangeDays: SNAPSHOT_DAYS });
    const estimate = estimateDay({ nowMs, costs: snapshot.costs, usage: snapshot.usage, currency });
    families.push(
      { name: 'openai_usage_insight_spend', help: 'Spend reported by the Costs API, by period and project (the last two UTC days are provisional).', type: 'gauge', samples: spend },
      {
        name: 'openai_usage_insight_spend_today_estimated',
        help: "Today's billed spend plus an estimate of what is not billed yet (from usage and the organisation's own unit prices).",
        type: 'gauge',
        samples: [{ labels: { currency }, value: s.today + estimate.unbilledEstimate }],
      },
      { name: 'openai_usage_insight_forecast_month_end', help: 'Month-end spend forecast (an estimate).', type: 'gauge', samples: [{ labels: { currency }, value: s.forecastMonthEnd }] },
      { name: 'openai_usage_insight_tokens', help: 'Tokens by period, project, model and type (input includes cached).', type: 'gauge', samples: tokens },
      { name: 'openai_usage_insight_requests', help: 'Model requests by period, project and model.', type: 'gauge', samples: requests },
      { name: 'openai_usage_insight_data_fetched_timestamp_seconds', help: 'When the data shown was fetched.', type: 'gauge', samples: [{ value: snapshot.fetchedAt / 1000 }] },
    );
  }
  families.push(
    { name: 'openai_usage_insight_last_refresh_success_timestamp_seconds', help: 'When the last refresh succeeded (0: never).', type: 'gauge', samples: [{ value: (state.lastSuccessMs ?? 0) / 1000 }] },
    { name: 'openai_usage_insight_last_refresh_success', help: '1 when the last refresh succeeded, else 0.', type: 'gauge', samples: [{ value: state.lastOk ? 1 : 0 }] },
    { name: 'openai_usage_insight_last_refresh_duration_seconds', help: 'How long the last refresh took.', type: 'gauge', samples: state.lastDurationMs === undefined ? [] : [{ value: state.lastDurationMs / 1000 }] },
    { name: 'openai_usage_insight_refreshes_total', help: 'Refreshes attempted.', type: 'counter', samples: [{ value: state.refreshes }] },
    { name: 'openai_usage_insight_refresh_errors_total', help: 'Refreshes that failed.', type: 'counter', samples: [{ value: state.errors }] },
  );
  return families;
}

// --- /v1/query ---------------------------------------------------------------------------------

function toInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,12}$/.test(value)) throw new HttpFailure(400, `${name} must be whole Unix seconds.`);
  return Number(value);
}

const QUERY_PARAMS = new Set(['endpoint', 'start_time', 'end_time', 'bucket_width', 'group_by', ...Object.values(FILTER_PARAMS)]);

/**
 * A /v1/query request as a UsageQuery: the API's own parameter names (plus `endpoint`), checked
 * as the client checks them, and bounded in range. Unknown parameters are refused, not ignored.
 */
export function parseTeamQuery(params: URLSearchParams, nowMs: number): UsageQuery {
  for (const name of params.keys()) if (!QUERY_PARAMS.has(name)) throw new HttpFailure(400, `Unknown parameter "${name}".`);
  for (const name of ['endpoint', 'start_time', 'end_time', 'bucket_width', 'batch']) {
    if (params.getAll(name).length > 1) throw new HttpFailure(400, `"${name}" may be given once.`);
  }
  const endpoint = ENDPOINT_IDS.find((e) => e === params.get('endpoint'));
  if (!endpoint) throw new HttpFailure(400, `endpoint must be one of ${ENDPOINT_IDS.join(', ')}.`);
  const width = BUCKET_WIDTHS.find((w) => w === (params.get('bucket_width') ?? '1d'));
  if (!width) throw new HttpFailure(400, `bucket_width must be one of ${BUCKET_WIDTHS.join(', ')}.`);
  const startTime = toInt(params.get('start_time') ?? undefined, 'start_time');
  if (startTime === undefined) throw new HttpFailure(400, 'start_time is required.');
  const w = WIDTH_SECONDS[width];
  const endTime = toInt(params.get('end_time') ?? undefined, 'end_time') ?? Math.ceil(nowMs / 1000 / w) * w;
  if (endTime - startTime > MAX_QUERY_SECONDS[width]) throw new HttpFailure(400, `The range is too long for bucket_width=${width} (at most ${MAX_QUERY_SECONDS[width] / 86_400} days).`);
  const groupBy: Dimension[] = [];
  for (const g of params.getAll('group_by').flatMap((v) => v.split(','))) {
    const d = DIMENSIONS.find((x) => x === g);
    if (!d) throw new HttpFailure(400, `Unknown group_by "${g}".`);
    if (!groupBy.includes(d)) groupBy.push(d);
  }
  const query: { -readonly [K in keyof UsageQuery]: UsageQuery[K] } = { endpoint: endpoint as EndpointId, startTime, endTime, bucketWidth: width, ...(groupBy.length ? { groupBy } : {}) };
  for (const name of Object.keys(FILTER_PARAMS) as FilterName[]) {
    const values = params.getAll(FILTER_PARAMS[name]);
    if (values.length === 0) continue;
    if (name === 'batch') {
      if (values[0] !== 'true' && values[0] !== 'false') throw new HttpFailure(400, 'batch must be true or false.');
      query.batch = values[0] === 'true';
    } else {
      if (values.length > 100) throw new HttpFailure(400, `At most 100 ${FILTER_PARAMS[name]}.`);
      query[name] = values;
    }
  }
  return query;
}

// --- the server --------------------------------------------------------------------------------

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export async function startTeamServer(options: TeamServerOptions): Promise<TeamServer> {
  const loopback = isLoopbackHost(options.host);
  const token = options.token?.trim() || undefined;
  if (!loopback && !token) throw new CommandError(l10n.t('Serving on {0} needs a read token: set OPENAI_USAGE_INSIGHT_TOKEN or pass --token-file.', options.host));
  if (token !== undefined && token.length < 16) throw new CommandError(l10n.t('The read token must be at least 16 characters.'));
  const tokenDigest = token === undefined ? undefined : digest(token);
  const state: State = { errors: 0, refreshes: 0 };
  const queryCache = new Map<string, { at: number; answer: Promise<UsageBucket[]> }>();
  let refreshing: Promise<void> | undefined;

  const refresh = (): Promise<void> => {
    refreshing ??= (async () => {
      const started = options.now();
      state.refreshes++;
      state.lastAttemptMs = started;
      try {
        state.snapshot = await loadSnapshot(options.source, { nowMs: started, rangeDays: SNAPSHOT_DAYS, previous: state.snapshot });
        state.lastSuccessMs = started;
        state.lastError = undefined;
        state.lastOk = true;
      } catch (e) {
        state.errors++;
        state.lastOk = false;
        state.lastError = options.scrub(errorLine(e, {}));
        options.log?.(l10n.t('refresh failed: {0}', state.lastError ?? ''));
      } finally {
        state.lastDurationMs = options.now() - started;
        refreshing = undefined;
      }
    })();
    return refreshing;
  };

  const authorized = (req: IncomingMessage): boolean => {
    if (tokenDigest === undefined) return true;
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m?.[1] !== undefined && timingSafeEqual(digest(m[1]), tokenDigest);
  };

  const send = (res: ServerResponse, status: number, body: string, type: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, value: unknown): void => send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');

  const cachedQuery = (q: UsageQuery): Promise<UsageBucket[]> => {
    const key = JSON.stringify(q);
    const now = options.now();
    const hit = queryCache.get(key);
    if (hit && now - hit.at < QUERY_CACHE_MS) return hit.answer;
    const answer = options.source.query(q);
    // A failure is not cached: the next request tries again.
    answer.catch(() => queryCache.delete(key));
    queryCache.set(key, { at: now, answer });
    if (queryCache.size > QUERY_CACHE_SIZE) queryCache.delete(queryCache.keys().next().value ?? '');
    return answer;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (loopback) {
      // A loopback server answers loopback names only: a web page cannot reach it by DNS rebinding.
      const hostname = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (!isLoopbackHost(hostname)) throw new HttpFailure(403, 'Forbidden host.');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'Method not allowed: this server is read-only.\n', 'text/plain; charset=utf-8', { allow: 'GET, HEAD' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') {
      send(res, state.lastSuccessMs === undefined ? 503 : 200, state.lastSuccessMs === undefined ? 'starting\n' : 'ok\n', 'text/plain; charset=utf-8');
      return;
    }
    if (!authorized(req)) {
      send(res, 401, 'A valid read token is required (Authorization: Bearer …).\n', 'text/plain; charset=utf-8', { 'www-authenticate': 'Bearer' });
      return;
    }
    if (url.pathname === '/metrics') {
      send(res, 200, renderExposition(metricFamilies(state.snapshot, state, options.now())), EXPOSITION_CONTENT_TYPE);
      return;
    }
    if (url.pathname === '/v1/status') {
      json(res, 200, {
        fetchedAt: state.snapshot?.fetchedAt ?? null,
        lastSuccess: state.lastSuccessMs ?? null,
        lastError: state.lastError ?? null,
        errors: state.errors,
        refreshes: state.refreshes,
      });
      return;
    }
    if (url.pathname === '/v1/projects') {
      json(res, 200, { projects: state.snapshot?.projects ?? (await options.source.projects()) });
      return;
    }
    if (url.pathname === '/v1/query') {
      const query = parseTeamQuery(url.searchParams, options.now());
      const { validateQuery } = await import('../api/client');
      validateQuery(query);
      json(res, 200, { buckets: await cachedQuery(query) });
      return;
    }
    if (url.pathname === '/') {
      send(res, 200, 'OpenAI Usage Insight team server: /metrics, /healthz, /v1/status, /v1/projects, /v1/query\n', 'text/plain; charset=utf-8');
      return;
    }
    throw new HttpFailure(404, 'Not found.');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpFailure ? e.status : isApiError(e) && e.code === 'invalid_query' ? 400 : 502;
      const message = e instanceof HttpFailure ? e.message : options.scrub(errorLine(e, {}));
      if (!res.headersSent) json(res, status, { error: { message, status } });
      else res.destroy();
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const first = refresh();
  const timer = setInterval(() => void refresh(), options.refreshSeconds * 1000);
  timer.unref();
  void first;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    server,
    refresh,
    async close(): Promise<void> {
      clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await refreshing;
    },
  };
}

export function serveHelp(): string {
  return `  serve                   ${l10n.t('a team server: /metrics for Prometheus, read-only JSON for the extension')}
      --port N                 ${l10n.t('port (default {0}; 0 = any free port)', DEFAULT_PORT)}
      --host H                 ${l10n.t('address to listen on (default 127.0.0.1; others need a read token)')}
      --refresh S              ${l10n.t('seconds between refreshes (default {0})', DEFAULT_REFRESH_S)}
      --token-file F           ${l10n.t('the read token (or {0})', '$OPENAI_USAGE_INSIGHT_TOKEN')}`;
}

/** Runs until SIGINT/SIGTERM. Prints the URL on stdout once listening. */
export async function runServe(argv: readonly string[], io: CommandIo): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        refresh: { type: 'string' },
        'token-file': { type: 'string' },
        'base-url': { type: 'string' },
        sample: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw argError(e);
  }
  const port = values.port === '0' ? 0 : positiveInt(values.port, 'port', DEFAULT_PORT, 65_535);
  const refreshSeconds = positiveInt(values.refresh, 'refresh', DEFAULT_REFRESH_S, 86_400);
  if (refreshSeconds < 10) throw new CommandError(l10n.t('--refresh must be at least 10 seconds.'));
  let token = io.env.OPENAI_USAGE_INSIGHT_TOKEN;
  if (values['token-file'] !== undefined) {
    try {
      token = readFileSync(values['token-file'], 'utf8');
    } catch {
      throw new CommandError(l10n.t('Cannot read --token-file {0}.', values['token-file']));
    }
  }
  const source = await sourceFrom({ baseUrl: values['base-url'], sample: values.sample }, io);
  const team = await startTeamServer({
    source,
    now: io.now,
    host: values.host ?? '127.0.0.1',
    port,
    refreshSeconds,
    token,
    log: (line) => io.err(`openai-usage-insight: ${line}`),
    scrub: (text) => scrub(text, io.env),
  });
  io.out(l10n.t('Serving on {0} (/metrics, /v1/query); refreshing every {1} s.', team.url, refreshSeconds));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await team.close();
}
