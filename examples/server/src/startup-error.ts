/** A reason not to start, written for the operator: printed as one line, and the process exits 1. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
