// The one error class of the API client. It carries a code (src/shared/errorCode.ts), the HTTP
// status, the request id and the cause; its message is technical (what happened, not what to do):
// src/userText.ts turns the code into words for each surface. No message or log line ever carries
// the key: text goes through `sanitizeLine` and `redact` before it is put in an error.

import { isErrorCode, KEY_SHAPE_SOURCE } from '../shared/errorCode';
import type { ErrorCode } from '../shared/errorCode';
import { sanitizeLine, sanitizeShort } from '../shared/sanitize';

// Anything shaped like an OpenAI key, in any case (an upper-cased key is still the key) and
// wherever it starts (glued to other text too), and bearer credentials.
const KEY_PATTERN = new RegExp(KEY_SHAPE_SOURCE, 'gi');
const BEARER_PATTERN = /\b(Bearer)\s+[^\s"',;]+/gi;
/** A run of this many characters of the key, anywhere in the text, is taken out. */
export const MIN_SECRET_RUN = 8;

/**
 * Replaces anything shaped like a key (`sk-…`, any case) or a bearer credential with a
 * placeholder; with `secret`, also every run of 8+ characters of that key (its body without the
 * `sk-admin-` prefix, in any case, inside other text).
 */
export function redact(text: string, secret?: string): string {
  const out = secret ? redactSecret(text, secret) : text;
  return out.replace(KEY_PATTERN, 'sk-***').replace(BEARER_PATTERN, '$1 ***');
}

/** A log line: one plain line (no control characters, escape sequences, bidi overrides), key-shaped text redacted. */
export function logLine(message: string, secret?: string): string {
  return redact(sanitizeLine(message), secret);
}

function redactSecret(text: string, secret: string): string {
  const body = asciiLower(secret.trim()).replace(/^sk-(?:admin-|proj-|svcacct-)?/, '');
  if (body.length === 0) return text;
  if (body.length < MIN_SECRET_RUN) return text.split(secret.trim()).join('***');
  const runs = new Set<string>();
  for (let i = 0; i + MIN_SECRET_RUN <= body.length; i++) runs.add(body.slice(i, i + MIN_SECRET_RUN));
  // ASCII-only lowering keeps every index of `lower` the index of the same character in `text`.
  const lower = asciiLower(text);
  const hidden = new Uint8Array(text.length);
  for (let i = 0; i + MIN_SECRET_RUN <= text.length; i++) {
    if (runs.has(lower.slice(i, i + MIN_SECRET_RUN))) hidden.fill(1, i, i + MIN_SECRET_RUN);
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (!hidden[i]) out += text[i];
    else if (i === 0 || !hidden[i - 1]) out += '***';
  }
  return out;
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

// Symbol.for: the same symbol in every bundle (dist/extension.js and the lazily loaded
// dist/network.js each hold their own copy of this file, so `instanceof` would not hold).
const API_ERROR_BRAND = Symbol.for('openai-usage-insight.ApiError');

export interface ApiErrorOptions {
  readonly status?: number;
  readonly requestId?: string;
  readonly cause?: unknown;
  /** The key in use: every run of it is redacted from the message. */
  readonly secret?: string;
}

/** Every error the client rejects with (but the caller's own abort reason). */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status?: number;
  readonly requestId?: string;

  constructor(code: ErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(redact(sanitizeLine(message), options.secret), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
    if (options.requestId !== undefined) this.requestId = options.requestId;
    Object.defineProperty(this, API_ERROR_BRAND, { value: true });
  }
}

/** True for an ApiError from any bundle (checks the brand and the code, not the class). */
export function isApiError(error: unknown): error is ApiError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[API_ERROR_BRAND] === true &&
    isErrorCode((error as { code?: unknown }).code)
  );
}

/** Maps a non-2xx status and the server's error text to an ApiError with the right code. */
export function errorFromStatus(status: number, serverMessage: string | undefined, options: ApiErrorOptions = {}): ApiError {
  const detail = serverMessage === undefined ? '' : sanitizeShort(redact(serverMessage, options.secret));
  const opts = { ...options, status };
  const message = `HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status >= 300 && status < 400) return new ApiError('redirect', `HTTP ${status} redirect refused`, opts);
  if (status === 403 || (status === 401 && /missing scopes/i.test(serverMessage ?? ''))) return new ApiError('permission', message, opts);
  if (status === 401) return new ApiError('auth', message, opts);
  if (status === 429) return new ApiError('rate_limit', message, opts);
  if (status >= 500) return new ApiError('server', message, opts);
  return new ApiError('bad_request', message, opts);
}

/** No answer from `host` (a system code such as ECONNREFUSED when known). */
export function networkError(host: string, systemCode: string | undefined, options: ApiErrorOptions = {}): ApiError {
  return new ApiError('network', `no answer from ${host}${systemCode ? ` (${systemCode})` : ''}`, options);
}

export function timeoutError(what: string, timeoutMs: number, options: ApiErrorOptions = {}): ApiError {
  return new ApiError('timeout', `${what} timed out after ${formatMs(timeoutMs)}`, options);
}

/** The answer was not the shape the API documents (malformed JSON, a schema failure, bad paging). */
export function responseShapeError(what: string, detail: string, options: ApiErrorOptions = {}): ApiError {
  return new ApiError('response_shape', `${what}: ${detail}`, options);
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
