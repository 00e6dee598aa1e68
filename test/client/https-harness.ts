/**
 * The HTTP harness of test/http, served over HTTPS: the client sends email-related calls
 * (register, verify-email, resend-verification) only to an https:// URL (docs/api.md#email-routes-over-https-only), so these tests
 * run real Hono and Express servers with TLS, on a self-signed certificate made at test start,
 * and give the client a `fetch` that trusts exactly that certificate.
 *
 * Everything but the listening socket comes from `startHarness` (store, service, mailer, clock,
 * tokens, `seed`): the HTTPS server serves the same service with the same adapter code.
 */
import { rememberPasswords, scanResponse } from '../secret-scan';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { UserkitHandlerOptions } from '@userkit/core/server';
import { createUserkitMiddleware } from '@userkit/express';
import { createUserkitApp } from '@userkit/hono';
import express from 'express';
import { Agent, fetch as undiciFetch } from 'undici';
import { startHarness, type AdapterName, type HttpHarness, type StoreTarget } from '../http/harness';

export { adapters, storeTargets } from '../http/harness';
export type { AdapterName, HttpHarness, StoreTarget } from '../http/harness';

/** A PEM key and self-signed certificate for 127.0.0.1 and localhost. */
export interface TestCertificate {
  key: string;
  cert: string;
}

let certificate: TestCertificate | undefined;

/** Made once per test file with openssl (P-256, one day, SAN 127.0.0.1 and localhost). */
export function testCertificate(): TestCertificate {
  if (certificate) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'userkit-tls-'));
  try {
    execFileSync(
      '/usr/bin/openssl',
      [
        'req', '-x509', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
        '-subj', '/CN=userkit test', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'pipe' },
    );
    certificate = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    return certificate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A `fetch` (as the client's `fetch` option) that trusts `ca` and nothing else, through undici's
 * own fetch and an Agent with that CA. Requests are buffered, as a browser sends them (with a
 * Content-Length), and the answer comes back as a standard Response.
 */
export function trustingFetch(ca: string): typeof fetch {
  const agent = new Agent({ connect: { ca } });
  return async (input, init) => {
    const request = new Request(input, init);
    const body = request.body === null ? undefined : await request.arrayBuffer();
    const response = await undiciFetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      ...(body === undefined ? {} : { body }),
      signal: request.signal,
      redirect: 'manual',
      dispatcher: agent,
    });
    const noBody = response.status === 204 || response.status === 304 || request.method === 'HEAD';
    return new Response(noBody ? null : await response.arrayBuffer(), { status: response.status, statusText: response.statusText, headers: [...response.headers] });
  };
}

/** One exchange as the client's fetch saw it. */
export interface Exchange {
  method: string;
  url: string;
  status: number;
  headers: Headers;
}

/**
 * Wraps a fetch to record every exchange (the client hides statuses and headers of successes;
 * tests read them here). `base` is looked up at call time, so msw's patched global fetch is used.
 */
export function recordingFetch(base: () => typeof fetch = () => globalThis.fetch): { fetch: typeof fetch; exchanges: Exchange[]; last(): Exchange | undefined } {
  const exchanges: Exchange[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const sent = request.body === null ? '' : await request.clone().text();
    const response = await base()(request);
    if (response.ok && sent.startsWith('{')) {
      try {
        rememberPasswords(JSON.parse(sent));
      } catch {
        // not JSON: nothing to remember
      }
    }
    exchanges.push({ method: request.method, url: request.url, status: response.status, headers: response.headers });
    await scanResponse(response, `${request.method} ${request.url} → ${response.status}`);
    return response;
  };
  return { fetch: wrapped, exchanges, last: () => exchanges.at(-1) };
}

export interface HttpsHarness extends HttpHarness {
  /** The API over HTTPS: `https://127.0.0.1:<port>/api`. */
  apiUrl: string;
  /** A fetch that trusts the test certificate. */
  fetch: typeof fetch;
  /** Unexpected errors the handler reported (it answers them as INTERNAL_ERROR); tests expect none. */
  unexpectedErrors: unknown[];
}

/**
 * Starts the test/http harness for `adapter` over `store`, and an HTTPS server with the same
 * adapter over the same service and tokens.
 */
export async function startHttpsHarness(adapter: AdapterName, store: StoreTarget, extra: Partial<UserkitHandlerOptions> = {}): Promise<HttpsHarness> {
  const { key, cert } = testCertificate();
  const unexpectedErrors: unknown[] = [];
  const base = await startHarness(adapter, store, extra);
  const options: UserkitHandlerOptions = { service: base.service, tokens: base.tokens, onError: (error) => unexpectedErrors.push(error), ...extra };
  let server: Server;
  try {
    if (adapter === 'hono') {
      server = await new Promise<Server>((resolve) => {
        const s = serve(
          { fetch: createUserkitApp(options).fetch, port: 0, hostname: '127.0.0.1', createServer: createHttpsServer, serverOptions: { key, cert } },
          () => resolve(s as Server),
        );
      });
    } else {
      const app = express();
      app.use(createUserkitMiddleware(options));
      server = createHttpsServer({ key, cert }, app);
      await listen(server);
    }
  } catch (error) {
    await base.close();
    throw error;
  }
  const apiUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  return {
    ...base,
    apiUrl,
    fetch: trustingFetch(cert),
    unexpectedErrors,
    close: async () => {
      await closeServer(server);
      await base.close();
    },
  };
}

async function listen(server: Server): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A plain HTTP server on 127.0.0.1 for client behaviour tests (hangs, 503s…); counts requests. */
export interface TinyServer {
  /** `http://127.0.0.1:<port>/api` */
  apiUrl: string;
  requests: { method: string; url: string }[];
  close(): Promise<void>;
}

export async function startTinyServer(respond: (req: IncomingMessage, res: ServerResponse, index: number) => void): Promise<TinyServer> {
  const requests: { method: string; url: string }[] = [];
  const server = createHttpServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
    req.resume();
    respond(req, res, requests.length - 1);
  });
  await listen(server);
  return { apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, requests, close: () => closeServer(server) };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createHttpServer();
  await listen(server);
  const { port } = server.address() as AddressInfo;
  await closeServer(server);
  return port;
}
