/**
 * The Express adapter: core's Node face (`handler.handle`), since Express hands over Node requests,
 * not Fetch ones. What it translates is real: a body that `express.json()` may already have read,
 * and a streamed export piped with backpressure. Nothing about a route lives here.
 */
import { createUserkitHandler, type UserkitHandler, type UserkitHandlerOptions } from '@userkit/core/server';
import { Readable } from 'node:stream';
import type { Request, RequestHandler } from 'express';

/** True when a body parser already consumed and parsed the stream (body-parser marks it `_body`). */
function alreadyParsed(req: Request): boolean {
  return (req as Request & { _body?: boolean })._body === true || (req.readableEnded && req.body !== undefined);
}

/**
 * Express middleware that serves the userkit API and passes every other path to `next`.
 *
 * @example
 * ```ts
 * const app = express();
 * app.use(userkitMiddleware(createUserkitHandler({ service, tokens })));
 * ```
 */
export function userkitMiddleware(handler: UserkitHandler): RequestHandler {
  return (req, res, next) => {
    const parsed = alreadyParsed(req);
    handler
      .handle({
        method: req.method,
        url: req.originalUrl,
        header: (name) => {
          const value = req.headers[name];
          return Array.isArray(value) ? value.join(', ') : value;
        },
        body: parsed ? undefined : req,
        parsedBody: parsed ? { value: req.body } : undefined,
        remoteAddress: req.socket.remoteAddress,
      })
      .then((response) => {
        if (!response) return next();
        res.writeHead(response.status, response.headers);
        if (response.body === null || typeof response.body === 'string') return void res.end(response.body ?? undefined);
        // A streamed export or event stream: pipe with backpressure; a failure mid-stream ends the
        // connection, and a client that goes away ends the stream (its producer unsubscribes).
        const body = Readable.from(response.body).on('error', (error) => res.destroy(error));
        res.on('close', () => body.destroy());
        body.pipe(res);
      })
      .catch(next);
  };
}

/**
 * The middleware built from handler options in one step.
 *
 * @example
 * ```ts
 * app.use(createUserkitMiddleware({ service, tokens }));
 * ```
 */
export function createUserkitMiddleware(options: UserkitHandlerOptions): RequestHandler {
  return userkitMiddleware(createUserkitHandler(options));
}
