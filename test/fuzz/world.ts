/**
 * One fuzzing world per property: a real server (Hono or Express) over a store, seeded with a
 * super admin, an admin and two customers (each with a password, a username and a token), and
 * what the fuzzer learns as it goes (ids, cursors, mailed codes, every secret that must never be
 * answered). It turns a {@link RequestPlan} into bytes on the wire and snapshots the store.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { type ListUsersQuery, type RouteSpec, type UserRecord } from '@userkit/core';
import { JwtTokens, ManualClock, type UserkitHandlerOptions } from '@userkit/core/server';
import { secret, startHarness, type AdapterName, type HttpHarness, type StoreTarget } from '../http/harness';
import { roleRecord, type RoleKind } from '../http/support';
import { seededRoles, stringsOf, toJsonText, toPlain, Huge, Sym, type BodyPlan, type CallerPlan, type RequestPlan, type Who } from './model';
import { send, type RawRequest, type RawResponse } from './send';

const kindOf: Record<Who, RoleKind> = { super: 'super', admin: 'admin', customer1: 'customer', customer2: 'customer' };

interface Seeded {
  id: number;
  password: string;
  token: string;
}

/** The store as the fuzzer compares it: one canonical text per user row and per log head. */
export interface Snapshot {
  entries: Map<string, string>;
  users: Map<number, UserRecord>;
}

/** A request as sent, for reports and for the oracles. */
export interface SentRequest extends RawRequest {
  /** Every string the body carried (to learn a password a request set). */
  strings: string[];
  /** The body as text, for reports (bytes decoded as Latin-1). */
  preview: string;
}

const unreserved = /[A-Za-z0-9\-._~]/;
const minimalSafe = /[A-Za-z0-9\-._~!$'()*,;:@%+=&[\]]/;

/** Percent-encodes every UTF-8 byte outside the unreserved set (lone surrogates become U+FFFD). */
export function pctEncode(text: string, keep: RegExp = unreserved): string {
  let out = '';
  for (const ch of text) {
    if (ch.length === 1 && keep.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A header value Node will send: UTF-8 bytes as Latin-1, control characters dropped. */
function headerValue(text: string): string {
  let out = '';
  for (const ch of Buffer.from(text, 'utf8').toString('latin1')) {
    const c = ch.charCodeAt(0);
    if (c === 0x09 || (c >= 0x20 && c !== 0x7f)) out += ch;
  }
  return out;
}

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

/** An HS256 JWT over any claims, signed with `key`. */
export function signJwt(claims: Record<string, unknown>, key: string, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const body = `${b64url(header)}.${b64url(claims)}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

/** customer2's starting balance: 47 below PostgreSQL's largest integer. */
export const nearMaxCredits = 2_147_483_600;

const fastHash = (password: string) => `test$${createHash('sha256').update(password).digest('hex')}`;

export class World {
  readonly h: HttpHarness;
  readonly salt = randomBytes(3).toString('hex');
  readonly seeded = {} as Record<Who, Seeded>;
  /** Ids of every user ever seeded (replaced ones too), for the snapshot. */
  readonly seededIds = new Set<number>();
  /** Plaintexts that must never appear in an answer: every seeded and every fresh password. */
  readonly plaintexts = new Set<string>();
  /** Every stored password hash and verification-code hash seen in a snapshot. */
  readonly hashes = new Set<string>();
  /** 6-digit runs the client itself sent (an echo of those is no leak of a mailed code). */
  readonly clientDigits = new Set<string>();
  readonly createdIds: number[] = [];
  readonly cursors: string[] = [];
  /** Unexpected errors the handler reported (the cause behind a 500). */
  readonly errors: unknown[];
  snapshot!: Snapshot;
  /** The user `focus` symbols of the request being built refer to. */
  focus: Who = 'customer1';
  #generation = 0;

  private constructor(h: HttpHarness, errors: unknown[]) {
    this.h = h;
    this.errors = errors;
  }

  static async start(adapter: AdapterName, store: StoreTarget): Promise<World> {
    const errors: unknown[] = [];
    const extra: Partial<UserkitHandlerOptions> = { onError: (error) => errors.push(error) };
    const world = new World(await startHarness(adapter, store, extra), errors);
    for (const who of seededRoles) await world.#seed(who);
    await world.#ensurePending();
    world.snapshot = await world.snap();
    return world;
  }

  async close(): Promise<void> {
    await this.h.close();
  }

  async #seed(who: Who): Promise<void> {
    const password = `Fz-seed-${this.salt}-${who}-${++this.#generation}!`;
    this.plaintexts.add(password);
    const { user, token } = await this.h.seed({ ...roleRecord(kindOf[who]), password, username: `fz_${this.salt}_${who}_${this.#generation}`, name: `Fuzz ${who}` });
    this.seeded[who] = { id: user.id, password, token };
    this.seededIds.add(user.id);
    // One customer sits just under the largest balance an integer column holds, so ordinary
    // adjustments probe the upper bound too.
    if (who === 'customer2') for (const amount of [1_000_000_000, 1_000_000_000, nearMaxCredits - 2_000_000_000]) await this.h.service.grantCredits(user.id, amount, 'fuzz: near the maximum');
  }

  /**
   * Makes sure the newest mailed code belongs to a pending user who has not used it, so
   * `verify-email` with `<mailTo:0>` and `<mailCode:0>` can succeed: registers one when not.
   */
  async #ensurePending(): Promise<boolean> {
    const last = this.h.mailer.messages.at(-1);
    const user = last && (await this.h.repository.findByEmail(last.to));
    if (user && !user.email_verified && user.verification_code !== null && user.deleted_at === null) return false;
    const n = ++this.#generation;
    const password = `Fz-pending-${this.salt}-${n}!`;
    this.plaintexts.add(password);
    await this.h.service.register({ email: `fz-pending-${this.salt}-${n}@example.com`, password });
    return true;
  }

  /** The current stored row of a seeded user. */
  record(who: Who): UserRecord | undefined {
    return this.snapshot.users.get(this.seeded[who].id);
  }

  /** The value of a symbol now. */
  resolve = (sym: Sym): string | number => {
    const messages = this.h.mailer.messages;
    const nth = <T>(list: readonly T[], i: number): T | undefined => list[list.length - 1 - (i as number)];
    const who = (sym.arg === 'focus' ? this.focus : sym.arg) as Who;
    switch (sym.kind) {
      case 'email':
        return this.record(who)?.email ?? 'gone@example.com';
      case 'password':
        return this.seeded[who].password;
      case 'id':
        return this.seeded[who].id;
      case 'etag': {
        const r = this.record(who);
        return r ? `"${r.id}.${r.version}"` : '"0.0"';
      }
      case 'username':
        return this.record(who)?.username ?? `fz_${this.salt}_nobody`;
      case 'createdId':
        return nth(this.createdIds, sym.arg as number) ?? this.seeded.customer1.id;
      case 'mailTo':
        return nth(messages, sym.arg as number)?.to ?? 'nobody@example.com';
      case 'mailCode':
        return nth(messages, sym.arg as number)?.code ?? '000000';
      case 'cursor':
        return nth(this.cursors, sym.arg as number) ?? b64url('not-a-cursor');
      case 'freshEmail':
        return `fz${sym.arg}.${this.salt}@example.com`;
      case 'freshPassword': {
        const password = `Fz-pw-${this.salt}-${sym.arg}-Ok!`;
        this.plaintexts.add(password);
        return password;
      }
    }
  };

  /** Users (live ones by listing, every seeded one by id, deleted too) and the newest log entries of the seeded users. */
  async snap(): Promise<Snapshot> {
    // A request's effects include the work it left running after its answer.
    await this.h.service.settled();
    const repo = this.h.repository;
    const users = new Map<number, UserRecord>();
    let cursor: string | undefined;
    do {
      const page = await repo.list({ sort: 'email', limit: 100, ...(cursor ? { cursor } : {}) } as ListUsersQuery);
      for (const u of page.items) users.set(u.id, u);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    for (const id of this.seededIds) {
      const u = await repo.findById(id, { includeDeleted: true });
      if (u) users.set(id, u);
    }
    const entries = new Map<string, string>();
    for (const [id, u] of [...users].sort(([a], [b]) => a - b)) {
      entries.set(`user:${id}`, JSON.stringify(u));
      if (u.password_hash) this.hashes.add(u.password_hash);
      if (u.verification_code) this.hashes.add(u.verification_code);
    }
    for (const who of seededRoles) {
      const id = this.seeded[who].id;
      const activity = await repo.listActivity(id, { limit: 1 });
      const ledger = await repo.listCreditTransactions(id, { limit: 1 });
      entries.set(`activity:${id}`, String(activity.items[0]?.id ?? 0));
      entries.set(`ledger:${id}`, String(ledger.items[0]?.id ?? 0));
    }
    return { entries, users };
  }

  /**
   * After a request that changed the store: keeps the four seeded callers usable. A revoked token is
   * re-issued; a password a request set is learned (or the user replaced); a user that was deleted,
   * suspended, deactivated or changed role is replaced by a fresh one of the same kind.
   */
  async maintain(sent: SentRequest): Promise<void> {
    let changed = false;
    for (const who of seededRoles) {
      const s = this.seeded[who];
      const r = this.snapshot.users.get(s.id);
      const kind = kindOf[who];
      const roleOk = r && (kind === 'customer' ? r.user_type === 'customer' : r.user_type === 'admin' && r.is_super_admin === (kind === 'super'));
      let usable = !!r && r.deleted_at === null && (r.status === 'active' || r.status === 'pending') && roleOk;
      if (usable && r && r.password_hash !== fastHash(s.password)) {
        const learned = sent.strings.map((x) => x.normalize('NFKC')).find((x) => fastHash(x) === r.password_hash);
        if (learned !== undefined) s.password = learned;
        else usable = false;
      }
      if (!usable) {
        await this.#seed(who);
        changed = true;
      } else if (r) {
        const claims = this.#claims(s.token);
        if (claims.tv !== r.token_version) s.token = (await this.h.tokens.issue({ id: r.id, token_version: r.token_version })).access_token;
      }
    }
    if (await this.#ensurePending()) changed = true;
    if (changed) this.snapshot = await this.snap();
  }

  #claims(token: string): { tv?: unknown } {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { tv?: unknown };
  }

  /** The Authorization (or other) headers and extra query of a caller. */
  async #auth(caller: CallerPlan): Promise<{ headers: Record<string, string | string[]>; query?: string }> {
    const now = Math.floor(this.h.clock.now().getTime() / 1000);
    const base = { iss: 'userkit', aud: 'userkit-api', iat: now, exp: now + 3600 };
    switch (caller.t) {
      case 'none':
        return { headers: {} };
      case 'seed':
        return { headers: { authorization: `Bearer ${this.seeded[caller.who === 'focus' ? this.focus : caller.who].token}` } };
      case 'oddSeed': {
        const token = this.seeded[caller.who].token;
        const other = this.seeded[caller.who === 'super' ? 'customer1' : 'super'].token;
        switch (caller.how) {
          case 'lower':
            return { headers: { authorization: `bearer ${token}` } };
          case 'spaces':
            return { headers: { authorization: `Bearer    ${token}   ` } };
          case 'twice-in-one':
            return { headers: { authorization: `Bearer ${token}, Bearer ${other}` } };
          case 'two-headers':
            return { headers: { authorization: [`Bearer ${token}`, `Bearer ${other}`] } };
          case 'query':
            return { headers: {}, query: `access_token=${token}` };
          case 'cookie':
            return { headers: { cookie: `token=${token}; access_token=${token}` } };
          case 'no-scheme':
            return { headers: { authorization: token } };
          case 'basic':
            return { headers: { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` } };
        }
        break;
      }
      case 'garbage':
        return { headers: { authorization: Array.isArray(caller.value) ? caller.value.map(headerValue) : headerValue(caller.value) } };
      case 'forged': {
        const claims: Record<string, unknown> = { ...base, exp: now + caller.expOffset };
        if (caller.sub !== undefined) claims['sub'] = caller.sub;
        if (caller.tv !== undefined) claims['tv'] = caller.tv;
        return { headers: { authorization: `Bearer ${signJwt(claims, secret)}` } };
      }
      case 'bad': {
        const s = this.seeded[caller.who];
        const tv = this.record(caller.who)?.token_version ?? 0;
        const claims = { ...base, sub: String(s.id), tv };
        let token: string;
        if (caller.how === 'other-secret') token = signJwt(claims, 'another-secret-that-is-long-enough-for-hs256-!!');
        else if (caller.how === 'alg-none') token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
        else if (caller.how === 'expired') {
          const past = new ManualClock(new Date(this.h.clock.now().getTime() - 2 * 3600_000));
          token = (await new JwtTokens({ secret, clock: past }).issue({ id: s.id, token_version: tv })).access_token;
        } else if (caller.how === 'tampered') {
          const [h, p, sig = ''] = s.token.split('.');
          token = `${h}.${p}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
        } else if (caller.how === 'unknown-user') token = (await this.h.tokens.issue({ id: 2_000_000_000, token_version: 0 })).access_token;
        else token = (await this.h.tokens.issue({ id: s.id, token_version: tv + 1 })).access_token;
        return { headers: { authorization: `Bearer ${token}` } };
      }
    }
    return { headers: {} };
  }

  #body(plan: BodyPlan, spec: RouteSpec): { bytes?: Uint8Array; strings: string[]; autoType?: string } {
    const jsonType = 'application/json';
    switch (plan.t) {
      case 'none':
        return { strings: [] };
      case 'json':
        return { bytes: Buffer.from(toJsonText(plan.value, this.resolve), 'utf8'), strings: stringsOf(plan.value, this.resolve), autoType: jsonType };
      case 'deep': {
        const d = plan.depth;
        const field = Object.keys((spec.body as { shape?: object } | undefined)?.shape ?? {})[0] ?? 'a';
        const text = plan.shape === 'array' ? '['.repeat(d) + ']'.repeat(d) : plan.shape === 'object' ? `${'{"a":'.repeat(d)}1${'}'.repeat(d)}` : `{${JSON.stringify(field)}:${'['.repeat(d)}${']'.repeat(d)}}`;
        return { bytes: Buffer.from(text), strings: [], autoType: jsonType };
      }
      case 'text':
        return { bytes: Buffer.from(plan.text, 'utf8'), strings: [], autoType: jsonType };
      case 'bytes':
        return { bytes: plan.bytes, strings: [], autoType: jsonType };
      case 'utf16':
        return { bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(toJsonText(plan.value, this.resolve), 'utf16le')]), strings: [], autoType: jsonType };
      case 'rows': {
        const nl = plan.crlf ? '\r\n' : '\n';
        const strings = plan.rows.flatMap((r) => stringsOf(r, this.resolve));
        if (plan.format === 'ndjson') {
          return { bytes: Buffer.from(plan.rows.map((r) => toJsonText(r, this.resolve)).join(nl) + nl, 'utf8'), strings, autoType: 'application/x-ndjson' };
        }
        const columns = [...new Set(plan.rows.flatMap((r) => r.entries.map(([k]) => k)))];
        const cell = (v: unknown) => {
          const text = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(' ') : String(v);
          return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
        };
        const lines = [columns.map(cell).join(',')];
        for (const r of plan.rows) {
          const values = new Map(r.entries.map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => toPlain(x, this.resolve)) : toPlain(v, this.resolve)]));
          lines.push(columns.map((c) => cell(values.get(c))).join(','));
        }
        return { bytes: Buffer.from(lines.join(nl) + nl, 'utf8'), strings, autoType: 'text/csv' };
      }
    }
  }

  /** Builds the request of a plan (or `undefined` when it would break Node's header size limit). */
  async build(plan: RequestPlan, spec: RouteSpec): Promise<SentRequest | undefined> {
    this.focus = plan.focus;
    const apiHost = plan.host !== null && /^api\./i.test(plan.host);
    const idText = plan.id.t === 'sym' ? String(this.resolve(plan.id.sym)) : plan.id.encode === 'full' ? pctEncode(plan.id.text) : pctEncode(plan.id.text, minimalSafe);
    const auth = await this.#auth(plan.caller);
    const params = plan.query.map(({ key, value, encode }) => {
      const v = value instanceof Sym ? String(this.resolve(value)) : value instanceof Huge ? value.value() : value;
      const keep = encode === 'full' ? unreserved : minimalSafe;
      return `${pctEncode(key, keep)}=${pctEncode(v, keep)}`;
    });
    if (auth.query) params.push(auth.query);
    const path = `${apiHost ? '' : '/api'}${spec.path.replace(':id', idText)}${plan.trailingSlash ? '/' : ''}${params.length > 0 ? `?${params.join('&')}` : ''}`;

    const body = this.#body(plan.body, spec);
    const headers: Record<string, string | string[]> = { ...auth.headers };
    if (plan.host !== null) headers['host'] = plan.host;
    const contentType = plan.contentType === 'auto' ? body.autoType : plan.contentType;
    if (contentType !== undefined && contentType !== null) headers['content-type'] = headerValue(contentType);
    if (plan.ifMatch !== null) {
      const one = (v: string | Sym) => (v instanceof Sym ? String(this.resolve(v)) : v);
      headers['if-match'] = headerValue(Array.isArray(plan.ifMatch) ? plan.ifMatch.map(one).join(', ') : plan.ifMatch instanceof Huge ? plan.ifMatch.value() : one(plan.ifMatch));
    }
    if (plan.idempotencyKey !== null) headers['idempotency-key'] = headerValue(plan.idempotencyKey instanceof Huge ? plan.idempotencyKey.value() : plan.idempotencyKey);
    for (const [name, value] of plan.extraHeaders) {
      const existing = headers[name];
      const v = headerValue(value);
      headers[name] = existing === undefined ? v : [...(Array.isArray(existing) ? existing : [existing]), v];
    }
    // Node's server refuses a header section over 16 KiB (request line included) with a bare 431
    // before any application code runs; such plans test Node, not userkit.
    const headerBytes = path.length + Object.entries(headers).reduce((n, [k, v]) => n + k.length + (Array.isArray(v) ? v.join('').length + 4 * v.length : v.length + 4), 0);
    if (headerBytes > 15_000) return undefined;

    const method = plan.method === 'route' ? spec.method : plan.method;
    const bytes = body.bytes;
    const preview = bytes === undefined ? '' : Buffer.from(bytes.subarray(0, 600)).toString('utf8');
    const text = [path, ...Object.values(headers).flat(), bytes && bytes.byteLength < 2_000_000 ? Buffer.from(bytes).toString('latin1') : ''].join('\n');
    for (const run of text.match(/\d{6,}/g) ?? []) for (let i = 0; i + 6 <= run.length; i++) this.clientDigits.add(run.slice(i, i + 6));
    return {
      method,
      path,
      headers,
      body: bytes === undefined ? undefined : bytes,
      chunked: plan.chunked && bytes !== undefined,
      localAddress: `127.0.0.${plan.address}`,
      strings: body.strings,
      preview,
    };
  }

  /** Sends a built request. */
  send(request: SentRequest): Promise<RawResponse> {
    return send(this.h.baseUrl, request);
  }

  /** Learns ids of users and cursors from a 2xx JSON answer. */
  learn(json: unknown): void {
    const walk = (v: unknown, depth: number) => {
      if (depth > 6 || v === null || typeof v !== 'object') return;
      if (Array.isArray(v)) return void v.slice(0, 100).forEach((x) => walk(x, depth + 1));
      const o = v as Record<string, unknown>;
      if (typeof o['id'] === 'number' && typeof o['email'] === 'string' && !this.seededIds.has(o['id'])) this.createdIds.push(o['id']);
      if (typeof o['next_cursor'] === 'string') this.cursors.push(o['next_cursor']);
      for (const x of Object.values(o)) walk(x, depth + 1);
    };
    walk(json, 0);
    if (this.createdIds.length > 50) this.createdIds.splice(0, this.createdIds.length - 50);
    if (this.cursors.length > 20) this.cursors.splice(0, this.cursors.length - 20);
  }
}
