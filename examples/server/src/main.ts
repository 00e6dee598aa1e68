/** `npm start`: the userkit API on Hono. */
import { serve } from '@hono/node-server';
import { createUserkitApp } from '@userkit/hono';
import { banner, bootstrap, closeOnSignals } from './bootstrap';

const app = await bootstrap();
const server = serve({ fetch: createUserkitApp(app.handlerOptions).fetch, port: app.env.port }, (info) => {
  console.log(banner(app, 'Hono', info.port));
});
closeOnSignals(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.close();
});
