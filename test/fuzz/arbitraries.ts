/**
 * fast-check generators of hostile requests, per route of the contract. Field values follow the
 * route's zod schemas (keys, enums, types) often enough to reach deep paths, and are hostile the
 * rest of the time: wrong types, odd Unicode (lone surrogates, RTL, zero-width, NUL, emoji),
 * SQL-ish and LIKE-ish text, prototype keys, huge strings, deep nesting, non-JSON bodies.
 */
import fc from 'fast-check';
import { contract, sortValues, userSchema, type RouteSpec } from '@userkit/core';
import { accepts, isOptional, shapesOf } from './introspect';
import { Huge, Obj, Raw, Sym, seededRoles, type BodyPlan, type CallerPlan, type IdPlan, type J, type QueryParam, type RequestPlan, type Who, type WhoRef } from './model';

const role: fc.Arbitrary<Who> = fc.constantFrom(...seededRoles);
/** Mostly the request's focus user, so values that belong together (email and password, id and ETag) often do. */
const who: fc.Arbitrary<WhoRef> = fc.oneof({ arbitrary: fc.constant('focus' as const), weight: 3 }, { arbitrary: role, weight: 2 });
const recent = fc.nat({ max: 4 });
/** Callers: the focus user itself less often, so admins act on others too. */
const callerWho: fc.Arbitrary<WhoRef> = fc.oneof({ arbitrary: fc.constant('focus' as const), weight: 1 }, { arbitrary: role, weight: 2 });
const sym = (kind: Sym['kind'], arg: fc.Arbitrary<WhoRef | number>) => arg.map((a) => new Sym(kind, a));

// ---------------------------------------------------------------- text

const specialStrings = [
  '',
  ' ',
  ' \t\n ',
  'a',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  'NaN',
  '1e309',
  "' OR 1=1 --",
  "'; DROP TABLE users; --",
  '" OR ""="',
  "admin'--",
  '%',
  '_',
  '\\',
  '%_\\',
  '%%',
  '\\%',
  'a%b_c\\d',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\udc00y',
  '\ud83d',
  '\u202eadmin',
  'ad\u200bmin',
  '\ufeffx',
  '\u2028\u2029',
  '\u0085',
  '\ufb01',
  'İstanbul',
  'ß',
  'Ω',
  'e\u0301',
  '😀',
  '👩‍👩‍👧‍👦',
  '𝕏𝕐',
  'مرحبا',
  'שלום',
  '日本語',
  '١٢٣',
  '０１２',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '=1+1',
  '+1',
  '-1+1',
  '@SUM(A1)',
  '\t=cmd',
  '\r=cmd',
  '../../etc/passwd',
  '..%2F..%2F',
  '%00',
  '%ff',
  '__proto__',
  'constructor',
  'prototype',
  'Bearer x',
  'javascript:alert(1)',
  'https://example.com',
  'a'.repeat(201),
  'a'.repeat(1001),
];

const oddChars = ['\u202e', '\u202d', '\u200b', '\u200d', '\ufeff', '\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u2028', '😀', '👩‍👧', 'é', 'e\u0301', '\ufb01', 'Ⅻ', '١', '０', 'İ', 'ı', 'ß', '\\', '%', '_', "'", '"', '`', '<', '>', '&', '\n', '\r', '\t', ' ', 'a', 'Z', '1', '-', '.', '@', '/', ':', ';', '*', '?'];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const oddText = fc.array(fc.oneof(fc.constantFrom(...oddChars), loneSurrogate, fc.string({ unit: 'binary', minLength: 1, maxLength: 2 })), { maxLength: 14 }).map((parts) => parts.join(''));

/** Huge strings: up to ~1.5 MiB (past the 1 MiB body limit), in 1- to 4-byte characters. */
export const hugeArb: fc.Arbitrary<Huge> = fc
  .record({
    size: fc.constantFrom(201, 4_097, 10_001, 70_000, 600_000, 1_000_000, 1_048_576, 1_572_864),
    char: fc.constantFrom('a', 'é', '😀', ' ', '\\', '"', '%', '\u0000', '\ud800', '\u202e'),
  })
  .map(({ size, char }) => new Huge(size, char));

export const textArb: fc.Arbitrary<string | Huge> = fc.oneof(
  { arbitrary: fc.constantFrom(...specialStrings), weight: 6 },
  { arbitrary: oddText, weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ maxLength: 30 }), weight: 2 },
  { arbitrary: hugeArb, weight: 1 },
);
const shortText = fc.oneof(fc.constantFrom(...specialStrings.filter((s) => s.length < 100)), oddText, fc.string({ unit: 'binary', maxLength: 20 }));

// ---------------------------------------------------------------- numbers

const edgeNumbers = [0, -0, 1, -1, 2, 7, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e9, 1e9 + 1, -1e9, -1e9 - 1, 999_999_999, 1.5, 0.1, -1.5, 1e308, -1e308, 5e-324, 1e21];
const rawNumbers = ['1e400', '-1e400', '-0.0', '1E3', '1.0', '123456789012345678901234567890', '0.1e-400'].map((t) => new Raw(t));
export const numberArb: fc.Arbitrary<J> = fc.oneof(
  { arbitrary: fc.integer({ min: -3, max: 3 }), weight: 3 },
  { arbitrary: fc.constantFrom(...edgeNumbers), weight: 4 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.constantFrom(...rawNumbers), weight: 1 },
);

// ---------------------------------------------------------------- keys

const columnKeys = [...Object.keys(userSchema.shape), 'password_hash', 'verification_code', 'verification_attempts', 'token_version', 'deleted_at'];
const bodyKeys = [...new Set(Object.values(contract as Record<string, RouteSpec>).flatMap((spec) => shapesOf(spec.body).flatMap((s) => Object.keys(s))))];
const protoKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];
const oddKeys = ['', ' ', 'EMAIL', ' email', 'email ', 'e\u0000mail', 'a.b', '$where', '$ne', '0', '-1', '\ud800', '😀', 'password\u200b'];
export const keyArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...protoKeys), weight: 3 },
  { arbitrary: fc.constantFrom(...columnKeys, ...bodyKeys), weight: 3 },
  { arbitrary: fc.constantFrom(...oddKeys), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 1 },
);

// ---------------------------------------------------------------- any JSON

const leafArb: fc.Arbitrary<J> = fc.oneof({ arbitrary: shortText, weight: 4 }, { arbitrary: numberArb, weight: 3 }, fc.boolean(), fc.constant(null), { arbitrary: hugeArb, weight: 1 } as const);

/** Random JSON with hostile keys and leaves, a few levels deep. */
export const anyJsonArb: fc.Arbitrary<J> = fc.letrec<{ json: J }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    { arbitrary: leafArb, weight: 4 },
    { arbitrary: fc.array(tie('json'), { maxLength: 4 }), weight: 1 },
    { arbitrary: fc.array(fc.tuple(keyArb, tie('json')), { maxLength: 5 }).map((entries) => new Obj(entries)), weight: 2 },
  ),
})).json;

const wrongTypeArb: fc.Arbitrary<J> = fc.constantFrom<J>(null, 0, 1, -1, true, false, [], [null], new Obj([]), '1', 'true', 'null', [[]], new Obj([['__proto__', new Obj([['admin', true]])]]));

// ---------------------------------------------------------------- field values

const emailEdge = [
  'a@b',
  'A@EXAMPLE.COM',
  ' padded@example.com ',
  'ü@example.com',
  'user@exämple.com',
  'a＠example.com',
  `${'a'.repeat(64)}@${'b'.repeat(185)}.com`,
  `${'a'.repeat(64)}@${'b'.repeat(186)}.com`,
  "' OR 1=1 --@example.com",
  'x@example.com\u0000',
  '%@example.com',
  '_@example.com',
  'a\\b@example.com',
  '"quoted"@example.com',
  'user+tag@example.com',
  'user@[127.0.0.1]',
  '@example.com',
  'user@',
  '',
];
export const emailArb: fc.Arbitrary<J> = fc.oneof(
  { arbitrary: sym('email', who), weight: 5 },
  { arbitrary: sym('freshEmail', fc.nat()), weight: 4 },
  { arbitrary: sym('mailTo', recent), weight: 2 },
  { arbitrary: fc.constantFrom(...emailEdge), weight: 3 },
  { arbitrary: fc.emailAddress(), weight: 1 },
  { arbitrary: textArb, weight: 1 },
);

const weakPasswords = ['short', 'short7!', 'password123', 'Password123', 'ｐａｓｓｗｏｒｄ１２３', 'é'.repeat(36), 'é'.repeat(37), 'x'.repeat(72), 'x'.repeat(73), '😀'.repeat(18), '😀'.repeat(19), 'k9#mQ2!z', ' '.repeat(8), '\u0000'.repeat(8), 'x'.repeat(4096), 'x'.repeat(4097), 'x'.repeat(289)];
export const passwordArb: fc.Arbitrary<J> = fc.oneof(
  { arbitrary: sym('password', who), weight: 5 },
  { arbitrary: sym('freshPassword', fc.nat()), weight: 4 },
  { arbitrary: fc.constantFrom(...weakPasswords), weight: 3 },
  { arbitrary: textArb, weight: 1 },
);

const codeArb: fc.Arbitrary<J> = fc.oneof(
  { arbitrary: sym('mailCode', recent), weight: 5 },
  { arbitrary: fc.constantFrom<J>('000000', '12345', '1234567', ' 000000 ', '１２３４５６', '١٢٣٤٥٦', '00000\u0000', 0, 123456, '0x1234', '1e5000'), weight: 3 },
  { arbitrary: fc.stringMatching(/^\d{6}$/), weight: 1 },
  { arbitrary: textArb, weight: 1 },
);

const usernameArb: fc.Arbitrary<J> = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9_.-]{3,12}$/), weight: 4 },
  { arbitrary: sym('username', who), weight: 2 },
  { arbitrary: fc.constantFrom('fuzzer', 'FUZZER', 'Fuzzer', 'ab', 'a'.repeat(50), 'a'.repeat(51), 'user name', 'ユーザー', 'admin', '...', '___'), weight: 3 },
);

const urlArb: fc.Arbitrary<J> = fc.oneof(
  fc.constantFrom<J>(
    'https://example.com',
    'http://a.example/c?d=e#f',
    'javascript:alert(1)',
    'ftp://example.com',
    `https://example.com/${'a'.repeat(2030)}`,
    `https://example.com/${'a'.repeat(2040)}`,
    'http://[::1]/',
    'https://exa mple.com',
    'HTTPS://EXAMPLE.COM',
    'https://例え.jp',
    '//example.com',
    'https://user:pass@example.com',
    'data:text/html,<script>alert(1)</script>',
  ),
  fc.webUrl(),
);

const amountArb: fc.Arbitrary<J> = fc.oneof({ arbitrary: fc.integer({ min: -50, max: 50 }), weight: 4 }, { arbitrary: numberArb, weight: 3 }, { arbitrary: fc.constantFrom<J>('5', '1e3', null, true), weight: 1 });

/** Likely-valid values for a field, by name first, then by what its schema accepts (null now and then when it is nullable). */
function plausible(key: string, schema: unknown): fc.Arbitrary<J> {
  const value = plausibleValue(key, schema);
  return accepts(schema).literals.includes(null) ? fc.oneof({ arbitrary: value, weight: 6 }, { arbitrary: fc.constant(null), weight: 1 }) : value;
}

function plausibleValue(key: string, schema: unknown): fc.Arbitrary<J> {
  if (/email/.test(key)) return emailArb;
  if (/password$/.test(key)) return passwordArb;
  if (key === 'code') return codeArb;
  if (key === 'amount') return amountArb;
  if (key === 'username') return usernameArb;
  if (key === 'phone') return fc.oneof(fc.stringMatching(/^\+?[0-9 ().-]{0,20}$/), fc.constantFrom<J>('+1 (555) 010-0000', 'x'.repeat(41), '555\u0000', null));
  if (key === 'password_hash') return bcryptishArb;
  const what = accepts(schema);
  if (what.types.has('array')) {
    const element = what.elements[0];
    const item = /website|site|url/.test(key) ? urlArb : plausible(`${key}[]`, element);
    return fc.array(item, { maxLength: 22 });
  }
  if (/site|url/.test(key)) return urlArb;
  const literals = what.literals.filter((v): v is string | number | boolean => v !== undefined && v !== null);
  if (literals.length > 0) {
    const variants = literals.flatMap((v) => (typeof v === 'string' ? [v.toUpperCase(), ` ${v}`] : []));
    return fc.oneof({ arbitrary: fc.constantFrom<J>(...literals), weight: 5 }, { arbitrary: fc.constantFrom<J>(...variants, ''), weight: 1 });
  }
  if (what.types.has('boolean')) return fc.boolean();
  if (what.types.has('number')) return numberArb;
  if (what.types.has('string')) return fc.oneof({ arbitrary: fc.string({ maxLength: 30 }), weight: 3 }, { arbitrary: textArb, weight: 2 });
  return anyJsonArb;
}

/** A bcrypt-looking hash (for import rows) or something that merely looks close. */
const bcryptChars = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('');
const bcryptishArb: fc.Arbitrary<J> = fc.oneof(
  fc
    .tuple(fc.constantFrom('2a', '2b', '2y', '2x', '1'), fc.constantFrom('04', '10', '12', '31', '99'), fc.array(fc.constantFrom(...bcryptChars), { minLength: 53, maxLength: 53 }))
    .map(([v, cost, chars]) => `$${v}$${cost}$${chars.join('')}`),
  fc.constantFrom<J>('$2b$10$short', 'plain-text-not-a-hash', '', 12),
);

/** Values a valid request would carry: the generator's "benign" mode, to reach the deep paths. */
function validish(key: string, schema: unknown): fc.Arbitrary<J> {
  if (/email/.test(key)) return fc.oneof(sym('email', who), sym('freshEmail', fc.nat()), sym('mailTo', fc.constant(0)));
  if (/password$/.test(key)) return fc.oneof(sym('password', who), sym('freshPassword', fc.nat()));
  if (key === 'code') return fc.oneof({ arbitrary: sym('mailCode', fc.constant(0)), weight: 4 }, { arbitrary: fc.constant<J>('000000'), weight: 1 });
  if (key === 'amount') return fc.oneof({ arbitrary: fc.integer({ min: 1, max: 50 }), weight: 2 }, { arbitrary: fc.integer({ min: -50, max: -1 }), weight: 2 }, { arbitrary: fc.constantFrom(100, 1_000_000, 1_000_000_000, -1_000_000_000), weight: 1 });
  if (key === 'username') return fc.stringMatching(/^[a-z0-9_]{3,12}$/);
  if (key === 'phone') return fc.constant<J>('+1 (555) 010-0100');
  if (key === 'password_hash') return bcryptishArb;
  const what = accepts(schema);
  if (what.types.has('array')) return fc.array(/website|site|url/.test(key) ? fc.constant<J>('https://example.com/x') : validish(`${key}[]`, what.elements[0]), { maxLength: 3 });
  if (/site|url/.test(key)) return fc.constant<J>('https://example.com/site');
  const literals = what.literals.filter((v): v is string | number | boolean => v !== undefined && v !== null);
  if (literals.length > 0) return fc.constantFrom<J>(...literals);
  if (what.types.has('boolean')) return fc.boolean();
  if (what.types.has('number')) return fc.integer({ min: 1, max: 20 });
  return fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .,'-]{0,20}$/);
}

/** A value for `key`: mostly plausible, sometimes the wrong type, sometimes anything (always valid-ish when `benign`). */
export function fieldValue(key: string, schema: unknown, benign = false): fc.Arbitrary<J> {
  if (benign) return validish(key, schema);
  return fc.oneof({ arbitrary: plausible(key, schema), weight: 10 }, { arbitrary: wrongTypeArb, weight: 1 }, { arbitrary: anyJsonArb, weight: 1 });
}

/**
 * An object for one zod object shape: required keys usually present, optional ones sometimes,
 * plus hostile extra keys now and then. Benign objects have every required key, few optional
 * ones and no extras.
 */
export function objectFor(shape: Record<string, unknown>, benign = false): fc.Arbitrary<Obj> {
  const keys = Object.keys(shape);
  const fields = keys.map((key) => {
    const optional = shape[key] === undefined || isOptional(shape[key]);
    const present = benign ? (optional ? 1 : 10) : optional ? 2 : 9;
    const value = fieldValue(key, shape[key], benign).map((v) => [key, v] as [string, J]);
    return present === 10 ? value : fc.oneof({ arbitrary: fc.constant(undefined), weight: 10 - present }, { arbitrary: value, weight: present });
  });
  const extras = benign ? fc.constant([] as [string, J][]) : fc.oneof({ arbitrary: fc.constant([] as [string, J][]), weight: 6 }, { arbitrary: fc.array(fc.tuple(keyArb, anyJsonArb), { minLength: 1, maxLength: 3 }), weight: 1 });
  return fc.tuple(fc.tuple(...fields), extras).map(([present, more]) => new Obj([...present.filter((e): e is [string, J] => e !== undefined), ...more]));
}

// ---------------------------------------------------------------- bodies

const invalidJsonTexts = [
  '{"email":',
  "{'email': 'a@b.co'}",
  '{"a":1,}',
  '[1,2',
  '{"a":NaN}',
  '{"a":undefined}',
  '\ufeff{}',
  '{}garbage',
  '{} {}',
  '/* comment */ {}',
  'email=a%40b.co&password=x',
  '<?xml version="1.0"?><user/>',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  '{"email":"a@b.co","email":"b@b.co"}',
  '"\\ud800"',
  '"\\u0000"',
  '\u0000',
  ' ',
  '',
  'null',
  '[]',
  '0',
  '"string"',
  'true',
  '{"a":"\\x41"}',
  '{"a":01}',
  'id,email\n1,a@b.co\n',
  '{"email":"a@b.co"}\n{"email":"b@b.co"}',
];

const bytesArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constantFrom(
    new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), // {"\xff\xfe":1}
    new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), // UTF-8 BOM + {}
    new Uint8Array([0xc0, 0xaf]), // overlong '/'
    new Uint8Array([0xed, 0xa0, 0x80]), // encoded surrogate
    new Uint8Array([0x22, 0xf4, 0x90, 0x80, 0x80, 0x22]), // above U+10FFFF
    new Uint8Array([0x1f, 0x8b, 0x08, 0x00]), // gzip magic
  ),
  fc.uint8Array({ maxLength: 64 }),
);

/** `[[[…]]]`, `{"a":{"a":…}}`, or a known field holding a deep array. */
const deepArb: fc.Arbitrary<BodyPlan> = fc.record({
  t: fc.constant('deep' as const),
  depth: fc.constantFrom(64, 1_000, 5_000, 10_000, 100_000),
  shape: fc.constantFrom('array' as const, 'object' as const, 'field-array' as const),
});

/** Bodies for a route: schema-shaped objects, any JSON, deep nesting, non-JSON text and bytes. */
export function bodyArb(spec: RouteSpec): fc.Arbitrary<BodyPlan> {
  const shapes = shapesOf(spec.body);
  const shaped = shapes.length > 0 ? fc.oneof(...shapes.map((s) => objectFor(s))) : anyJsonArb;
  const json = (value: fc.Arbitrary<J>) => value.map((v): BodyPlan => ({ t: 'json', value: v }));
  const common = [
    { arbitrary: json(anyJsonArb), weight: 2 },
    { arbitrary: json(wrongTypeArb), weight: 1 },
    { arbitrary: deepArb, weight: 1 },
    { arbitrary: fc.constantFrom(...invalidJsonTexts).map((text): BodyPlan => ({ t: 'text', text })), weight: 1 },
    { arbitrary: bytesArb.map((bytes): BodyPlan => ({ t: 'bytes', bytes })), weight: 1 },
    { arbitrary: shaped.map((value): BodyPlan => ({ t: 'utf16', value })), weight: 1 },
  ];
  if (spec.upload) {
    const rows = rowsArb(false);
    return fc.oneof({ arbitrary: rows, weight: 10 }, { arbitrary: fc.constant<BodyPlan>({ t: 'none' }), weight: 1 }, ...common);
  }
  if (spec.body) return fc.oneof({ arbitrary: json(shaped), weight: 12 }, { arbitrary: fc.constant<BodyPlan>({ t: 'none' }), weight: 1 }, ...common);
  // No body expected: usually none, sometimes one anyway.
  return fc.oneof({ arbitrary: fc.constant<BodyPlan>({ t: 'none' }), weight: 12 }, ...common);
}

/** Upload rows (CSV or NDJSON), as many as 4. */
function rowsArb(benign: boolean): fc.Arbitrary<BodyPlan> {
  const row = fc.oneof(...uploadRowShapes().map((s) => objectFor(s, benign)));
  return fc.record({ t: fc.constant('rows' as const), format: fc.constantFrom('csv' as const, 'ndjson' as const), rows: fc.array(row, { minLength: benign ? 1 : 0, maxLength: 4 }), crlf: fc.boolean() });
}

/** The body of a valid request to `spec`. */
function benignBodyArb(spec: RouteSpec): fc.Arbitrary<BodyPlan> {
  if (spec.upload) return rowsArb(true);
  const shapes = shapesOf(spec.body);
  if (shapes.length === 0) return fc.constant<BodyPlan>({ t: 'none' });
  return fc.oneof(...shapes.map((s) => objectFor(s, true))).map((value): BodyPlan => ({ t: 'json', value }));
}

/** Import rows follow the body of the route that creates users (the one answering with a Location), plus `password_hash`. */
function uploadRowShapes(): Record<string, unknown>[] {
  const creators = Object.values(contract as Record<string, RouteSpec>).filter((spec) => spec.success.location);
  return creators.flatMap((spec) => shapesOf(spec.body)).map((shape) => ({ ...shape, password_hash: undefined }));
}

// ---------------------------------------------------------------- query

/** Dates JavaScript accepts but PostgreSQL may not (year 0, the far ends of its range). */
const storeEdgeDates = ['0000-01-01', '0000-01-01T00:00:00Z', '0000-12-31T23:59:59-14:00', '0001-01-01', '9999-12-31', '9999-12-31T23:59:59.999Z'];
const dateEdges = [
  '2026-01-31',
  '2026-01-31T00:00:00Z',
  '9999-12-31T23:59:59.999999999+14:00',
  '1970-01-01T00:00:00-23:59',
  '2024-02-29',
  '2024-02-30',
  '2023-02-29',
  '2026-13-01',
  '2026-01-31T24:00:00Z',
  '2026-01-31T00:00:00',
  '2026-01-31 00:00:00Z',
  '1e3',
  'now',
  'yesterday',
  '-1',
];

/** Forged keyset cursors: base64url JSON of `[sort, value, id]` with hostile parts. */
const cursorValueEdges = [
  null,
  0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53,
  '',
  'a',
  "' OR 1=1 --",
  '1970-01-01T00:00:00.000000Z',
  '0000-01-01T00:00:00.000000Z',
  '2024-02-30T00:00:00.000000Z',
  '2023-02-29T12:00:00.000000Z',
  '9999-12-31T23:59:59.999999Z',
  '2026-01-31T24:00:00.000000Z',
  '2026-01-31T23:59:60.000000Z',
  'x'.repeat(1000),
  'x'.repeat(1001),
  '\u0000',
  '\ud800',
  true,
  [],
];
/** Keyset timestamps in the cursor's own format that JavaScript's Date.parse accepts but a SQL store may not. */
const storeEdgeTimestamps = ['0000-01-01T00:00:00.000000Z', '2024-02-30T00:00:00.000000Z', '2023-02-29T12:00:00.000000Z', '2026-04-31T00:00:00.000000Z', '9999-12-31T23:59:59.999999Z'];
const cursorSorts = [...sortValues, 'id', '', '-', 'password_hash', 'activity', 'ledger', 'credits;'];
const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const forgedCursorArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      // Mostly the default sort, so the cursor passes the sort check and its value reaches the store.
      fc.oneof({ arbitrary: fc.constant('-created_at'), weight: 2 }, { arbitrary: fc.constantFrom(...cursorSorts), weight: 1 }),
      fc.oneof(fc.constantFrom<unknown>(...cursorValueEdges), fc.constantFrom<unknown>(...storeEdgeTimestamps)),
      fc.oneof({ arbitrary: fc.constant<unknown>(1), weight: 2 }, { arbitrary: fc.constantFrom<unknown>(0, -1, 2 ** 31 - 1, 2 ** 31, 1.5, '1', null), weight: 1 }),
    )
    .map(([sort, value, id]) => b64url(JSON.stringify([sort, value, id]))),
  fc.constantFrom('', '=', '!!!', 'e30', 'W10', 'bnVsbA', b64url('[]'), b64url('{"__proto__":1}'), b64url('"x"'), '%', 'a'.repeat(1000), 'a'.repeat(1001)),
  fc.base64String({ maxLength: 40 }),
);

const limitValues = ['1', '20', '100', '0', '101', '-1', '1.5', '1e2', '0x10', ' 5', '5 ', '', '９', '٥', 'NaN', 'Infinity', '99999999999999999999', '+5', '05', 'true'];
const booleanValues = ['true', 'false', '1', '0', 'yes', 'TRUE', '', 'null'];
const unknownQueryKeys = ['password_hash', 'include_deleted', 'deleted', 'admin', '__proto__', 'constructor', 'q[]', 'limit[]', 'a[b]', '', ' q', 'Q', 'token', 'access_token', 'format ', 'callback', '$where', 'sort[]'];

/** A query value: huge ones stay short enough for Node's 16 KiB header limit (request line included). */
const queryHuge = fc.record({ size: fc.constantFrom(201, 1001), char: fc.constantFrom('a', '%', 'é') }).map(({ size, char }) => new Huge(size, char));

/** A query value a valid request would carry. */
function validQueryValue(key: string, schema: unknown): fc.Arbitrary<string | Sym> {
  const what = accepts(schema);
  const literals = what.literals.filter((v): v is string => typeof v === 'string');
  if (key === 'cursor') return sym('cursor', recent);
  if (key === 'limit') return fc.integer({ min: 1, max: 100 }).map(String);
  if (key === 'q') return fc.oneof(sym('email', who), fc.constantFrom('example', 'fuzz', 'seed', 'z'));
  if (/after|before|date|_at$/.test(key)) return fc.constantFrom('2020-01-01', '2020-01-01T00:00:00Z', '2100-01-01');
  if (literals.length > 0) return fc.constantFrom(...literals);
  if (what.types.has('boolean')) return fc.constantFrom('true', 'false');
  return fc.stringMatching(/^[a-z]{1,8}$/);
}

function queryValue(key: string, schema: unknown): fc.Arbitrary<string | Sym | Huge> {
  const hostile = fc.oneof({ arbitrary: shortText, weight: 5 }, { arbitrary: queryHuge, weight: 1 });
  let plausibleValue: fc.Arbitrary<string | Sym | Huge>;
  const what = accepts(schema);
  const literals = what.literals.filter((v): v is string => typeof v === 'string');
  if (key === 'cursor') plausibleValue = fc.oneof(sym('cursor', recent), forgedCursorArb);
  else if (key === 'limit') plausibleValue = fc.constantFrom(...limitValues);
  else if (key === 'q') plausibleValue = fc.oneof(sym('email', who), fc.constantFrom('%', '_', '\\', '%_\\', "' OR 1=1 --", 'example', 'EXAMPLE', 'seed', 'ü', 'a\u0000'), fc.string({ maxLength: 10 }));
  else if (/after|before|date|_at$/.test(key)) plausibleValue = fc.oneof(fc.constantFrom(...dateEdges), fc.constantFrom(...storeEdgeDates));
  else if (key === 'sort') plausibleValue = fc.constantFrom(...sortValues, '--email', 'password_hash', '-password_hash', 'email;drop', 'EMAIL', ' email', 'id', '');
  else if (literals.length > 0) plausibleValue = fc.constantFrom(...literals, ...literals.map((l) => l.toUpperCase()), '');
  else if (what.types.has('boolean')) plausibleValue = fc.constantFrom(...booleanValues);
  else plausibleValue = fc.string({ maxLength: 12 });
  return fc.oneof({ arbitrary: plausibleValue, weight: 4 }, { arbitrary: hostile, weight: 1 });
}

/** Query parameters of a valid request: some of the schema's keys, each once. */
function benignQueryArb(spec: RouteSpec): fc.Arbitrary<QueryParam[]> {
  const shape = shapesOf(spec.query)[0] ?? {};
  const keys = Object.keys(shape);
  if (keys.length === 0) return fc.constant([]);
  return fc.subarray(keys, { maxLength: Math.min(3, keys.length) }).chain((chosen) =>
    fc.tuple(...chosen.map((key) => validQueryValue(key, shape[key]).map((value): QueryParam => ({ key, value, encode: 'full' })))),
  );
}

/** Query parameters: the schema's keys (sometimes repeated), unknown keys, odd encodings. */
export function queryArb(spec: RouteSpec): fc.Arbitrary<QueryParam[]> {
  const shape = shapesOf(spec.query)[0] ?? {};
  const keys = Object.keys(shape);
  const encode = fc.oneof({ arbitrary: fc.constant('full' as const), weight: 4 }, { arbitrary: fc.constant('minimal' as const), weight: 1 });
  const known =
    keys.length > 0
      ? fc.array(
          fc.constantFrom(...keys).chain((key) => fc.record({ key: fc.constant(key), value: queryValue(key, shape[key]), encode })),
          { maxLength: Math.min(5, keys.length + 1) },
        )
      : fc.constant([]);
  const unknown = fc.oneof(
    { arbitrary: fc.constant([] as QueryParam[]), weight: 5 },
    { arbitrary: fc.array(fc.record({ key: fc.oneof(fc.constantFrom(...unknownQueryKeys), fc.string({ maxLength: 6 })), value: fc.oneof(shortText, queryHuge), encode }), { minLength: 1, maxLength: 3 }), weight: 1 },
  );
  return fc.tuple(known, unknown).map(([a, b]) => [...a, ...b]);
}

// ---------------------------------------------------------------- ids, callers, headers

const rawIds = [
  '-1',
  '0',
  '1',
  '2',
  '2147483647',
  '2147483648',
  '99999999999999999999',
  '1.5',
  '1.0',
  '1e3',
  '1E3',
  '0x10',
  '0b1',
  '0o7',
  ' 1',
  '1 ',
  '+1',
  '01',
  '00001',
  '1_000',
  'NaN',
  'Infinity',
  '-0',
  '٣',
  '１',
  '²',
  'Ⅷ',
  '..',
  '.',
  '..%2F',
  '%2e%2e',
  '%2F',
  '%00',
  '1%00',
  '%',
  '%zz',
  '%E0%A4%A',
  '1;2',
  '1,2',
  '[1]',
  'true',
  'null',
  'me',
  'stats',
  'export',
  'import',
  '',
  "1' OR '1'='1",
  '\u202e1',
  '1\u200b',
];
export const idArb: fc.Arbitrary<IdPlan> = fc.oneof(
  { arbitrary: sym('id', who).map((s): IdPlan => ({ t: 'sym', sym: s })), weight: 8 },
  { arbitrary: sym('createdId', recent).map((s): IdPlan => ({ t: 'sym', sym: s })), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('raw' as const), text: fc.constantFrom(...rawIds), encode: fc.constantFrom('full' as const, 'minimal' as const) }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('raw' as const), text: fc.oneof(shortText, fc.integer().map(String)), encode: fc.constant('full' as const) }), weight: 1 },
);

const garbageAuth = [
  'Bearer',
  'Bearer ',
  'Bearer  ',
  'bearer',
  'Bearer a.b.c',
  `Bearer ${'A'.repeat(600)}`,
  'Basic dXNlcjpwYXNz',
  'Token abc',
  'Bearer eyJhbGciOiJub25lIn0.e30.',
  'Bearer ..',
  'Bearer =',
  'Bearer \u00e9',
  '\u00ff',
  'Bearer a b',
  'Bearer\ta',
  'Negotiate YII=',
  'Bearer null',
  'Bearer undefined',
];
export const callerArb: fc.Arbitrary<CallerPlan> = fc.oneof(
  { arbitrary: callerWho.map((w): CallerPlan => ({ t: 'seed', who: w })), weight: 12 },
  { arbitrary: fc.constant<CallerPlan>({ t: 'none' }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('oddSeed' as const), who: role, how: fc.constantFrom('lower' as const, 'spaces' as const, 'twice-in-one' as const, 'two-headers' as const, 'query' as const, 'cookie' as const, 'no-scheme' as const, 'basic' as const) }), weight: 1 },
  {
    arbitrary: fc.oneof(fc.constantFrom(...garbageAuth), shortText.map((s) => `Bearer ${s}`), fc.array(fc.constantFrom(...garbageAuth), { minLength: 2, maxLength: 3 })).map((value): CallerPlan => ({ t: 'garbage', value })),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      t: fc.constant('forged' as const),
      sub: fc.constantFrom<string | number | undefined>('1', '0', '-1', '2147483647', '2147483648', '9007199254740991', '9007199254740993', '1e3', '1.5', 'abc', '', ' 1', 1, undefined),
      tv: fc.constantFrom<unknown>(0, -1, '0', null, 1.5, 2 ** 53, undefined, true),
      expOffset: fc.constantFrom(3600, -10, 10 ** 10, 0),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ t: fc.constant('bad' as const), how: fc.constantFrom('other-secret' as const, 'alg-none' as const, 'expired' as const, 'tampered' as const, 'unknown-user' as const, 'stale-version' as const), who: role }), weight: 1 },
);

const ifMatchArb: fc.Arbitrary<RequestPlan['ifMatch']> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 6 },
  { arbitrary: sym('etag', who), weight: 3 },
  { arbitrary: fc.constantFrom('*', '"1.1"', 'W/"1.1"', '"0.0"', '""', '"', '1.1', '"-1.-1"', '"1.99999999999999999999"', '"2147483648.1"', ' , , ', '"a.b"', '"1.1", "2.2"'), weight: 2 },
  { arbitrary: fc.array(fc.oneof(sym('etag', who), fc.constantFrom('"1.1"', 'W/"1.1"', '*')), { minLength: 2, maxLength: 4 }), weight: 1 },
  { arbitrary: fc.record({ size: fc.constantFrom(1_000, 6_000), char: fc.constantFrom('"', 'a', ',', '9') }).map(({ size, char }) => new Huge(size, char)), weight: 1 },
  { arbitrary: shortText, weight: 1 },
);

const idempotencyArb: fc.Arbitrary<string | Huge | null> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 6 },
  { arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,40}$/), weight: 3 },
  { arbitrary: fc.constantFrom('', ' ', 'key with spaces', 'ключ', '😀', 'a'.repeat(200), 'a'.repeat(201), "' OR 1=1 --", '%00', '\t'), weight: 2 },
  { arbitrary: fc.constant(new Huge(1_000, 'k')), weight: 1 },
  { arbitrary: shortText, weight: 1 },
);

const hostArb: fc.Arbitrary<string | null> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 8 },
  // Syntactically valid hosts only: @hono/node-server (the harness's server) answers a bare 400 to a malformed Host before any app code runs.
  { arbitrary: fc.constantFrom('api.example.com', 'API.EXAMPLE.COM', 'api.example.com:8080', 'api.localhost', 'apix.example.com', 'example.com', 'api-example.com', 'www.api.example.com'), weight: 2 },
);

const contentTypes = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/problem+json',
  'application/merge-patch+json',
  'application/vnd.api+json',
  'application/json;;',
  'application/jsonx',
  'text/json',
  'text/plain',
  'text/csv',
  'text/csv; charset=utf-8',
  'TEXT/CSV; charset=latin1',
  'application/x-ndjson',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '',
  ' application/json',
  '*/*',
  'application/json, text/csv',
];
const contentTypeArb: fc.Arbitrary<string | null> = fc.oneof(
  { arbitrary: fc.constant('auto'), weight: 20 },
  { arbitrary: fc.constantFrom(...contentTypes), weight: 3 },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: shortText, weight: 1 },
);

const extraHeaderArb: fc.Arbitrary<[string, string][]> = fc.oneof(
  { arbitrary: fc.constant([] as [string, string][]), weight: 6 },
  {
    arbitrary: fc.array(
      fc.oneof(
        fc.constantFrom<[string, string]>(
          ['x-forwarded-for', '203.0.113.7'],
          ['x-forwarded-for', '127.0.0.1, 10.0.0.1'],
          ['x-forwarded-for', 'garbage, ,'],
          ['x-real-ip', '203.0.113.8'],
          ['content-encoding', 'gzip'],
          ['accept', 'text/html'],
          ['accept', 'application/xml'],
          ['accept-charset', 'utf-16'],
          ['cookie', 'token=abc; session=1'],
          ['x-http-method-override', 'DELETE'],
          ['x-original-url', '/api/users/1'],
          ['origin', 'https://evil.example'],
          ['if-none-match', '*'],
          ['range', 'bytes=0-1'],
          ['content-language', 'de'],
          ['forwarded', 'for=203.0.113.9;proto=https'],
        ),
        fc.tuple(fc.constantFrom('x-request-id', 'x-forwarded-for', 'user-agent', 'referer', 'accept-language'), shortText),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    weight: 1,
  },
);

const methodArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constant('route'), weight: 16 },
  { arbitrary: fc.constant('HEAD'), weight: 1 },
  { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), weight: 1 },
);

/** One hostile request against `spec`: every part may be odd. */
function hostileArb(spec: RouteSpec): fc.Arbitrary<RequestPlan> {
  return fc.record({
    focus: role,
    method: methodArb,
    caller: callerArb,
    id: idArb,
    query: spec.query ? queryArb(spec) : fc.oneof({ arbitrary: fc.constant([] as QueryParam[]), weight: 6 }, { arbitrary: queryArb(spec), weight: 1 }),
    body: bodyArb(spec),
    contentType: contentTypeArb,
    ifMatch: spec.headers?.ifMatch ? ifMatchArb : fc.oneof({ arbitrary: fc.constant(null), weight: 8 }, { arbitrary: ifMatchArb, weight: 1 }),
    idempotencyKey: spec.headers?.idempotencyKey ? idempotencyArb : fc.oneof({ arbitrary: fc.constant(null), weight: 8 }, { arbitrary: idempotencyArb, weight: 1 }),
    host: hostArb,
    trailingSlash: fc.oneof({ arbitrary: fc.constant(false), weight: 8 }, { arbitrary: fc.constant(true), weight: 1 }),
    extraHeaders: extraHeaderArb,
    chunked: fc.oneof({ arbitrary: fc.constant(false), weight: 6 }, { arbitrary: fc.constant(true), weight: 1 }),
    address: fc.integer({ min: 1, max: 16 }),
  });
}

/** A request a well-behaved client could send (a seeded caller, valid-looking values), so runs reach past validation and the policy. */
function benignArb(spec: RouteSpec): fc.Arbitrary<RequestPlan> {
  return fc.record({
    focus: role,
    method: fc.constant('route'),
    caller: callerWho.map((w): CallerPlan => ({ t: 'seed', who: w })),
    id: sym('id', who).map((s): IdPlan => ({ t: 'sym', sym: s })),
    query: benignQueryArb(spec),
    body: benignBodyArb(spec),
    contentType: fc.constant('auto'),
    ifMatch: spec.headers?.ifMatch ? fc.oneof(fc.constant(null), sym('etag', fc.constant('focus' as const))) : fc.constant(null),
    idempotencyKey: spec.headers?.idempotencyKey ? fc.oneof(fc.constant(null), fc.stringMatching(/^[a-z0-9-]{1,12}$/)) : fc.constant(null),
    host: fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: fc.constant('api.example.com'), weight: 1 }),
    trailingSlash: fc.constant(false),
    extraHeaders: fc.constant([] as [string, string][]),
    chunked: fc.constant(false),
    address: fc.integer({ min: 1, max: 16 }),
  });
}

/** One request against `spec`: hostile three times in five, benign otherwise. */
export function requestArb(spec: RouteSpec): fc.Arbitrary<RequestPlan> {
  return fc.oneof({ arbitrary: hostileArb(spec), weight: 3 }, { arbitrary: benignArb(spec), weight: 2 });
}
