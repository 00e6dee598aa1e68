/**
 * RATE_LIMITED (docs/security.md#rate-limits): sign-in failures per account and per address, code checks per address,
 * code sends per account and per address; 429 with a numeric Retry-After. Small limits through the
 * `rateLimits` handler option.
 */
import type { RateLimits } from '@userkit/core/server';
import { expect, it, vi } from 'vitest';
import { describeEachTarget, type HttpResponse } from './harness';
import { expectProblem, login, seedAs } from './support';

const minute = 60_000;
const wide = { max: 1000, windowMs: minute };

function expectLimited(res: HttpResponse<unknown>, windowMs = minute): void {
  expectProblem(res, 429, 'RATE_LIMITED');
  const retryAfter = res.headers.get('retry-after') ?? '';
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(Math.ceil(windowMs / 1000));
}

describeEachTarget('rate limits', ({ h, start: startWith }) => {
  const start = (rateLimits: Partial<RateLimits>, extra: { trustProxy?: boolean } = {}) => startWith({ rateLimits, ...extra });

  it('login: past the per-account limit of failures → 429 with Retry-After, even with the right password; other accounts unaffected', async () => {
    await start({ login: { perAccount: { max: 2, windowMs: minute }, perAddress: { max: 100, windowMs: minute } } });
    const victim = await seedAs(h, 'customer');
    const other = await seedAs(h, 'customer');
    for (let i = 0; i < 2; i++) expectProblem(await login(h, victim.user.email, 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    expectLimited(await login(h, victim.user.email, victim.password));
    expectLimited(await login(h, victim.user.email.toUpperCase(), 'wrong password!'));
    expect((await login(h, other.user.email, other.password)).status).toBe(200);
    // Unknown accounts are counted the same way, so a 429 reveals nothing.
    for (let i = 0; i < 2; i++) expectProblem(await login(h, 'ghost@example.com', 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    expectLimited(await login(h, 'ghost@example.com', 'wrong password!'));
  });

  it('login: a success resets the account’s failure count', async () => {
    await start({ login: { perAccount: { max: 2, windowMs: minute }, perAddress: { max: 100, windowMs: minute } } });
    const user = await seedAs(h, 'customer');
    expectProblem(await login(h, user.user.email, 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    expect((await login(h, user.user.email, user.password)).status).toBe(200);
    expectProblem(await login(h, user.user.email, 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    expect((await login(h, user.user.email, user.password)).status).toBe(200);
  });

  it('login: past the per-address limit → 429 for every account from that address; X-Forwarded-For is not trusted by default', async () => {
    await start({ login: { perAccount: { max: 100, windowMs: minute }, perAddress: { max: 3, windowMs: minute } } });
    const user = await seedAs(h, 'customer');
    for (let i = 0; i < 3; i++) expectProblem(await login(h, `spray${i}@example.com`, 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    expectLimited(await login(h, user.user.email, user.password));
    const spoofed = await h.request('POST', '/api/auth/login', { body: { email: user.user.email, password: user.password }, headers: { 'x-forwarded-for': '203.0.113.9' } });
    expectLimited(spoofed);
  });

  it('login: the per-address count is per peer address (the adapter passes the socket address on)', async () => {
    await start({ login: { perAccount: { max: 100, windowMs: minute }, perAddress: { max: 2, windowMs: minute } } });
    const user = await seedAs(h, 'customer');
    const from = (localAddress: string, password: string) => h.request('POST', '/api/auth/login', { body: { email: user.user.email, password }, localAddress });
    for (let i = 0; i < 2; i++) expectProblem(await from('127.0.0.1', 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    expectLimited(await from('127.0.0.1', user.password));
    expect((await from('127.0.0.2', user.password)).status).toBe(200);
  });

  it('login: with trustProxy, each forwarded address has its own count', async () => {
    await start({ login: { perAccount: { max: 100, windowMs: minute }, perAddress: { max: 2, windowMs: minute } } }, { trustProxy: true });
    const user = await seedAs(h, 'customer');
    const from = (ip: string, password: string) =>
      h.request('POST', '/api/auth/login', { body: { email: user.user.email, password }, headers: { 'x-forwarded-for': `${ip}, 10.0.0.1` } });
    for (let i = 0; i < 2; i++) expectProblem(await from('203.0.113.1', 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    expectLimited(await from('203.0.113.1', user.password));
    expect((await from('203.0.113.2', user.password)).status).toBe(200);
  });

  it('login: the window ends and sign-in works again', async () => {
    await start({ login: { perAccount: { max: 1, windowMs: 300 }, perAddress: wide } });
    const user = await seedAs(h, 'customer');
    expectProblem(await login(h, user.user.email, 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    expectLimited(await login(h, user.user.email, user.password), 1000);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await login(h, user.user.email, user.password)).status).toBe(200);
  });

  it('verify-email: past the per-address limit → 429', async () => {
    await start({ verifyEmail: { perAddress: { max: 2, windowMs: minute } } });
    await h.request('POST', '/api/auth/register', { body: { email: 'v@example.com', password: 'a sturdy passphrase' } });
    const code = h.mailer.lastCodeFor('v@example.com') ?? '';
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 2; i++) expectProblem(await h.request('POST', '/api/auth/verify-email', { body: { email: 'v@example.com', code: wrong } }), 400, 'INVALID_VERIFICATION_CODE');
    expectLimited(await h.request('POST', '/api/auth/verify-email', { body: { email: 'v@example.com', code } }));
  });

  it('register and resend-verification: past the per-account or per-address send limit → 429, and no mail is sent', async () => {
    await start({ sendCode: { perAccount: { max: 2, windowMs: minute }, perAddress: { max: 4, windowMs: minute } } });
    expect((await h.request('POST', '/api/auth/register', { body: { email: 'r@example.com', password: 'a sturdy passphrase' } })).status).toBe(201);
    expect((await h.request('POST', '/api/auth/resend-verification', { body: { email: 'R@example.com' } })).status).toBe(202);
    await vi.waitFor(() => expect(h.mailer.messages.length).toBe(2)); // the resend mails after its answer
    const sent = h.mailer.messages.length;
    expectLimited(await h.request('POST', '/api/auth/resend-verification', { body: { email: 'r@example.com' } }));
    expect(h.mailer.messages.length).toBe(sent);
    // Per address: 3 requests so far (one refused), one more is allowed, then every email is refused.
    expect((await h.request('POST', '/api/auth/resend-verification', { body: { email: 'other@example.com' } })).status).toBe(202);
    expectLimited(await h.request('POST', '/api/auth/resend-verification', { body: { email: 'third@example.com' } }));
    expectLimited(await h.request('POST', '/api/auth/register', { body: { email: 'fourth@example.com', password: 'a sturdy passphrase' } }));
    expect(await h.repository.findByEmail('fourth@example.com')).toBeUndefined();
  });
});
