/**
 * When the store fails (docs/errors.md#codes): an unexpected error answers 500 INTERNAL_ERROR with nothing of the
 * error in the body (it goes to `onError`); an unreachable database answers 503 SERVICE_UNAVAILABLE
 * with Retry-After, and the request changed nothing.
 */
import { connect } from 'node:net';
import { UserkitError } from '@userkit/core';
import type { UserkitHandlerOptions } from '@userkit/core/server';
import { expect, it } from 'vitest';
import { describeEachTarget, type HttpResponse } from './harness';
import { expectProblem, faults, faultyStore, seedAs, storedRow } from './support';

const leakyMessage = "select * from users where password_hash = '$2b$12$abcdefghijklmnopqrstuv' -- boom at db.query";

function expectNothingLeaked(res: HttpResponse<unknown>): void {
  for (const needle of ['select', 'password_hash', '$2b$', 'boom', 'db.query', 'Error:', 'node_modules', '.ts:']) {
    expect(res.text.toLowerCase(), needle).not.toContain(needle.toLowerCase());
  }
  expect(res.text).not.toMatch(/\bat \S+ \(/);
  expect(res.text).not.toMatch(/\n\s+at /);
}

const unavailable = () => new UserkitError('SERVICE_UNAVAILABLE', { detail: 'The database is unreachable' });

describeEachTarget('store faults', ({ store, h, start: startWith }) => {
  let reported: unknown[];
  const start = (extra: Partial<UserkitHandlerOptions> = {}) => {
    reported = [];
    return startWith({ onError: (error) => reported.push(error), ...extra }, faultyStore(store));
  };

  it('an unexpected repository error → 500 INTERNAL_ERROR without stack, SQL or secrets; onError gets the error', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const boom = new Error(leakyMessage);
    faults(h).fail('findById', boom);
    const res = await h.request('GET', '/api/users/me', { token: admin.token });
    expectProblem(res, 500, 'INTERNAL_ERROR');
    expectNothingLeaked(res);
    expect(reported).toEqual([boom]);

    // Same for other operations and for things that are not even Errors.
    faults(h).heal();
    faults(h).fail('list', new TypeError(leakyMessage));
    expectNothingLeaked(expectProblemResponse(await h.request('GET', '/api/users', { token: admin.token }), 500, 'INTERNAL_ERROR'));
    faults(h).fail('insert', leakyMessage);
    expectNothingLeaked(expectProblemResponse(await h.request('POST', '/api/auth/register', { body: { email: 'new@example.com', password: 'a sturdy passphrase' } }), 500, 'INTERNAL_ERROR'));
    expect(reported).toHaveLength(3);
    expect(reported[2]).toBe(leakyMessage);

    faults(h).heal();
    expect((await h.request('GET', '/api/users/me', { token: admin.token })).status).toBe(200);
  });

  it('an unreachable database → 503 SERVICE_UNAVAILABLE with Retry-After on every route that needs it; liveness stays 200', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    faults(h).failAll(unavailable());
    const calls: [string, string, { token?: string; body?: unknown }][] = [
      ['GET', '/api/users/me', { token: admin.token }],
      ['GET', '/api/users', { token: admin.token }],
      ['GET', `/api/users/${customer.user.id}`, { token: admin.token }],
      ['PUT', `/api/users/${customer.user.id}`, { token: admin.token, body: { city: 'X' } }],
      ['POST', '/api/auth/login', { body: { email: customer.user.email, password: customer.password } }],
      ['POST', '/api/auth/register', { body: { email: 'n@example.com', password: 'a sturdy passphrase' } }],
      ['GET', '/api/health/ready', {}],
    ];
    for (const [method, path, options] of calls) {
      const res = await h.request(method, path, options);
      expectProblem(res, 503, 'SERVICE_UNAVAILABLE');
      expect(res.headers.get('retry-after'), `${method} ${path}`).toMatch(/^\d+$/);
    }
    expect((await h.request('GET', '/api/health')).status).toBe(200);
    expect(reported, 'expected errors are not reported as unexpected').toEqual([]);
    faults(h).heal();
    expect((await h.request('GET', '/api/health/ready')).status).toBe(200);
  });

  it('a Retry-After from the error is passed on', async () => {
    await start();
    faults(h).fail('ping', new UserkitError('SERVICE_UNAVAILABLE', { retryAfter: 30 }));
    const res = await h.request('GET', '/api/health/ready');
    expectProblem(res, 503, 'SERVICE_UNAVAILABLE');
    expect(res.headers.get('retry-after')).toBe('30');
  });

  it('a write that fails part-way with 503 changed nothing', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer', { city: 'Before' });
    const before = await storedRow(h, customer.user.id);
    // The update itself succeeds inside the transaction, then the activity entry fails.
    faults(h).fail('appendActivity', unavailable());
    expectProblem(await h.request('PUT', `/api/users/${customer.user.id}`, { token: admin.token, body: { city: 'After', status: 'suspended' } }), 503, 'SERVICE_UNAVAILABLE');
    expectProblem(await h.request('DELETE', `/api/users/${customer.user.id}`, { token: admin.token }), 503, 'SERVICE_UNAVAILABLE');
    expectProblem(await h.request('POST', '/api/auth/register', { body: { email: 'half@example.com', password: 'a sturdy passphrase' } }), 503, 'SERVICE_UNAVAILABLE');
    faults(h).heal();
    expect(await storedRow(h, customer.user.id)).toEqual(before);
    expect(await h.repository.findByEmail('half@example.com', { includeDeleted: true })).toBeUndefined();
    expect((await h.request('GET', '/api/users/me', { token: customer.token })).status).toBe(200);
  });

  it('/health/ready → 503 SERVICE_UNAVAILABLE when a readiness check throws', async () => {
    await start({
      readiness: async () => {
        throw new Error('migrations pending: 0003_add_token_version');
      },
    });
    const res = await h.request('GET', '/api/health/ready');
    expectProblem(res, 503, 'SERVICE_UNAVAILABLE');
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.text).not.toContain('0003_add_token_version');
    expect((await h.request('GET', '/api/health')).status).toBe(200);
  });

  it('a client that hangs up mid-body is not an internal error, and nothing is written', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const hangUp = (method: string, path: string, contentType: string, part: string) =>
      new Promise<void>((resolve) => {
        const url = new URL(`${h.baseUrl}${path}`);
        const socket = connect(Number(url.port), url.hostname, () => {
          socket.write(`${method} ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${admin.token}\r\nContent-Type: ${contentType}\r\nContent-Length: 100000\r\n\r\n${part}`);
          setTimeout(() => socket.destroy(), 100);
        });
        socket.on('close', () => resolve());
        socket.on('error', () => undefined);
      });
    await hangUp('POST', '/api/users', 'application/json', '{"email":"half@example.com","password":"a sturdy pass');
    await hangUp('POST', '/api/users/import', 'text/csv', 'email,name\nhalf2@example.com,Half\n');
    // Give the server a moment to notice the closed sockets and finish those requests.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reported).toEqual([]);
    expect(await h.repository.findByEmail('half@example.com')).toBeUndefined();
    expect(await h.repository.findByEmail('half2@example.com')).toBeUndefined();
    expect((await h.request('GET', '/api/users/me', { token: admin.token })).status).toBe(200);
  });
});

/** expectProblem that returns the response, for chaining. */
function expectProblemResponse(res: HttpResponse<unknown>, status: number, code: string): HttpResponse<unknown> {
  expectProblem(res, status, code);
  return res;
}
