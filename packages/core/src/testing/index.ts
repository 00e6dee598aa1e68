/**
 * `@userkit/core/testing`: the conformance kit a store runs under vitest (docs/stores.md). Each
 * `describe…` function registers the same cases the built-in stores pass; a store of one's own
 * passes them too, or it does not keep the ports' promises.
 *
 * @packageDocumentation
 */
export { describeUserRepository } from './user-repository.case';
export { codeOf, newUser } from './repository-case-support';
export type { RepositoryHarness } from './repository-case-support';
export { describeRateLimitStore } from './rate-limit-store.case';
export type { RateLimitStoreCaseOptions, RateLimitStoreFixture } from './rate-limit-store.case';
export { describeSessionStore } from './session-store.case';
export type { SessionStoreFixture } from './session-store.case';
