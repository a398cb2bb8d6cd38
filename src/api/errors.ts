// Error classes of the API client (STYLE: code branches on the class, never on message text).
// Every message is one short line that says what failed and what to do. No message, cause or log
// line ever carries the key: server text goes through `redact` before it is shown.

export const ADMIN_KEYS_URL = 'https://platform.openai.com/settings/organization/admin-keys';

// Anything shaped like an OpenAI key (sk-…, sk-proj-…, sk-admin-…; real ones are long, so the
// "sk-admin-…" of our own guidance survives) and bearer credentials.
const KEY_PATTERN = /\bsk-[A-Za-z0-9_-]{8,}/g;
const BEARER_PATTERN = /\b(Bearer)\s+[^\s"',;]+/gi;

/** Replaces anything shaped like a key (`sk-…`) or a bearer credential with a placeholder. */
export function redact(text: string): string {
  return text.replace(KEY_PATTERN, 'sk-***').replace(BEARER_PATTERN, '$1 ***');
}

export interface ApiErrorOptions {
  readonly status?: number;
  readonly requestId?: string;
  readonly cause?: unknown;
}

/** Base of every error the client rejects with. */
export class ApiError extends Error {
  readonly status?: number;
  readonly requestId?: string;

  constructor(message: string, options: ApiErrorOptions = {}) {
    super(redact(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status;
    this.requestId = options.requestId;
  }
}

/** 401: the key is wrong, revoked or missing. */
export class AuthError extends ApiError {
  constructor(detail?: string, options: ApiErrorOptions = {}) {
    super(
      `OpenAI rejected the key (401${suffix(detail)}): set a valid Admin key with "Set Admin Key".`,
      { status: 401, ...options },
    );
  }
}

/** 403, or a 401 saying "Missing scopes": a project or restricted key, not an Admin key. */
export class PermissionError extends ApiError {
  constructor(detail?: string, options: ApiErrorOptions = {}) {
    super(
      `This key cannot read usage (${options.status ?? 403}${suffix(detail)}): an Admin key (sk-admin-…, created by an organization Owner) is needed; make one at ${ADMIN_KEYS_URL}.`,
      { status: 403, ...options },
    );
  }
}

/** 429 after every retry. */
export class RateLimitError extends ApiError {
  constructor(detail?: string, options: ApiErrorOptions = {}) {
    super(`OpenAI rate limit reached (429${suffix(detail)}): wait a minute, then refresh.`, { status: 429, ...options });
  }
}

/** 5xx after every retry. */
export class ServerError extends ApiError {
  constructor(status: number, detail?: string, options: ApiErrorOptions = {}) {
    super(`OpenAI server error (${status}${suffix(detail)}): try again later.`, { ...options, status });
  }
}

/** Other 4xx: the request itself was refused. */
export class BadRequestError extends ApiError {
  constructor(status: number, detail?: string, options: ApiErrorOptions = {}) {
    super(`OpenAI refused the request (${status}${suffix(detail)}): check the query.`, { ...options, status });
  }
}

/** No answer: connection refused or reset, DNS failure, proxy failure… */
export class NetworkError extends ApiError {
  constructor(host: string, code?: string, options: ApiErrorOptions = {}) {
    super(`Could not reach ${host}${code ? ` (${code})` : ''}: check the network, proxy and base URL.`, options);
  }
}

export class TimeoutError extends ApiError {
  constructor(what: string, timeoutMs: number, options: ApiErrorOptions = {}) {
    super(`${what} timed out after ${formatMs(timeoutMs)}: check the network or try again.`, options);
  }
}

/** The answer was not the JSON shape we expect (malformed JSON, a zod failure). */
export class ResponseShapeError extends ApiError {
  constructor(what: string, detail: string, options: ApiErrorOptions = {}) {
    super(`Unexpected response from ${what} (${detail}): try again; report it if it persists.`, options);
  }
}

/** Refused before sending: the endpoint does not take this parameter or value. */
export class InvalidQueryError extends ApiError {}

/** A setting is unusable (e.g. the base URL). */
export class ConfigError extends ApiError {}

/** Maps a non-2xx status and the server's error text to the right class. */
export function errorFromStatus(status: number, serverMessage: string | undefined, options: ApiErrorOptions = {}): ApiError {
  const detail = serverMessage === undefined ? undefined : shorten(redact(serverMessage));
  const opts = { ...options, status };
  if (status === 403 || (status === 401 && /missing scopes/i.test(serverMessage ?? ''))) return new PermissionError(detail, opts);
  if (status === 401) return new AuthError(detail, opts);
  if (status === 429) return new RateLimitError(detail, opts);
  if (status >= 500) return new ServerError(status, detail, opts);
  return new BadRequestError(status, detail, opts);
}

function suffix(detail: string | undefined): string {
  return detail ? `: ${shorten(redact(detail))}` : '';
}

// Server text is kept to one short line so the message stays readable in a tooltip.
function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
