// The one HTTP function of the client: bearer auth, per-attempt timeout, the caller's AbortSignal,
// a size cap on every body, no redirects, and openai-node's retry policy (408/409/429/5xx and
// connection errors, capped jittered exponential backoff, `retry-after-ms` / `Retry-After` honoured
// when 0–60 s) within a retry budget shared by the requests of one query.

import { request } from 'undici';
import type { Dispatcher } from 'undici';
import { ApiError, errorFromStatus, isApiError, networkError, redact, responseShapeError, timeoutError } from './errors';

export interface RequestLogEntry {
  readonly method: string;
  /** Path below the base URL, with its query string. Never headers, never the key. */
  readonly path: string;
  /** HTTP status; undefined when no response came (network error, timeout, abort). */
  readonly status: number | undefined;
  readonly ms: number;
  /** 0 for the first try, 1 for the first retry… */
  readonly attempt: number;
  readonly requestId?: string;
  /** Why the attempt failed without a response: a system code, `timeout`, `aborted` or an error code. */
  readonly error?: string;
}

export interface HttpOptions {
  readonly dispatcher?: Dispatcher;
  /** Per attempt, headers and body included. Default 30 s. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt of one request. Default 3. */
  readonly maxRetries?: number;
  /** Retries left for all the requests that share it (one query's windows and pages). */
  readonly retryBudget?: RetryBudget;
  /** First backoff step. Default 500 ms (tests make it tiny). */
  readonly retryBaseDelayMs?: number;
  /** Backoff cap. Default 4 s. */
  readonly retryMaxDelayMs?: number;
  /** Largest response body read, in bytes. Default MAX_BODY_BYTES. */
  readonly maxBodyBytes?: number;
  readonly onRequest?: (entry: RequestLogEntry) => void;
}

export interface JsonRequest {
  /** Base URL, already validated, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  /** Path below the base URL with its query string, e.g. `/organization/costs?start_time=…`. */
  readonly path: string;
  readonly apiKey: string;
  readonly signal?: AbortSignal;
  /** Default GET. */
  readonly method?: 'GET' | 'POST' | 'DELETE';
  /** Sent as JSON (POST). */
  readonly body?: unknown;
}

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
  readonly requestId?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
// With the defaults a request that keeps failing fast (a server that is down) gives up after
// 0.5 + 1 + 2 s of backoff: short enough for a background refresh, long enough to ride out a
// restart or one failure in three.
const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_RETRY_BASE_DELAY_MS = 500;
const DEFAULT_RETRY_MAX_DELAY_MS = 4_000;
const MAX_RETRY_AFTER_MS = 60_000;
/**
 * The largest body read. The biggest page is a 1-minute query at its limit of 1440 buckets; a
 * grouped result is ~300 bytes of JSON, so 32 MiB holds ~75 result rows in every minute of a
 * day (a page grouped by every dimension of the tests' fake organisation, 12 rows a minute, is
 * 5.4 MB). It stops a runaway body (600 MB took 1.3 GB of memory before) after 32 MiB.
 */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Error bodies are only read for their message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** A count of retries shared by several requests; `take` is false once it is spent. */
export interface RetryBudget {
  take(): boolean;
  readonly left: number;
}

export function createRetryBudget(retries: number): RetryBudget {
  let left = retries;
  return {
    take(): boolean {
      if (left <= 0) return false;
      left--;
      return true;
    },
    get left(): number {
      return left;
    },
  };
}

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** Sends one request (GET unless `req.method` says otherwise) and reads JSON, retrying what openai-node retries. Rejects with an ApiError, or the signal's reason on abort. */
export async function getJson(req: JsonRequest, options: HttpOptions = {}): Promise<JsonResponse> {
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  checkKeyCharacters(req.apiKey);
  const url = joinUrl(req.baseUrl, req.path);
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(req.signal);
    const outcome = await attemptOnce(url, req, options, attempt);
    const retriesLeft = maxRetries - attempt;
    if (outcome.kind === 'ok') return outcome.response;
    if (!outcome.retry || retriesLeft <= 0 || (options.retryBudget && !options.retryBudget.take())) throw outcome.error;
    await sleep(retryDelayMs(attempt, outcome.retryAfterMs, options), req.signal);
  }
}

/**
 * A bearer token is visible ASCII. Anything else (a control character, a line break, a non-ASCII
 * letter from a bad paste) cannot go in a header: refused here rather than failing as a network error.
 */
export function checkKeyCharacters(apiKey: string): void {
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new ApiError('key_format', 'the key contains characters that cannot be sent in an HTTP header');
  }
}

type Outcome =
  | { readonly kind: 'ok'; readonly response: JsonResponse }
  | { readonly kind: 'failed'; readonly error: ApiError; readonly retry: boolean; readonly retryAfterMs?: number };

async function attemptOnce(url: URL, req: JsonRequest, options: HttpOptions, attempt: number): Promise<Outcome> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const pathForLog = redact(req.path);
  const started = performance.now();
  const log = (status: number | undefined, requestId?: string, error?: string): void => {
    const ms = Math.round(performance.now() - started);
    options.onRequest?.({ method: req.method ?? 'GET', path: pathForLog, status, ms, attempt, ...(requestId ? { requestId } : {}), ...(error ? { error } : {}) });
  };

  // One controller per attempt: aborted by our timeout or by the caller's signal.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onCallerAbort = (): void => controller.abort();
  req.signal?.addEventListener('abort', onCallerAbort, { once: true });

  try {
    const res = await request(url, {
      method: req.method ?? 'GET',
      headers: {
        authorization: `Bearer ${req.apiKey}`,
        accept: 'application/json',
        ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      signal: controller.signal,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    const requestId = headerValue(res.headers['x-request-id']);
    const idOpt = requestId ? { requestId } : {};
    const what = `GET ${pathOnly(req.path)}`;
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    const cap = ok ? (options.maxBodyBytes ?? MAX_BODY_BYTES) : MAX_ERROR_BODY_BYTES;
    const text = await readCapped(res.body, cap, headerValue(res.headers['content-length']), () => controller.abort());
    log(res.statusCode, requestId);

    if (ok) {
      if (text === undefined) {
        return { kind: 'failed', retry: false, error: new ApiError('body_too_large', `${what}: response body over ${cap} bytes, reading stopped`, { ...idOpt, status: res.statusCode }) };
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (cause) {
        return { kind: 'failed', retry: false, error: responseShapeError(what, 'malformed JSON', { ...idOpt, cause }) };
      }
      return { kind: 'ok', response: { status: res.statusCode, body, ...idOpt } };
    }

    // A server may echo the key back, in any case or in part: `secret` takes every run of it out.
    const said = text === undefined ? undefined : serverMessage(text);
    const error = errorFromStatus(res.statusCode, said, { ...idOpt, secret: req.apiKey });
    const retryAfterMs = parseRetryAfter(res.headers);
    return {
      kind: 'failed',
      error,
      retry: error.code !== 'redirect' && shouldRetry(res.statusCode, headerValue(res.headers['x-should-retry'])),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  } catch (cause) {
    if (req.signal?.aborted) {
      log(undefined, undefined, 'aborted');
      throw abortReason(req.signal);
    }
    if (timedOut) {
      log(undefined, undefined, 'timeout');
      return { kind: 'failed', retry: true, error: timeoutError(`${req.method ?? 'GET'} ${pathOnly(req.path)}`, timeoutMs, { cause }) };
    }
    if (isApiError(cause)) {
      log(undefined, undefined, cause.code);
      return { kind: 'failed', retry: false, error: cause };
    }
    const code = errorCode(cause);
    log(undefined, undefined, code ?? 'network');
    return {
      kind: 'failed',
      retry: code === undefined || RETRYABLE_CODES.has(code),
      error: networkError(url.host, code, { cause, secret: req.apiKey }),
    };
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onCallerAbort);
  }
}

/**
 * Reads a body as UTF-8 text, or undefined (the connection aborted at once) when it is over `cap`
 * bytes: by its Content-Length before reading, or as soon as the bytes read pass the cap.
 */
async function readCapped(
  body: Dispatcher.ResponseData['body'],
  cap: number,
  contentLength: string | undefined,
  abort: () => void,
): Promise<string | undefined> {
  const declared = contentLength === undefined ? Number.NaN : Number(contentLength);
  if (Number.isFinite(declared) && declared > cap) {
    abort();
    body.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > cap) {
      abort();
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function shouldRetry(status: number, xShouldRetry: string | undefined): boolean {
  // The server may say so explicitly (openai-node honours this header too).
  if (xShouldRetry === 'true') return true;
  if (xShouldRetry === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** `retry-after-ms`, else `Retry-After` (seconds or an HTTP date); undefined unless within 0–60 s. */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>, nowMs: number = Date.now()): number | undefined {
  let ms: number | undefined;
  const afterMs = headerValue(headers['retry-after-ms']);
  if (afterMs !== undefined && afterMs.trim() !== '') {
    const n = Number(afterMs);
    if (Number.isFinite(n)) ms = n;
  }
  const after = headerValue(headers['retry-after']);
  if (ms === undefined && after !== undefined && after.trim() !== '') {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) ms = seconds * 1000;
    else {
      const date = Date.parse(after);
      if (Number.isFinite(date)) ms = date - nowMs;
    }
  }
  return ms !== undefined && ms >= 0 && ms <= MAX_RETRY_AFTER_MS ? ms : undefined;
}

/** openai-node: min(base·2^n, cap) with up to 25 % jitter off, unless the server said when. */
export function retryDelayMs(retryIndex: number, retryAfterMs: number | undefined, options: HttpOptions = {}): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const base = options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
  const cap = options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS;
  const delay = Math.min(base * 2 ** retryIndex, cap);
  return delay * (1 - Math.random() * 0.25);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/** The signal's reason, or a DOMException named AbortError. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

function joinUrl(baseUrl: string, path: string): URL {
  return new URL(baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`));
}

function pathOnly(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The `error.message` of an OpenAI error body, else a bit of the raw text. */
function serverMessage(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === 'object' && 'error' in body) {
      const err = (body as { error: unknown }).error;
      if (typeof err === 'string') return err;
      if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string') return err.message;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = text.trim();
  return trimmed ? trimmed.slice(0, 200) : undefined;
}

// Prefers a system code (ECONNRESET) deep in the cause chain over undici's wrapper code.
function errorCode(error: unknown): string | undefined {
  let first: string | undefined;
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (/^E[A-Z_]+$/.test(code)) return code;
    first ??= code;
  }
  return first;
}
