/**
 * A tiny static file server for the exported dashboard (`out/`): `/admin/` serves
 * `admin/index.html`, unknown paths the export's 404 page. Used by `npm run dev:dashboard`
 * (after a build) and by the browser tests. Not for production: put the files on any static host.
 *
 *   node scripts/serve-static.mjs [dir] (PORT, HOST from the environment; default 127.0.0.1:3100)
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

async function fileFor(root, pathname) {
  const path = normalize(decodeURIComponent(pathname));
  const full = resolve(root, `.${path}`);
  if (full !== root && !full.startsWith(root + sep)) return undefined;
  for (const candidate of [full, join(full, 'index.html'), `${full}.html`]) {
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile()) return candidate;
  }
  return undefined;
}

/**
 * Serves `dir` on `host:port` (port 0: any free port); resolves to the server and its origin.
 * @param {string} dir
 * @param {{ port?: number, host?: string }} [options]
 * @returns {Promise<{ server: import('node:http').Server, origin: string }>}
 */
export async function serveStatic(dir, { port = 3100, host = '127.0.0.1' } = {}) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    void fileFor(root, pathname).then(async (file) => {
      const status = file ? 200 : 404;
      const body = file ?? (await fileFor(root, '/404.html'));
      if (!body) return void res.writeHead(404).end('Not found');
      res.writeHead(status, { 'content-type': types[extname(body)] ?? 'application/octet-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      createReadStream(body).pipe(res);
    }, () => res.writeHead(400).end('Bad request'));
  });
  await new Promise((done) => server.listen(port, host, done));
  const address = server.address();
  return { server, origin: `http://${host}:${typeof address === 'object' && address ? address.port : port}` };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? join(fileURLToPath(new URL('..', import.meta.url)), 'out');
  const { origin } = await serveStatic(dir, { port: Number(process.env.PORT ?? 3100), host: process.env.HOST ?? '127.0.0.1' });
  process.stdout.write(`dashboard on ${origin}\n`);
}
