/** `npm run start:express`: the userkit API on Express. Start-up and shutdown are shared with the Hono example. */
import { createUserkitMiddleware } from '@userkit/express';
import { runServer } from '@userkit-examples/server/bootstrap';
import express from 'express';

await runServer('Express', (options) => express().disable('x-powered-by').use(createUserkitMiddleware(options)));
