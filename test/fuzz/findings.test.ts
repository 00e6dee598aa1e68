/**
 * Product bugs the fuzzer found, each as the smallest request that shows it, on both adapters and
 * every store. These tests fail until the product is fixed; they are not to be skipped.
 *
 * 1. A 401 other than UNAUTHENTICATED (login's INVALID_CREDENTIALS) has no `WWW-Authenticate`
 *    (docs/errors.md#headers-on-errors: "a 401 carries WWW-Authenticate: Bearer"; RFC 9110 §15.5.2: MUST).
 * 2. A token signed with the server's key whose `sub` is past PostgreSQL's integer range answers
 *    500 on SQL stores (the id reaches `findById` unchecked).
 * 3. `created_after` / `created_before` in year 0000 pass the query schema (`z.iso.date()` and
 *    JavaScript accept year 0; PostgreSQL has none): the list answers 500 on SQL stores and the
 *    export starts a 200 and then cuts the connection.
 * 4. A forged list cursor whose timestamp JavaScript's `Date.parse` accepts but PostgreSQL does
 *    not (`2024-02-30…`, year 0000) answers 500 on SQL stores instead of VALIDATION_ERROR.
 * 5. Credits past 2 147 483 647 (the `integer` column): on SQL stores the adjustment answers 500;
 *    the memory store accepts it (3 000 000 000 and up), so the two stores disagree.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adapters, secret, startHarness, storeTargets, type HttpHarness, type HttpResponse } from '../http/harness';
import { selectStores } from './config';
import { expectProblem, login, seedAs, storedRow } from '../http/support';
import { signJwt } from './world';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** Never a 5xx; an error must be a problem with one of `codes`. */
function expectNoServerError(res: HttpResponse<unknown>, codes: string[]): void {
  expect(res.status, `${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) expect(codes, res.text.slice(0, 300)).toContain((res.json as { code?: string } | undefined)?.code);
}

describe.each(adapters)('fuzz findings on %s', (adapter) => {
  describe.each(selectStores(storeTargets()))('over $name', (store) => {
    let h: HttpHarness;
    beforeEach(async () => {
      h = await startHarness(adapter, store);
    });
    afterEach(async () => {
      await h.close();
    });

    it('1. a failed sign-in (401 INVALID_CREDENTIALS) carries WWW-Authenticate: Bearer', async () => {
      const user = await seedAs(h, 'customer');
      // POST /api/auth/login {"email":"<existing>","password":"wrong password!"}
      const res = await login(h, user.user.email, 'wrong password!');
      expectProblem(res, 401, 'INVALID_CREDENTIALS');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    });

    it('2. a validly signed token whose sub is past the integer range answers 401 UNAUTHENTICATED, not 500', async () => {
      const now = Math.floor(h.clock.now().getTime() / 1000);
      for (const sub of ['2147483648', '9007199254740991']) {
        const token = signJwt({ sub, tv: 0, iss: 'userkit', aud: 'userkit-api', iat: now, exp: now + 3600 }, secret);
        // GET /api/users/me  Authorization: Bearer <HS256 token with sub "2147483648">
        expectProblem(await h.request('GET', '/api/users/me', { token }), 401, 'UNAUTHENTICATED');
      }
    });

    it('3. created_after / created_before in year 0000: the list answers a page or VALIDATION_ERROR, the export a whole answer — never 500 or a cut connection', async () => {
      const admin = await seedAs(h, 'super');
      for (const query of ['created_after=0000-01-01', 'created_before=0000-01-01', 'created_after=0000-01-01T00:00:00Z']) {
        // GET /api/users?created_after=0000-01-01
        expectNoServerError(await h.request('GET', `/api/users?${query}`, { token: admin.token }), ['VALIDATION_ERROR']);
        // GET /api/users/export?created_before=0000-01-01
        const exported = await h.request('GET', `/api/users/export?${query}`, { token: admin.token }).catch((error: unknown) => error as Error);
        if (exported instanceof Error) expect.fail(`export ?${query}: the connection broke (${exported.message})`);
        expectNoServerError(exported, ['VALIDATION_ERROR']);
      }
    });

    it('4. a forged cursor with a timestamp PostgreSQL cannot read answers a page or VALIDATION_ERROR, never 500', async () => {
      const admin = await seedAs(h, 'super');
      for (const value of ['2024-02-30T00:00:00.000000Z', '0000-01-01T00:00:00.000000Z']) {
        // GET /api/users?cursor=<base64url of ["-created_at","2024-02-30T00:00:00.000000Z",1]>
        const res = await h.request('GET', `/api/users?cursor=${b64url(['-created_at', value, 1])}`, { token: admin.token });
        expectNoServerError(res, ['VALIDATION_ERROR']);
      }
    });

    it('5. an adjustment past the largest balance an integer column holds is refused with a 4xx and changes nothing, on every store', async () => {
      const admin = await seedAs(h, 'super');
      const customer = await seedAs(h, 'customer');
      for (const amount of [1_000_000_000, 1_000_000_000, 147_483_600]) await h.service.grantCredits(customer.user.id, amount, 'near the maximum');
      // POST /api/users/<customer>/credits {"amount":100,"reason":"one more"}  (balance 2147483600)
      const res = await h.request('POST', `/api/users/${customer.user.id}/credits`, { token: admin.token, body: { amount: 100, reason: 'one more' } });
      expect(res.status, res.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(res.status, res.text.slice(0, 300)).toBeLessThan(500);
      expect((await storedRow(h, customer.user.id))?.credits).toBe(2_147_483_600);
    });
  });
});
