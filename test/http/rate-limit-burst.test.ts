/**
 * Reserve-first rate limiting (docs/decisions.md, "Throttling and secrets"): a parallel burst cannot pass the
 * limits, because each request takes its slot before the password is checked; requests that are
 * not what a bucket counts give their slot back; `rateLimits` turns buckets off.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { FastTestHasher } from './fast-hasher';
import { describeEachTarget } from './harness';
import { expectProblem, login, seedAs, tally } from './support';

const minute = 60_000;

/**
 * Makes every password check take a while, as bcrypt does, so that a burst's requests are all in
 * flight together (with the instant test hasher each one would finish before the next arrived, and
 * even a check-then-count limiter would pass). Returns the undo.
 */
function slowPasswordChecks(): () => void {
  const original = FastTestHasher.prototype.verify;
  const spy = vi.spyOn(FastTestHasher.prototype, 'verify').mockImplementation(async function (this: FastTestHasher, password: string, hash: string) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return original.call(this, password, hash);
  });
  return () => spy.mockRestore();
}

describeEachTarget('rate-limit bursts', ({ h, start }) => {
  let undo: (() => void) | undefined;
  afterEach(() => {
    undo?.();
    undo = undefined;
  });

  it('40 parallel sign-ins to one account from 40 addresses, the right password last: at most 10 reach the password check', async () => {
    await start();
    undo = slowPasswordChecks();
    const victim = await seedAs(h, 'customer');
    const attempts = Array.from({ length: 40 }, (_, i) =>
      h.request('POST', '/api/auth/login', { body: { email: victim.user.email, password: i === 39 ? victim.password : `wrong password ${i}` }, localAddress: `127.0.0.${i + 2}` }),
    );
    const results = tally(await Promise.all(attempts));
    const checked = (results['INVALID_CREDENTIALS'] ?? 0) + (results['200'] ?? 0);
    expect(checked, JSON.stringify(results)).toBeLessThanOrEqual(10);
    expect(results['RATE_LIMITED'] ?? 0, JSON.stringify(results)).toBeGreaterThanOrEqual(30);
    expect(Object.keys(results).filter((k) => !['INVALID_CREDENTIALS', 'RATE_LIMITED', '200'].includes(k)), JSON.stringify(results)).toEqual([]);
  });

  it('60 parallel wrong sign-ins from one address to 60 accounts: at most 50 reach the password check', async () => {
    await start();
    undo = slowPasswordChecks();
    const attempts = Array.from({ length: 60 }, (_, i) => login(h, `spray${i}@example.com`, 'wrong password!'));
    const results = tally(await Promise.all(attempts));
    expect(results['INVALID_CREDENTIALS'] ?? 0, JSON.stringify(results)).toBeLessThanOrEqual(50);
    expect(results['RATE_LIMITED'] ?? 0, JSON.stringify(results)).toBeGreaterThanOrEqual(10);
    expect((results['INVALID_CREDENTIALS'] ?? 0) + (results['RATE_LIMITED'] ?? 0)).toBe(60);
  });

  it('a sign-in that ends before the password check (a bad body) gives its slot back', async () => {
    await start({ rateLimits: { login: { perAccount: { max: 2, windowMs: minute }, perAddress: { max: 2, windowMs: minute } } } });
    const user = await seedAs(h, 'customer');
    for (let i = 0; i < 5; i++) expectProblem(await h.request('POST', '/api/auth/login', { body: { email: user.user.email, password: 42 } }), 400, 'VALIDATION_ERROR');
    expectProblem(await login(h, user.user.email, 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    expect((await login(h, user.user.email, user.password)).status).toBe(200);
  });

  it('send-code counts only requests that send a code: EMAIL_TAKEN and refused passwords do not count', async () => {
    await start({ rateLimits: { sendCode: { perAccount: { max: 2, windowMs: minute }, perAddress: { max: 2, windowMs: minute } } } });
    const taken = await seedAs(h, 'customer');
    for (let i = 0; i < 4; i++) expectProblem(await h.request('POST', '/api/auth/register', { body: { email: taken.user.email, password: 'a sturdy passphrase' } }), 409, 'EMAIL_TAKEN');
    for (let i = 0; i < 4; i++) expectProblem(await h.request('POST', '/api/auth/register', { body: { email: 'new@example.com', password: 'short' } }), 400, 'WEAK_PASSWORD');
    expect((await h.request('POST', '/api/auth/register', { body: { email: 'new@example.com', password: 'a sturdy passphrase' } })).status).toBe(201);
    expect((await h.request('POST', '/api/auth/resend-verification', { body: { email: 'new@example.com' } })).status).toBe(202);
    expectProblem(await h.request('POST', '/api/auth/resend-verification', { body: { email: 'new@example.com' } }), 429, 'RATE_LIMITED');
  });

  it('verify-email: a code that verifies gives its slot back', async () => {
    await start({ rateLimits: { verifyEmail: { perAddress: { max: 1, windowMs: minute } } } });
    for (const email of ['one@example.com', 'two@example.com']) {
      expect((await h.request('POST', '/api/auth/register', { body: { email, password: 'a sturdy passphrase' } })).status).toBe(201);
      const code = h.mailer.lastCodeFor(email) ?? '';
      expect((await h.request('POST', '/api/auth/verify-email', { body: { email, code } })).status).toBe(200);
    }
  });

  it('rateLimits: false turns every limit off; a bucket set to false is off while the others keep their limits', async () => {
    await start({ rateLimits: false });
    for (let i = 0; i < 12; i++) expectProblem(await login(h, 'ghost@example.com', 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    await h.close();
    await start({ rateLimits: { login: false, sendCode: { perAccount: false, perAddress: { max: 1, windowMs: minute } } } });
    for (let i = 0; i < 12; i++) expectProblem(await login(h, 'ghost@example.com', 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    expect((await h.request('POST', '/api/auth/resend-verification', { body: { email: 'a@example.com' } })).status).toBe(202);
    expectProblem(await h.request('POST', '/api/auth/resend-verification', { body: { email: 'b@example.com' } }), 429, 'RATE_LIMITED');
  });
});
