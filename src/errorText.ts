import { ApiError, redact } from './api/errors';
import type { UserFacingError } from './model';
import type { UsageState } from './state';

/**
 * The one user-facing line for a failure (STYLE: one message at the boundary). API errors already
 * say what failed and what to do; anything else is shown redacted, without a stack.
 */
export function describeError(error: unknown): UserFacingError {
  if (error instanceof ApiError) return { message: error.message, kind: error.name };
  const text = error instanceof Error ? error.message : String(error);
  return { message: redact(text || 'Something went wrong.'), kind: error instanceof Error ? error.name : 'Error' };
}

/** Why there is nothing to export (no view shown and no snapshot), in words that say what to do. */
export function nothingToExportMessage(state: Pick<UsageState, 'mode' | 'loading' | 'error'>): string {
  if (state.mode === 'none') return 'No usage data to export yet: set an Admin key (or try sample data) and refresh.';
  if (state.error) return `No usage data to export: the last refresh failed (${state.error.message}). Fix that and run Refresh, then export again.`;
  if (state.loading) return 'The usage data is still loading: export again once the dashboard shows it.';
  return 'No usage data to export yet: run Refresh, then export again.';
}
