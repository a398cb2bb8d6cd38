// The one table that turns an error code into words, per surface (STYLE: one message at the
// boundary). src/api says what happened, technically; this file says what to do, naming what the
// user can act on where they are: VS Code commands and settings, or the CLI's environment and flags.
import { isApiError, redact } from './api/errors';
import { ADMIN_KEYS_URL } from './shared/errorCode';
import type { ErrorCode } from './shared/errorCode';
import { sanitizeShort } from './shared/sanitize';
import type { UserFacingError } from './model';
import type { UsageState } from './state';

export type Surface = 'vscode' | 'cli';

/** Words for one code; `detail` is the technical line (redacted, one line, no final period). */
type Words = (detail: string) => string;

const SET_KEY = 'Run "OpenAI Usage: Set Admin Key"';
const REFRESH = '"OpenAI Usage: Refresh"';

const VSCODE: Readonly<Record<ErrorCode, Words>> = {
  auth: (d) => `OpenAI rejected the admin key (${d}). ${SET_KEY} and paste a valid admin key.`,
  permission: (d) =>
    `This key cannot read usage (${d}): an admin key (sk-admin-…, made by an organization Owner) is needed. Create one at ${ADMIN_KEYS_URL}, then run "OpenAI Usage: Set Admin Key".`,
  rate_limit: (d) => `OpenAI's rate limit was reached (${d}). Wait a minute, then run ${REFRESH}.`,
  server: (d) => `The OpenAI API had a server error (${d}). Try again later with ${REFRESH}.`,
  network: (d) => `Could not reach the OpenAI API (${d}). Check the network, the http.proxy setting and openaiUsage.apiBaseUrl.`,
  timeout: (d) => `The OpenAI API did not answer in time (${d}). Check the network, then run ${REFRESH}.`,
  response_shape: (d) => `The OpenAI API sent an answer that cannot be read (${d}). Try again later; report it if it persists.`,
  bad_request: (d) => `The OpenAI API refused the request (${d}). Report it if it persists.`,
  redirect: (d) => `The API answered with a redirect, which is refused so the key goes only to the configured host (${d}). Check openaiUsage.apiBaseUrl.`,
  body_too_large: (d) => `The API's answer was too large to read (${d}). Try a shorter range; report it if it persists.`,
  invalid_query: (d) => `This query cannot be sent: ${d}.`,
  base_url: (d) => `The openaiUsage.apiBaseUrl setting is unusable (${d}). Set it to https://api.openai.com/v1 or another https:// URL (http:// only for 127.0.0.1, localhost or [::1]).`,
  proxy: (d) => `The http.proxy setting is unusable (${d}). Fix it or clear it.`,
  key_format: () => `The stored admin key contains characters that cannot be sent (a control character or line break from the paste). ${SET_KEY} and paste the key again.`,
  no_key: () => `No admin key is set. ${SET_KEY}, or run "OpenAI Usage: Try with Sample Data".`,
  no_data: (d) => `${d}.`,
  cancelled: () => 'Cancelled.',
  unknown: (d) => (d ? `${d}.` : 'Something went wrong.'),
};

const BASE_URL_FLAGS = '--base-url or OPENAI_BASE_URL';

const CLI: Readonly<Record<ErrorCode, Words>> = {
  auth: (d) => `OpenAI rejected the key (${d}). Set OPENAI_ADMIN_KEY to a valid admin key (sk-admin-…).`,
  permission: (d) =>
    `This key cannot read usage (${d}): OPENAI_ADMIN_KEY must be an Admin key (sk-admin-…, made by an organization Owner); create one at ${ADMIN_KEYS_URL}.`,
  rate_limit: (d) => `OpenAI's rate limit was reached (${d}). Wait a minute and run the command again.`,
  server: (d) => `The OpenAI API had a server error (${d}). Try again later.`,
  network: (d) => `Could not reach the API (${d}). Check the network, HTTPS_PROXY / NO_PROXY, and ${BASE_URL_FLAGS}.`,
  timeout: (d) => `The API did not answer in time (${d}). Check the network and ${BASE_URL_FLAGS}, then try again.`,
  response_shape: (d) => `The API sent an answer that cannot be read (${d}). Try again later; report it if it persists.`,
  bad_request: (d) => `The API refused the request (${d}). Report it if it persists.`,
  redirect: (d) => `The API answered with a redirect, which is refused so the key goes only to the given host (${d}). Check ${BASE_URL_FLAGS}.`,
  body_too_large: (d) => `The API's answer was too large to read (${d}). Try fewer --days or a wider --bucket; report it if it persists.`,
  invalid_query: (d) => `${d}.`,
  base_url: (d) => `The API base URL is unusable (${d}): fix ${BASE_URL_FLAGS} (https://, or http:// only for 127.0.0.1, localhost or [::1]).`,
  proxy: (d) => `The proxy in HTTPS_PROXY / HTTP_PROXY is unusable (${d}). Fix or unset it.`,
  key_format: () => 'OPENAI_ADMIN_KEY: the key contains characters that cannot be sent (a control character or a line break?). Set it to the key alone.',
  no_key: () => 'Set OPENAI_ADMIN_KEY to an admin key (sk-admin-…), or pass --sample to see sample data.',
  no_data: (d) => `${d}.`,
  cancelled: () => 'Cancelled.',
  unknown: (d) => `Unexpected error: ${d || 'unknown'}.`,
};

const TABLES: Readonly<Record<Surface, Readonly<Record<ErrorCode, Words>>>> = { vscode: VSCODE, cli: CLI };

/** The error's code: an ApiError's own (from any bundle), else `unknown`. */
export function errorCodeOf(error: unknown): ErrorCode {
  return isApiError(error) ? error.code : 'unknown';
}

/**
 * The one user-facing line for a failure on a surface. `secret` (the key in use) is redacted in
 * every form, on top of anything key-shaped; the text is one line with no control characters.
 */
export function describeError(error: unknown, surface: Surface = 'vscode', secret?: string): UserFacingError {
  const kind = errorCodeOf(error);
  const raw = error instanceof Error ? error.message : String(error);
  const detail = redact(sanitizeShort(raw, 300), secret).replace(/[.\s]+$/, '');
  return { kind, message: TABLES[surface][kind](detail) };
}

/** What the "Set Admin Key" check says when the key fails, and whether to offer to create one. */
export function describeKeyCheckFailure(error: unknown): { readonly message: string; readonly offerCreateKey: boolean } {
  const code = errorCodeOf(error);
  if (code === 'permission') {
    return { message: 'This key cannot read usage: an Admin key (sk-admin-…, made by an organization Owner) is needed. Nothing was stored.', offerCreateKey: true };
  }
  if (code === 'auth') return { message: 'OpenAI rejected this key. Nothing was stored. An Admin key (sk-admin-…) is needed.', offerCreateKey: true };
  return { message: `Could not check the key: ${describeError(error).message} Nothing was stored.`, offerCreateKey: false };
}

/** Why there is nothing to export (no view shown and no snapshot), in words that say what to do. */
export function nothingToExportMessage(state: Pick<UsageState, 'mode' | 'loading' | 'error'>): string {
  if (state.mode === 'none') return 'No usage data to export yet: set an Admin key (or try sample data) and refresh.';
  if (state.error) return `No usage data to export: the last refresh failed (${state.error.message}). Fix that and run Refresh, then export again.`;
  if (state.loading) return 'The usage data is still loading: export again once the dashboard shows it.';
  return 'No usage data to export yet: run Refresh, then export again.';
}
