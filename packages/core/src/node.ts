/**
 * `@userkit/core/node`: code that needs Node built-ins. `WorkerPasswordHasher` runs bcrypt in a
 * pool of worker threads so hashing never stalls the event loop (docs/security.md#password-hashing);
 * on other runtimes use `BcryptPasswordHasher` from `@userkit/core/server`.
 *
 * @packageDocumentation
 */
export { WorkerPasswordHasher } from './worker-password-hasher';
export type { WorkerPasswordHasherOptions, WorkerPasswordHasherStats } from './worker-password-hasher';
