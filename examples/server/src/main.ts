/** `npm start`: the userkit API on Hono. Start-up and shutdown are shared with the Express example (bootstrap.ts). */
import { getRequestListener } from '@hono/node-server';
import { createUserkitApp } from '@userkit/hono';
import { runServer } from './bootstrap';

await runServer('Hono', (options) => getRequestListener(createUserkitApp(options).fetch));
