import { ApiError, redact } from './api/errors';
import type { UserFacingError } from './model';

/**
 * The one user-facing line for a failure (STYLE: one message at the boundary). API errors already
 * say what failed and what to do; anything else is shown redacted, without a stack.
 */
export function describeError(error: unknown): UserFacingError {
  if (error instanceof ApiError) return { message: error.message, kind: error.name };
  const text = error instanceof Error ? error.message : String(error);
  return { message: redact(text || 'Something went wrong.'), kind: error instanceof Error ? error.name : 'Error' };
}
