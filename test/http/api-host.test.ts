/**
 * docs/api.md#base-path-and-the-api-host: a request whose Host starts with `api.` is served at the root as if under `/api`.
 */
import { expect, it } from 'vitest';
import { describeEachTarget } from './harness';
import { expectProblem, seedAs } from './support';

describeEachTarget('the api. host', ({ h, startEach }) => {
  startEach();

  it('Host api.example.com + /users/me answers like /api/users/me', async () => {
    const { user, token } = await seedAs(h, 'customer');
    const viaPrefix = await h.request<{ id: number }>('GET', '/api/users/me', { token });
    for (const host of ['api.example.com', 'API.Example.com', 'api.example.com:8443', 'api.localhost']) {
      const viaHost = await h.request<{ id: number }>('GET', '/users/me', { token, headers: { host } });
      expect(viaHost.status, host).toBe(200);
      expect(viaHost.json.id).toBe(user.id);
      expect(viaHost.text).toBe(viaPrefix.text);
      expect(viaHost.headers.get('etag')).toBe(viaPrefix.headers.get('etag'));
      // The /api prefix keeps working on the api. host too.
      expect((await h.request('GET', '/api/users/me', { token, headers: { host } })).status, host).toBe(200);
    }
    const unauthenticated = await h.request('GET', '/users/me', { headers: { host: 'api.example.com' } });
    expectProblem(unauthenticated, 401, 'UNAUTHENTICATED');
    expect(unauthenticated.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('writes, errors and the API root work on the api. host', async () => {
    const host = { host: 'api.example.com' };
    const reg = await h.request<{ user: { id: number } }>('POST', '/auth/register', { body: { email: 'host@example.com', password: 'a sturdy passphrase' }, headers: host });
    expect(reg.status).toBe(201);
    const signIn = await h.request<{ access_token: string }>('POST', '/auth/login', { body: { email: 'host@example.com', password: 'a sturdy passphrase' }, headers: host });
    expect(signIn.status).toBe(200);
    const put = await h.request<{ city: string }>('PUT', `/users/${reg.json.user.id}`, { token: signIn.json.access_token, body: { city: 'Oslo' }, headers: host });
    expect(put.status).toBe(200);
    expect(put.json.city).toBe('Oslo');
    expectProblem(await h.request('GET', '/nothing-here', { headers: host }), 404, 'NOT_FOUND');
    expectProblem(await h.request('DELETE', '/auth/login', { headers: host }), 405, 'METHOD_NOT_ALLOWED');
    expect((await h.request('GET', '/openapi.json', { headers: host })).status).toBe(200);
  });

  it('other hosts are not served at the root', async () => {
    const { token } = await seedAs(h, 'customer');
    for (const host of ['example.com', 'notapi.example.com', 'www.api.example.com', 'apiexample.com']) {
      const res = await h.request('GET', '/users/me', { token, headers: { host } });
      expect(res.status, host).toBe(404);
      expect(res.text, host).not.toContain('"id"');
    }
  });
});
