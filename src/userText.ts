// The one table that turns an error code into words, per surface (STYLE: one message at the
// boundary). src/api says what happened, technically; this file says what to do, naming what the
// user can act on where they are: VS Code commands and settings, or the CLI's environment and flags.
import * as l10n from '@vscode/l10n';
import { isApiError, redact } from './api/errors';
import { ADMIN_KEYS_URL } from './shared/errorCode';
import type { ErrorCode } from './shared/errorCode';
import { sanitizeShort } from './shared/sanitize';
import type { UserFacingError } from './model';
import type { UsageState } from './state';

export type Surface = 'vscode' | 'cli';

/** Words for one code; `detail` is the technical line (redacted, one line, no final period). */
type Words = (detail: string) => string;

// Each message is one sentence with {0} for the detail (and {1} for a URL), so a translation
// is a file away (l10n/bundle.l10n.<locale>.json); the English is the key.
const VSCODE: Readonly<Record<ErrorCode, Words>> = {
  auth: (d) => l10n.t('OpenAI rejected the admin key ({0}). Run "OpenAI Usage: Set Admin Key" and paste a valid admin key.', d),
  permission: (d) =>
    l10n.t('This key cannot read usage ({0}): an admin key (sk-admin-…, made by an organization Owner) is needed. Create one at {1}, then run "OpenAI Usage: Set Admin Key".', d, ADMIN_KEYS_URL),
  rate_limit: (d) => l10n.t('OpenAI\'s rate limit was reached ({0}). Wait a minute, then run "OpenAI Usage: Refresh".', d),
  server: (d) => l10n.t('The OpenAI API had a server error ({0}). Try again later with "OpenAI Usage: Refresh".', d),
  network: (d) => l10n.t('Could not reach the OpenAI API ({0}). Check the network, the http.proxy setting and openaiUsage.apiBaseUrl.', d),
  timeout: (d) => l10n.t('The OpenAI API did not answer in time ({0}). Check the network, then run "OpenAI Usage: Refresh".', d),
  response_shape: (d) => l10n.t('The OpenAI API sent an answer that cannot be read ({0}). Try again later; report it if it persists.', d),
  bad_request: (d) => l10n.t('The OpenAI API refused the request ({0}). Report it if it persists.', d),
  redirect: (d) => l10n.t('The API answered with a redirect, which is refused so the key goes only to the configured host ({0}). Check openaiUsage.apiBaseUrl.', d),
  body_too_large: (d) => l10n.t('The API\'s answer was too large to read ({0}). Try a shorter range; report it if it persists.', d),
  invalid_query: (d) => l10n.t('This query cannot be sent: {0}.', d),
  base_url: (d) =>
    l10n.t('The openaiUsage.apiBaseUrl setting is unusable ({0}). Set it to https://api.openai.com/v1 or another https:// URL (http:// only for 127.0.0.1, localhost or [::1]).', d),
  proxy: (d) => l10n.t('The http.proxy setting is unusable ({0}). Fix it or clear it.', d),
  key_format: () =>
    l10n.t('The stored admin key contains characters that cannot be sent (a control character or line break from the paste). Run "OpenAI Usage: Set Admin Key" and paste the key again.'),
  no_key: () => l10n.t('No admin key is set. Run "OpenAI Usage: Set Admin Key", or run "OpenAI Usage: Try with Sample Data".'),
  no_data: (d) => l10n.t('{0}.', d),
  cancelled: () => l10n.t('Cancelled.'),
  unknown: (d) => (d ? l10n.t('{0}.', d) : l10n.t('Something went wrong.')),
};

const CLI: Readonly<Record<ErrorCode, Words>> = {
  auth: (d) => l10n.t('OpenAI rejected the key ({0}). Set OPENAI_ADMIN_KEY to a valid admin key (sk-admin-…).', d),
  permission: (d) =>
    l10n.t('This key cannot read usage ({0}): OPENAI_ADMIN_KEY must be an Admin key (sk-admin-…, made by an organization Owner); create one at {1}.', d, ADMIN_KEYS_URL),
  rate_limit: (d) => l10n.t('OpenAI\'s rate limit was reached ({0}). Wait a minute and run the command again.', d),
  server: (d) => l10n.t('The OpenAI API had a server error ({0}). Try again later.', d),
  network: (d) => l10n.t('Could not reach the API ({0}). Check the network, HTTPS_PROXY / NO_PROXY, and --base-url or OPENAI_BASE_URL.', d),
  timeout: (d) => l10n.t('The API did not answer in time ({0}). Check the network and --base-url or OPENAI_BASE_URL, then try again.', d),
  response_shape: (d) => l10n.t('The API sent an answer that cannot be read ({0}). Try again later; report it if it persists.', d),
  bad_request: (d) => l10n.t('The API refused the request ({0}). Report it if it persists.', d),
  redirect: (d) => l10n.t('The API answered with a redirect, which is refused so the key goes only to the given host ({0}). Check --base-url or OPENAI_BASE_URL.', d),
  body_too_large: (d) => l10n.t('The API\'s answer was too large to read ({0}). Try fewer --days or a wider --bucket; report it if it persists.', d),
  invalid_query: (d) => l10n.t('{0}.', d),
  base_url: (d) => l10n.t('The API base URL is unusable ({0}): fix --base-url or OPENAI_BASE_URL (https://, or http:// only for 127.0.0.1, localhost or [::1]).', d),
  proxy: (d) => l10n.t('The proxy in HTTPS_PROXY / HTTP_PROXY is unusable ({0}). Fix or unset it.', d),
  key_format: () => l10n.t('OPENAI_ADMIN_KEY: the key contains characters that cannot be sent (a control character or a line break?). Set it to the key alone.'),
  no_key: () => l10n.t('Set OPENAI_ADMIN_KEY to an admin key (sk-admin-…), or pass --sample to see sample data.'),
  no_data: (d) => l10n.t('{0}.', d),
  cancelled: () => l10n.t('Cancelled.'),
  unknown: (d) => l10n.t('Unexpected error: {0}.', d || l10n.t('unknown')),
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
    return { message: l10n.t('This key cannot read usage: an Admin key (sk-admin-…, made by an organization Owner) is needed. Nothing was stored.'), offerCreateKey: true };
  }
  if (code === 'auth') return { message: l10n.t('OpenAI rejected this key. Nothing was stored. An Admin key (sk-admin-…) is needed.'), offerCreateKey: true };
  return { message: l10n.t('Could not check the key: {0} Nothing was stored.', describeError(error).message), offerCreateKey: false };
}

/** Why there is nothing to export (no view shown and no snapshot), in words that say what to do. */
export function nothingToExportMessage(state: Pick<UsageState, 'mode' | 'loading' | 'error'>): string {
  if (state.mode === 'none') return l10n.t('No usage data to export yet: set an Admin key (or try sample data) and refresh.');
  if (state.error) return l10n.t('No usage data to export: the last refresh failed ({0}). Fix that and run Refresh, then export again.', state.error.message);
  if (state.loading) return l10n.t('The usage data is still loading: export again once the dashboard shows it.');
  return l10n.t('No usage data to export yet: run Refresh, then export again.');
}
