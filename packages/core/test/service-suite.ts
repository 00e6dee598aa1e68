/**
 * Shared pieces of the service suites under `packages/core/src/service/`: a fresh harness per
 * test, and small readers of what a test left behind.
 */
import { beforeEach } from 'vitest';
import { createHarness, FakeHasher, type Harness } from './fixtures';

/** The default lifetime of a verification code. */
export const tenMinutes = 10 * 60_000;

/** A fresh service with a spying fake hasher: call it from `beforeEach`. */
export function freshHarness(): { h: Harness; hasher: FakeHasher } {
  const hasher = new FakeHasher();
  return { h: createHarness({ hasher }), hasher };
}

/** The harness of the running test, fresh for each test of a file that calls {@link freshEachTest}. */
export let h: Harness;
/** The fake hasher of {@link h}. */
export let hasher: FakeHasher;

/** Gives every test of the calling file its own service over a fresh memory store ({@link h}). */
export function freshEachTest(): void {
  beforeEach(() => {
    ({ h, hasher } = freshHarness());
  });
}

/** The committed activity actions, oldest first (all users, or one). */
export function actions(h: Harness, userId?: number): string[] {
  return (userId === undefined ? h.repository.activity : h.repository.activityFor(userId)).map((entry) => entry.action);
}

/** A six-digit code that is not `code`. */
export const otherCode = (code: string) => (code === '000000' ? '000001' : '000000');
