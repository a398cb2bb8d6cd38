// The error codes shared by the host, the CLI and the webview (the `kind` of the protocol's error
// messages). Code branches on these, never on a class name: names do not survive minification and
// classes are not shared between bundles.

export const ERROR_CODES = [
  /** 401: the key is wrong, revoked or missing. */
  'auth',
  /** 403, or 401 "Missing scopes": a project or restricted key. */
  'permission',
  'rate_limit',
  /** 5xx after every retry. */
  'server',
  /** No answer: connection refused or reset, DNS, proxy. */
  'network',
  'timeout',
  /** The answer is not what the API documents (bad JSON, schema, buckets, cursors). */
  'response_shape',
  /** Another 4xx. */
  'bad_request',
  /** A 3xx: the key is never sent to another URL. */
  'redirect',
  /** A response body over the size cap. */
  'body_too_large',
  /** Refused before sending: the endpoint does not take this parameter or value. */
  'invalid_query',
  /** The API base URL is unusable. */
  'base_url',
  /** The proxy setting is unusable. */
  'proxy',
  /** The key holds characters that cannot go in an HTTP header. */
  'key_format',
  /** No key is set. */
  'no_key',
  /** The dashboard has neither stored data nor a source for a view. */
  'no_data',
  'cancelled',
  /** Anything else (a bug): shown redacted, without a stack. */
  'unknown',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes where the key is the problem, so "Set Admin Key" is the next step. */
export const KEY_PROBLEM_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['auth', 'permission', 'key_format', 'no_key']);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Where an admin key is made (linked from the key prompts and the key errors). */
export const ADMIN_KEYS_URL = 'https://platform.openai.com/settings/organization/admin-keys';

/**
 * The shape of an OpenAI key (sk-…, sk-proj-…, sk-admin-…) as a regular-expression source. Real
 * keys are long, so the "sk-admin-…" of our own guidance does not match.
 */
export const KEY_SHAPE_SOURCE = 'sk-[A-Za-z0-9_-]{8,}';
