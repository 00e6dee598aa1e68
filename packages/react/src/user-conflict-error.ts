/**
 * A profile update refused with 412 PRECONDITION_FAILED: someone changed the user since the form
 * read it. Still an {@link ApiError} (so describeError and isApiError treat it as before), plus the
 * user as the server has it now, so the form can offer "reload" or show what changed.
 */
import { ApiError, type User } from '@userkit/client';

export class UserConflictError extends ApiError {
  /** The user as it is now on the server, or undefined if it could not be read (e.g. deleted meanwhile). */
  readonly latest: User | undefined;
  declare readonly code: 'PRECONDITION_FAILED';

  constructor(error: ApiError, latest: User | undefined) {
    super({ type: 'about:blank', title: error.title, status: error.status, code: 'PRECONDITION_FAILED', detail: error.detail }, error.retryAfter);
    this.latest = latest;
    this.cause = error;
  }
}

/** True for the conflict of a profile update (see {@link UserConflictError}). */
export function isUserConflict(error: unknown): error is UserConflictError {
  return error instanceof UserConflictError;
}
