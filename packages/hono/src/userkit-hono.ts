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
    const response = await handler.handle({
      method: raw.method,
      url: raw.url,
      header: (name) => raw.headers.get(name) ?? undefined,
      body: raw.body,
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
