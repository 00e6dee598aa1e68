/**
 * CPU per request of the framework-free handler alone: `handler.handle()` called in-process (no
 * HTTP, no database: the in-memory repository), 32 requests in flight, for `GET /users/me` as a
 * signed-in customer. It isolates what the handler, router, authenticator and service add to a
 * request; run.mjs measures the whole server.
 *
 *   node bench/http/handler-cpu.mjs          (HANDLER_CPU_REQUESTS per round, default 100000)
 *
 * CORE_ENTRY names the module with createUserkitHandler (default @userkit/core/server; an older
 * checkout's @userkit/core for a before/after).
 */
import { Buffer } from 'node:buffer';

const core = await import(process.env.CORE_ENTRY ?? '@userkit/core/server');
const service = new core.UserService({ repository: new core.MemoryUserRepository(), mailer: { send: async () => {} }, hasher: new core.BcryptPasswordHasher({ cost: 10 }) });
const handler = core.createUserkitHandler({ service, tokens: new core.JwtTokens({ secret: 'userkit-bench-only-secret-0123456789abcdef' }) });
const request = (method, url, headers, body = null) => ({ method, url: `http://127.0.0.1${url}`, header: (name) => headers[name], body, remoteAddress: '127.0.0.1' });
async function* once(text) {
  yield Buffer.from(text);
}
async function send(method, url, body) {
  const text = JSON.stringify(body);
  return handler.handle(request(method, url, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }, once(text)));
}
const credentials = { email: 'me@example.com', password: 'bench-password-Horse-42' };
await send('POST', '/api/auth/register', { ...credentials, name: 'Me' });
const signedIn = await send('POST', '/api/auth/login', credentials);
const token = JSON.parse(signedIn.body).access_token;
if (!token) throw new Error(`login failed: ${signedIn.status} ${signedIn.body}`);
const me = () => request('GET', '/api/users/me', { authorization: `Bearer ${token}` });

const perRound = Number(process.env.HANDLER_CPU_REQUESTS ?? 100_000);
async function run(count) {
  let started = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (started++ < count) {
        const response = await handler.handle(me());
        if (response.status !== 200) throw new Error(`${response.status} ${response.body}`);
      }
    }),
  );
}
await run(20_000); // warm-up: JIT and caches
const rounds = [];
for (let round = 0; round < 5; round++) {
  const before = process.cpuUsage();
  await run(perRound);
  const used = process.cpuUsage(before);
  rounds.push((used.user + used.system) / perRound);
}
console.log(`GET /users/me, handler only: ${rounds.map((cpu) => cpu.toFixed(1)).join(' / ')} µs CPU per request (5 rounds of ${perRound})`);
process.exit(0);
