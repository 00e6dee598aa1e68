/** `npm run start:express`: the userkit API on Express. */
import { createUserkitMiddleware } from '@userkit/express';
import { banner, bootstrap, closeOnSignals } from '@userkit-examples/server/bootstrap';
import express from 'express';

const app = await bootstrap();
const server = express()
  .disable('x-powered-by')
  .use(createUserkitMiddleware(app.handlerOptions))
  .listen(app.env.port, () => {
    const address = server.address();
    console.log(banner(app, 'Express', typeof address === 'object' && address ? address.port : app.env.port));
  });
closeOnSignals(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.close();
});
