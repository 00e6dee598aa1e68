/**
 * What must hold for every answer, whatever was asked:
 *
 * 1. never a 5xx (no faults are injected here), and always an answer;
 * 2. every error under the API is `application/problem+json` with `type`, `title`, `status`,
 *    `code`, `detail` (plus optional `errors` / `fields`), the status the code has in
 *    `errorStatus`, a code the reached route declares in the contract (or 404/405 when no route
 *    was reached), `WWW-Authenticate` on 401, a numeric `Retry-After` on 429, `Allow` on 405;
 * 3. no secret in any body or header: a secret column as a key with a value, a stored hash, a
 *    bcrypt-looking hash, a plaintext password, a mailed 6-digit code the client did not send;
 * 4. a 4xx changes nothing in the store (a wrong verification code may count the try: docs/security.md#verification-codes);
 * 5. a 2xx has the route's success status and parses with its success schema (media type for
 *    streamed answers, an ETag and Location where the contract promises them).
 */
import { errorStatus, userEtag, type RouteName, type RouteSpec } from '@userkit/core';
import { resolveRoute } from './introspect';
import type { RawResponse } from './send';
import type { SentRequest, Snapshot, World } from './world';

const secretKeys = new Set(['password_hash', 'verification_code', 'verification_attempts', 'token_version']);
const problemKeys = ['type', 'title', 'status', 'code', 'detail'];
const optionalProblemKeys = ['errors', 'fields'];
const bcryptLike = /\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}/;
/** Codes a route need not declare: the handler answers them before any route is reached, or on faults. */
const undeclaredOk = new Set(['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE']);

export interface Exchange {
  /** The route the plan aimed at. */
  target: RouteName;
  request: SentRequest;
  response: RawResponse;
}

function underApi(path: string, host: string | undefined): boolean {
  const pathname = new URL(path, 'http://localhost').pathname;
  return pathname === '/api' || pathname.startsWith('/api/') || (host !== undefined && /^api\./i.test(host));
}

const hostOf = (request: SentRequest): string | undefined => {
  const host = request.headers['host'];
  return Array.isArray(host) ? host[0] : host;
};

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

// ---------------------------------------------------------------- 3. secrets

/** Every secret-looking thing in an answer. */
export function leaksOf(world: World, response: RawResponse): string[] {
  const found: string[] = [];
  const plaintexts = [...world.plaintexts];
  const hashes = [...world.hashes];
  const codes = [...new Set(world.h.mailer.messages.map((m) => m.code).filter((c): c is string => c !== undefined && !world.clientDigits.has(c)))];
  const codePattern = codes.length > 0 ? new RegExp(`(?<![0-9])(?:${codes.join('|')})(?![0-9])`) : undefined;

  const literals = [...plaintexts, ...hashes];
  const secretPattern = literals.length > 0 ? new RegExp(literals.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')) : undefined;
  const values = (where: string, text: string) => {
    const hit = secretPattern?.exec(text);
    if (hit) found.push(plaintexts.includes(hit[0]) ? `${where} carries the plaintext password ${JSON.stringify(hit[0])}` : `${where} carries a stored hash (${hit[0].slice(0, 12)}…)`);
    const bcrypt = bcryptLike.exec(text);
    if (bcrypt) found.push(`${where} carries a bcrypt-looking hash ${bcrypt[0].slice(0, 12)}…`);
  };
  const code = (where: string, text: string) => {
    const hit = codePattern?.exec(text);
    if (hit) found.push(`${where} carries the mailed verification code ${hit[0]}`);
  };

  for (const [name, value] of Object.entries(response.headers)) {
    if (secretKeys.has(name)) found.push(`header ${name} is named after a secret column`);
    values(`header ${name}`, value);
    if (name !== 'content-length') code(`header ${name}`, value);
  }

  const text = response.text;
  values('body', text);
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'string') return code(`body at ${path || '(root)'}`, v);
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (secretKeys.has(k) && (x === null || typeof x !== 'object')) found.push(`body has the secret column ${k} at ${path}.${k}`);
      if (!Array.isArray(v)) code(`body key at ${path}`, k);
      walk(x, `${path}.${k}`);
    }
  };
  const type = (response.headers['content-type'] ?? '').toLowerCase();
  const json = /^application\/(?:[\w.-]+\+)?json/.test(type) ? parse(text) : { ok: false as const };
  if (json.ok) walk(json.value, '');
  else if (type.startsWith('application/x-ndjson')) {
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const row = parse(line);
      if (row.ok) walk(row.value, `line ${i + 1}`);
      else code(`body line ${i + 1}`, line);
    });
  } else if (type.startsWith('text/csv')) {
    const [header = '', ...rows] = text.split(/\r?\n/);
    for (const column of header.split(',')) if (secretKeys.has(column.replace(/"/g, '').trim())) found.push(`CSV has the secret column ${column}`);
    // Cells that are whole numbers (ids, credits) are numbers, not codes.
    rows.forEach((row, i) => row.split(',').forEach((cell) => !/^\d+$/.test(cell) && code(`CSV row ${i + 1}`, cell)));
  } else {
    code('body', text);
    for (const key of secretKeys) if (new RegExp(`"${key}"\\s*:`).test(text)) found.push(`body names the secret column ${key}`);
  }
  return found;
}

// ---------------------------------------------------------------- 4. state

/** Keys of the snapshot that differ. */
function changedKeys(before: Snapshot, after: Snapshot): string[] {
  const keys = new Set([...before.entries.keys(), ...after.entries.keys()]);
  return [...keys].filter((k) => before.entries.get(k) !== after.entries.get(k));
}

/** Fields of a user row that differ between two snapshots. */
function changedFields(before: Snapshot, after: Snapshot, key: string): string[] {
  const a = JSON.parse(before.entries.get(key) ?? 'null') as Record<string, unknown> | null;
  const b = JSON.parse(after.entries.get(key) ?? 'null') as Record<string, unknown> | null;
  if (!a || !b) return ['(the whole row)'];
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]));
}

/** How a 4xx changed the store, if it did (beyond what its code allows). */
export function stateChanges(code: string | undefined, before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const key of changedKeys(before, after)) {
    if (key.startsWith('user:')) {
      const fields = changedFields(before, after, key);
      // docs/security.md#verification-codes: a code is dead after 5 wrong tries, so a wrong try is counted (the row version moves with it).
      if (code === 'INVALID_VERIFICATION_CODE' && fields.every((f) => f === 'verification_attempts' || f === 'version')) continue;
      const a = JSON.parse(before.entries.get(key) ?? 'null') as Record<string, unknown> | null;
      const b = JSON.parse(after.entries.get(key) ?? 'null') as Record<string, unknown> | null;
      out.push(`${key} changed: ${fields.map((f) => `${f} ${JSON.stringify(a?.[f])?.slice(0, 80)} → ${JSON.stringify(b?.[f])?.slice(0, 80)}`).join('; ')}`);
    } else if (key.startsWith('activity:') && code === 'INVALID_VERIFICATION_CODE') continue;
    else out.push(`${key} changed: ${before.entries.get(key)} → ${after.entries.get(key)}`);
  }
  return out;
}

// ---------------------------------------------------------------- all of them

/** Every violated property of one exchange, as readable lines. */
export function violations(world: World, ex: Exchange, before: Snapshot, after: Snapshot): string[] {
  const { request, response } = ex;
  const out: string[] = [];
  const host = hostOf(request);
  const head = request.method === 'HEAD';
  const reached = resolveRoute(request.method, request.path, host);
  const api = underApi(request.path, host);
  const status = response.status;

  // 1. No 5xx.
  if (status >= 500) out.push(`1. answered ${status}${world.errors.length > 0 ? ` (handler error: ${describeErrors(world.errors)})` : ''}`);

  // 2. Problem details.
  let code: string | undefined;
  if (status >= 400 && api) {
    const type = response.headers['content-type'] ?? '';
    if (!/^application\/problem\+json/i.test(type)) out.push(`2. error ${status} has content-type ${JSON.stringify(type)}, not application/problem+json`);
    if (!head) {
      const body = parse(response.text);
      const problem = body.ok && body.value !== null && typeof body.value === 'object' && !Array.isArray(body.value) ? (body.value as Record<string, unknown>) : undefined;
      if (!problem) out.push(`2. error ${status} body is not a JSON object: ${response.text.slice(0, 200)}`);
      else {
        code = typeof problem['code'] === 'string' ? problem['code'] : undefined;
        for (const key of problemKeys) if (!(key in problem)) out.push(`2. problem lacks ${key}`);
        for (const key of Object.keys(problem)) if (![...problemKeys, ...optionalProblemKeys].includes(key)) out.push(`2. problem has the unexpected key ${key}`);
        for (const key of ['type', 'title', 'code', 'detail']) if (key in problem && typeof problem[key] !== 'string') out.push(`2. problem ${key} is not a string`);
        if (problem['status'] !== status) out.push(`2. problem status ${JSON.stringify(problem['status'])} ≠ HTTP ${status}`);
        if (code === undefined || !(code in errorStatus)) out.push(`2. problem code ${JSON.stringify(problem['code'])} is not an error code`);
        else {
          const expected = errorStatus[code as keyof typeof errorStatus];
          if (expected !== status) out.push(`2. ${code} answered ${status}, errorStatus says ${expected}`);
          if (reached && !undeclaredOk.has(code) && !(reached.spec.errors as readonly string[]).includes(code)) {
            out.push(`2. ${code} is not among the errors the contract declares for ${reached.name} (${reached.spec.errors.join(', ')})`);
          }
          if (!reached && code !== 'NOT_FOUND' && code !== 'METHOD_NOT_ALLOWED') out.push(`2. ${code} answered where no route was reached (expected NOT_FOUND or METHOD_NOT_ALLOWED)`);
        }
      }
    }
    if (status === 401 && !/^Bearer/i.test(response.headers['www-authenticate'] ?? '')) out.push('2. 401 without WWW-Authenticate: Bearer');
    if (status === 429 && !/^\d+$/.test(response.headers['retry-after'] ?? '')) out.push('2. 429 without a numeric Retry-After');
    if (status === 405 && !response.headers['allow']) out.push('2. 405 without Allow');
  }

  // 3. Secrets.
  for (const leak of leaksOf(world, response)) out.push(`3. ${leak}`);

  // 4. A 4xx changes nothing.
  if (status >= 400 && status < 500) for (const change of stateChanges(code, before, after)) out.push(`4. the ${status} ${code ?? ''} changed the store: ${change}`);

  // 5. 2xx as the contract says.
  if (status >= 200 && status < 300) {
    if (!reached) out.push(`5. ${status} where the contract has no route`);
    else out.push(...successViolations(reached.name, reached.spec, response, head).map((v) => `5. ${v}`));
  }
  return out;
}

function successViolations(name: RouteName, spec: RouteSpec, response: RawResponse, head: boolean): string[] {
  const out: string[] = [];
  const { status, text } = response;
  const type = response.headers['content-type'] ?? '';
  if (status !== spec.success.status) out.push(`${name} answered ${status}, the contract says ${spec.success.status}`);
  if (head || status === 204) {
    if (text !== '') out.push(`${name} ${head ? 'HEAD' : '204'} has a body`);
    return out;
  }
  if (spec.success.media) {
    if (!spec.success.media.some((m) => type.toLowerCase().startsWith(m))) out.push(`${name} answered ${type}, the contract says ${spec.success.media.join(' or ')}`);
    return out;
  }
  if (!/^application\/json/i.test(type)) out.push(`${name} answered content-type ${JSON.stringify(type)}`);
  const body = parse(text);
  if (!body.ok) return [...out, `${name} body is not JSON: ${text.slice(0, 200)}`];
  const result = spec.success.schema?.safeParse(body.value);
  if (result && !result.success) out.push(`${name} body fails its success schema: ${result.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const user = body.value as { id?: unknown; version?: unknown };
  if (spec.success.etag && typeof user.id === 'number' && typeof user.version === 'number') {
    const etag = userEtag({ id: user.id, version: user.version });
    if (response.headers['etag'] !== etag) out.push(`${name} ETag ${JSON.stringify(response.headers['etag'])} ≠ ${etag}`);
  }
  if (spec.success.location && typeof user.id === 'number' && response.headers['location'] !== `/api/users/${user.id}`) out.push(`${name} Location ${JSON.stringify(response.headers['location'])} ≠ /api/users/${user.id}`);
  return out;
}

function describeErrors(errors: unknown[]): string {
  return errors
    .slice(-3)
    .map((e) => (e instanceof Error ? `${e.name}: ${e.message}${e.cause instanceof Error ? ` (cause ${e.cause.message})` : ''}` : String(e)))
    .join(' | ');
}

/** A request and its answer (if any), for a failure report. */
export function describeExchange(ex: Omit<Exchange, 'response'> & { response?: RawResponse | undefined }): string {
  const { request, response } = ex;
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
  const headers = Object.entries(request.headers)
    .map(([k, v]) => `  ${k}: ${clip(Array.isArray(v) ? v.join(' ‖ ') : v, 160)}`)
    .join('\n');
  const bodyLine = request.body === undefined ? '  (no body)' : `  ${request.body.byteLength} bytes${request.chunked ? ', chunked' : ''}: ${clip(JSON.stringify(request.preview), 400)}`;
  const sent = [`→ ${request.method} ${clip(request.path, 400)}   (aimed at ${ex.target}, from ${request.localAddress})`, headers, bodyLine];
  if (!response) return [...sent, '← (no complete answer)'].join('\n');
  const responseHeaders = Object.entries(response.headers)
    .filter(([k]) => !['date', 'connection', 'keep-alive'].includes(k))
    .map(([k, v]) => `  ${k}: ${clip(v, 160)}`)
    .join('\n');
  return [
    ...sent,
    `← ${response.status} in ${Math.round(response.ms)} ms`,
    responseHeaders,
    `  ${clip(response.text, 800)}`,
  ].join('\n');
}
