/**
 * What a generated request is made of. Values that depend on the live world (a seeded user's
 * email, its current ETag, the last mailed code, a cursor a list answered with) are symbolic and
 * resolved when the request is sent, so a counterexample stays meaningful while the store changes.
 * Huge strings are symbolic too, so counterexamples print short.
 */
import fc from 'fast-check';

export const seededRoles = ['super', 'admin', 'customer1', 'customer2'] as const;
export type Who = (typeof seededRoles)[number];
/** A seeded user, or `focus`: the one user a request is about (so an email and a password, or an id and an ETag, belong together). */
export type WhoRef = Who | 'focus';

export type SymKind =
  | 'email' // a seeded user's current email
  | 'password' // a seeded user's current password
  | 'id' // a seeded user's id
  | 'etag' // a seeded user's current ETag
  | 'username' // a seeded user's username (or a fresh one)
  | 'createdId' // the id of a user a 2xx answer revealed, counted from the newest
  | 'mailTo' // the recipient of a mailed message, counted from the newest
  | 'mailCode' // the code of a mailed message, counted from the newest
  | 'cursor' // a next_cursor an answer carried, counted from the newest
  | 'freshEmail' // a new, valid, unique email
  | 'freshPassword'; // a new strong password (a secret from then on)

/** A value resolved against the world at send time. */
export class Sym {
  constructor(
    readonly kind: SymKind,
    readonly arg: WhoRef | number,
  ) {}
  [fc.toStringMethod](): string {
    return `<${this.kind}:${this.arg}>`;
  }
}

/** `char` repeated to `size` UTF-16 units (roughly): a huge string that prints short. */
export class Huge {
  constructor(
    readonly size: number,
    readonly char: string,
  ) {}
  value(): string {
    return this.char.repeat(Math.max(1, Math.floor(this.size / this.char.length)));
  }
  [fc.toStringMethod](): string {
    return `<${JSON.stringify(this.char)}×${this.size}>`;
  }
}

/** A JSON token written verbatim (`1e400`, `-0.0`, a 30-digit integer). */
export class Raw {
  constructor(readonly text: string) {}
  [fc.toStringMethod](): string {
    return `raw(${this.text})`;
  }
}

/** A JSON object as ordered entries: keeps `__proto__` as a real key and allows duplicate keys. */
export class Obj {
  constructor(readonly entries: [string, J][]) {}
  [fc.toStringMethod](): string {
    return `{${this.entries.map(([k, v]) => `${JSON.stringify(k)}: ${fc.stringify(v)}`).join(', ')}}`;
  }
}

export type J = null | boolean | number | string | Sym | Huge | Raw | Obj | J[];

/** Turns a symbol into its current value. */
export type Resolver = (sym: Sym) => string | number;

/** Serialises a JSON model to text. */
export function toJsonText(value: J, resolve: Resolver): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Sym) return JSON.stringify(resolve(value));
  if (value instanceof Huge) return JSON.stringify(value.value());
  if (value instanceof Raw) return value.text;
  if (value instanceof Obj) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v, resolve)}`).join(',')}}`;
  return `[${value.map((v) => toJsonText(v, resolve)).join(',')}]`;
}

/** A JSON model as a plain value (for CSV cells): strings, numbers, booleans, null, or JSON text. */
export function toPlain(value: J, resolve: Resolver): string | number | boolean | null {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (value instanceof Sym) return resolve(value);
  if (value instanceof Huge) return value.value();
  if (value instanceof Raw) return value.text;
  return toJsonText(value, resolve);
}

/** Every string a model holds, resolved (for learning which password a request set). */
export function stringsOf(value: J, resolve: Resolver, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Sym) out.push(String(resolve(value)));
  else if (value instanceof Obj) for (const [, v] of value.entries) stringsOf(v, resolve, out);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, resolve, out);
  return out;
}

/** The body of a request. */
export type BodyPlan =
  | { t: 'none' }
  | { t: 'json'; value: J }
  /** `depth` nested arrays or objects, e.g. `[[[[…]]]]`, optionally under a known field. */
  | { t: 'deep'; depth: number; shape: 'array' | 'object' | 'field-array' }
  | { t: 'text'; text: string }
  | { t: 'bytes'; bytes: Uint8Array }
  /** JSON in UTF-16LE with a BOM: valid JSON, wrong encoding. */
  | { t: 'utf16'; value: J }
  /** Upload rows (imports): CSV with a header row of the union of keys, or NDJSON lines. */
  | { t: 'rows'; format: 'csv' | 'ndjson'; rows: Obj[]; crlf: boolean };

/** Who calls. */
export type CallerPlan =
  | { t: 'none' }
  | { t: 'seed'; who: WhoRef }
  /** A seeded user's token sent oddly: lower-case scheme, extra spaces, twice in one header, two headers, in the query. */
  | { t: 'oddSeed'; who: Who; how: 'lower' | 'spaces' | 'twice-in-one' | 'two-headers' | 'query' | 'cookie' | 'no-scheme' | 'basic' }
  /** Any text as the Authorization header (or several headers). */
  | { t: 'garbage'; value: string | string[] }
  /** A token signed with the harness secret but odd claims. */
  | { t: 'forged'; sub: string | number | undefined; tv: unknown; expOffset: number; iss?: string; aud?: string }
  /** Well-formed tokens that must be refused: another secret, alg none, expired, tampered. */
  | { t: 'bad'; how: 'other-secret' | 'alg-none' | 'expired' | 'tampered' | 'unknown-user' | 'stale-version'; who: Who };

/** The path id of routes with `:id`. */
export type IdPlan = { t: 'sym'; sym: Sym } | { t: 'raw'; text: string; encode: 'full' | 'minimal' };

/** A query parameter: key and value (strings, or symbols resolved to strings). */
export type QueryParam = { key: string; value: string | Sym | Huge; encode: 'full' | 'minimal' };

/** One generated request against one route of the contract. */
export interface RequestPlan {
  /** The user `focus` symbols refer to. */
  focus: Who;
  /** `route` sends the route's own method; otherwise this one (405, HEAD). */
  method: string;
  caller: CallerPlan;
  id: IdPlan;
  query: QueryParam[];
  body: BodyPlan;
  /** `auto`: the route's own media type (JSON, or one of the upload types); `null`: none sent. */
  contentType: string | null;
  ifMatch: string | Sym | Huge | (string | Sym)[] | null;
  idempotencyKey: string | Huge | null;
  /** Host header; `api.*` hosts drop the `/api` prefix from the path (docs/api.md#base-path-and-the-api-host). */
  host: string | null;
  trailingSlash: boolean;
  extraHeaders: [string, string][];
  chunked: boolean;
  /** Last octet of the loopback source address (rate limits count per address). */
  address: number;
}
