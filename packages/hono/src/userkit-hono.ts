/**
 * The Hono adapter: translates between Hono and core's framework-free handler. Nothing about a
 * route lives here.
 */
import { createUserkitHandler, toFetchBody, type UserkitHandler, type UserkitHandlerOptions } from '@userkit/core';
import { Hono, type Context, type MiddlewareHandler } from 'hono';

export interface UserkitHonoOptions {
  /** The peer address of a request, for rate limits. Default: the Node socket under @hono/node-server. */
  remoteAddress?: (c: Context) => string | undefined;
}

function nodeAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

const joined = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

/**
 * Middleware that serves the userkit API and passes every other path to `next`.
 *
 * @example
 * ```ts
 * const app = new Hono();
 * app.use(userkitMiddleware(createUserkitHandler({ service, tokens })));
 * ```
 */
export function userkitMiddleware(handler: UserkitHandler, options: UserkitHonoOptions = {}): MiddlewareHandler {
  const address = options.remoteAddress ?? nodeAddress;
  return async (c, next) => {
    const raw = c.req.raw;
    const method = raw.method;
    // Under @hono/node-server, headers come straight from the Node request, and a GET has no body:
    // touching raw.headers or raw.body there makes it build a whole fetch Request per request.
    const incoming = (c.env as { incoming?: { headers: Record<string, string | string[] | undefined> } } | undefined)?.incoming;
    const response = await handler.handle({
      method,
      url: raw.url,
      header: incoming ? (name) => joined(incoming.headers[name]) : (name) => raw.headers.get(name) ?? undefined,
      body: method === 'GET' || method === 'HEAD' ? null : raw.body,
      remoteAddress: address(c),
    });
    if (!response) return next();
    return new Response(toFetchBody(response.body), { status: response.status, headers: response.headers });
  };
}

/**
 * A Hono app serving the userkit API (mount it with `app.route('/', userkit)`, or serve it as is).
 *
 * @example
 * ```ts
 * import { serve } from '@hono/node-server';
 * serve({ fetch: createUserkitApp({ service, tokens }).fetch, port: 3000 });
 * ```
 */
export function createUserkitApp(options: UserkitHandlerOptions & UserkitHonoOptions): Hono {
  const app = new Hono();
  app.use(userkitMiddleware(createUserkitHandler(options), options));
  return app;
}
