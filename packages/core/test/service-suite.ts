/**
 * Shared pieces of the service suites under `packages/core/src/service/`: a fresh harness per
 * test, and small readers of what a test left behind.
 */
import type { ErrorCode, UserkitError, UserRecord } from '@userkit/core';
import { beforeEach, expect } from 'vitest';
import { createHarness, errorOf, FakeHasher, type Harness } from './fixtures';

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

/**
 * Expects `attempt` to be refused with `code` and HTTP `status` and to change nothing: each of
 * `untouched` reads back as it was, and no activity was logged. Returns the error for more checks.
 */
export async function expectRefused(attempt: Promise<unknown>, code: ErrorCode, status: number, ...untouched: UserRecord[]): Promise<UserkitError> {
  const error = await errorOf(attempt);
  expect(error.code).toBe(code);
  expect(error.status).toBe(status);
  for (const user of untouched) expect(await h.record(user.id)).toEqual(user);
  expect(h.repository.activity).toEqual([]);
  return error;
}

/** A six-digit code that is not `code`. */
export const otherCode = (code: string) => (code === '000000' ? '000001' : '000000');
