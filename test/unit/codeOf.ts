// Test helper: an assert.rejects/throws validator that passes for an ApiError of one code.
import { isApiError } from '../../src/api/errors';
import type { ErrorCode } from '../../src/shared/errorCode';

export function hasCode(code: ErrorCode): (e: unknown) => boolean {
  return (e: unknown) => isApiError(e) && e.code === code;
}
