/** Shared pieces of the repository conformance cases: the harness type, new users, queries, codes. */
import { isUserkitError, listUsersQuerySchema, type ListUsersQueryInput, type NewUserRecord } from '../index';
import type { UserRepository } from '../server';

/** A fresh, empty, migrated store for one test, and how to release it. */
export interface RepositoryHarness {
  repository: UserRepository;
  close(): Promise<void>;
}

/** The clock start of the cases' users. */
export const base = new Date('2026-01-01T00:00:00.000Z');
let seq = 0;

/** A valid new user; `overrides` win. Emails are unique per call unless given. */
export function newUser(overrides: Partial<NewUserRecord> = {}): NewUserRecord {
  seq++;
  return {
    email: `user${seq}@example.com`,
    password_hash: '$2b$10$abcdefghijklmnopqrstuuN0dH7f8nQ7PZq7t8Jv2e8hW1m1Yq9yC',
    user_type: 'customer',
    status: 'active',
    created_at: new Date(base.getTime() + seq * 1000),
    updated_at: new Date(base.getTime() + seq * 1000),
    ...overrides,
  };
}

/** A parsed list query. */
export const query = (input: ListUsersQueryInput = {}) => listUsersQuerySchema.parse(input);

/** The error code a promise rejects with, or `ok`. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (isUserkitError(error)) return error.code;
    throw error;
  }
}

