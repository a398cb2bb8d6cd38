// The one HTTP function of the client: bearer auth, per-attempt timeout, the caller's AbortSignal,
// and openai-node's retry policy (408/409/429/5xx and connection errors, capped jittered
// exponential backoff, `retry-after-ms` / `Retry-After` honoured when 0–60 s).

import { request } from 'undici';
import type { Dispatcher } from 'undici';
import type { ApiError } from './errors';
import { NetworkError, ResponseShapeError, TimeoutError, errorFromStatus, redact } from './errors';

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
  /** The error class name when the attempt failed without a response. */
  readonly error?: string;
}

export interface HttpOptions {
  readonly dispatcher?: Dispatcher;
  /** Per attempt, headers and body included. Default 30 s. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. Default 2. */
  readonly maxRetries?: number;
  /** First backoff step. Default 500 ms (tests make it tiny). */
  readonly retryBaseDelayMs?: number;
  /** Backoff cap. Default 8 s. */
  readonly retryMaxDelayMs?: number;
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

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_RETRY_BASE_DELAY_MS = 500;
export const DEFAULT_RETRY_MAX_DELAY_MS = 8_000;
const MAX_RETRY_AFTER_MS = 60_000;

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

/** Sends one request (GET unless `req.method` says otherwise) and reads JSON, retrying what openai-node retries. Rejects with an ApiError subclass, or the signal's reason on abort. */
export async function getJson(req: JsonRequest, options: HttpOptions = {}): Promise<JsonResponse> {
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const url = joinUrl(req.baseUrl, req.path);
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(req.signal);
    const outcome = await attemptOnce(url, req, options, attempt);
    const retriesLeft = maxRetries - attempt;
    if (outcome.kind === 'ok') return outcome.response;
    if (!outcome.retry || retriesLeft <= 0) throw outcome.error;
    await sleep(retryDelayMs(attempt, outcome.retryAfterMs, options), req.signal);
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
    const text = await res.body.text();
    log(res.statusCode, requestId);
    const idOpt = requestId ? { requestId } : {};

    if (res.statusCode >= 200 && res.statusCode < 300) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (cause) {
        return { kind: 'failed', retry: false, error: new ResponseShapeError(`${req.method ?? 'GET'} ${pathOnly(req.path)}`, 'malformed JSON', { ...idOpt, cause }) };
      }
      return { kind: 'ok', response: { status: res.statusCode, body, ...idOpt } };
    }

    // A server may echo the key back; whatever its shape, it never reaches a message.
    const said = serverMessage(text);
    const error = errorFromStatus(res.statusCode, said === undefined ? undefined : said.split(req.apiKey).join('***'), idOpt);
    const retryAfterMs = parseRetryAfter(res.headers);
    return {
      kind: 'failed',
      error,
      retry: shouldRetry(res.statusCode, headerValue(res.headers['x-should-retry'])),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  } catch (cause) {
    if (req.signal?.aborted) {
      log(undefined, undefined, 'AbortError');
      throw abortReason(req.signal);
    }
    if (timedOut) {
      log(undefined, undefined, 'TimeoutError');
      return { kind: 'failed', retry: true, error: new TimeoutError(`${req.method ?? 'GET'} ${pathOnly(req.path)}`, timeoutMs, { cause }) };
    }
    const code = errorCode(cause);
    log(undefined, undefined, code ?? 'NetworkError');
    return {
      kind: 'failed',
      retry: code === undefined || RETRYABLE_CODES.has(code),
      error: new NetworkError(url.host, code, { cause }),
    };
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onCallerAbort);
  }
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

/** True for the rejection of an aborted request (an AbortError or the signal's own reason). */
export function isAbortError(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted && error === signal.reason) return true;
  return error instanceof Error && error.name === 'AbortError';
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
