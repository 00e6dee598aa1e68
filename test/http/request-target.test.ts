/**
 * Malformed request targets answer problem+json on both adapters, whatever path they name: a
 * target the app cannot read as a path (`//`, `///api/health`, `*` on GET) is answered by userkit
 * itself, never passed on to the host app or answered with an HTML stack trace.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters, startHarness, storeTargets, type HttpHarness, type HttpResponse } from './harness';
import { collectResponse, expectProblem } from './support';

/** Sends `target` verbatim as the request target (the harness's `request` builds a URL first, which `*` is not). */
function sendTarget(baseUrl: string, method: string, target: string): Promise<HttpResponse<unknown>> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path: target }, (res) => void collectResponse(res).then(resolve, reject));
    req.on('error', reject);
    req.end();
  });
}

describe.each(adapters)('request targets on %s', (adapter) => {
  // The store plays no part here: the first one is enough.
  const store = storeTargets()[0];
  let h: HttpHarness;
  beforeAll(async () => {
    if (store) h = await startHarness(adapter, store);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.runIf(store)('a target that starts with // (no path: it reads as a host) → 400 problem+json', async () => {
    for (const target of ['//', '//api/health', '///api/health', '//users/me', `http://127.0.0.1//api/health`]) {
      for (const method of ['GET', 'HEAD', 'POST']) {
        const res = await sendTarget(h.baseUrl, method, target);
        if (method === 'HEAD') {
          expect(res.status, `${method} ${target}`).toBe(400);
          expect(res.headers.get('content-type'), `${method} ${target}`).toMatch(/^application\/problem\+json/);
        } else expectProblem(res, 400, 'VALIDATION_ERROR');
      }
    }
  });

  it.runIf(store)('GET * → 400 (problem+json wherever the server lets the app see it); OPTIONS * is not ours', async () => {
    const res = await sendTarget(h.baseUrl, 'GET', '*');
    expect(res.status).toBe(400);
    // @hono/node-server refuses an asterisk target itself, with an empty 400, before any app code runs.
    if (adapter === 'express') expectProblem(res, 400, 'VALIDATION_ERROR');
    // OPTIONS * (about the server as a whole) is well-formed: userkit leaves it to the host app.
    const options = await sendTarget(h.baseUrl, 'OPTIONS', '*');
    expect(options.headers.get('content-type') ?? '').not.toMatch(/problem\+json/);
  });

  it.runIf(store)('well-formed targets are unaffected: absolute-form, empty segments under the API, odd query text', async () => {
    expect((await sendTarget(h.baseUrl, 'GET', 'http://127.0.0.1/api/health')).status).toBe(200);
    expect((await sendTarget(h.baseUrl, 'GET', '/api/health?x=%')).status).toBe(200);
    expect((await sendTarget(h.baseUrl, 'GET', '/api/health/')).status).toBe(200);
    expectProblem(await sendTarget(h.baseUrl, 'GET', '/api//health'), 404, 'NOT_FOUND');
    expectProblem(await sendTarget(h.baseUrl, 'GET', '/api/%zz'), 404, 'NOT_FOUND');
  });
});
