/**
 * A fast stand-in for bcrypt in HTTP tests (bcrypt itself is covered by core's unit tests and the
 * example servers). Never use outside tests: it is a plain SHA-256.
 */
import { createHash } from 'node:crypto';
import type { PasswordHasher } from '@userkit/core/server';

export class FastTestHasher implements PasswordHasher {
  async hash(password: string): Promise<string> {
    return `test$${createHash('sha256').update(password).digest('hex')}`;
  }
  async verify(password: string, hash: string): Promise<boolean> {
    return hash === (await this.hash(password));
  }
  needsRehash(hash: string): boolean {
    return !hash.startsWith('test$');
  }
}
