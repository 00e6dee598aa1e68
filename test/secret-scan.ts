/**
 * The secret scan (docs/security.md#secrets): every response body and header, export, and error the test suites
 * see passes through `scanForSecrets`, which fails the test when it finds a password hash, a
 * verification code that was mailed, or a plaintext password that was sent.
 *
 * The harnesses feed it: they remember the passwords of accepted requests and the codes their
 * mailers sent, and scan each answer.
 */

const passwords = new Set<string>();
const codes = new Set<string>();

/** A bcrypt hash, the test hasher's `test$<sha256>`, or the mock's `mock$<salt>$<sha256>`. */
const hashPatterns = [/\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}/, /test\$[0-9a-f]{64}/, /mock\$[0-9a-f]{16}\$[0-9a-f]{64}/];

/** Remembers the password fields of a request body (only values long enough to be unambiguous). */
export function rememberPasswords(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  for (const key of ['password', 'new_password', 'current_password']) {
    const value = (body as Record<string, unknown>)[key];
    if (typeof value === 'string' && value.length >= 8 && !value.includes('@')) passwords.add(value);
  }
}

/** Remembers codes a mailer sent. */
export function rememberCodes(messages: readonly { code?: string | undefined }[]): void {
  for (const message of messages) if (message.code) codes.add(message.code);
}

/** Throws when `text` holds a secret. `where` names the place for the failure message. */
export function scanForSecrets(text: string, where: string): void {
  for (const pattern of hashPatterns) {
    const found = pattern.exec(text);
    if (found) throw new Error(`secret scan: a password hash in ${where}: ${found[0].slice(0, 12)}…`);
  }
  // The OpenAPI document describes request bodies (an import row may carry `password_hash`).
  const describesSchemas = where.includes('/openapi.json');
  for (const column of describesSchemas ? [] : ['password_hash', 'verification_code', 'verification_attempts', 'token_version']) {
    // A key holding a value (error bodies may name the column, e.g. FIELD_NOT_ALLOWED's `fields`).
    if (new RegExp(`"${column}"\\s*:`).test(text)) throw new Error(`secret scan: the secret column ${column} in ${where}`);
  }
  for (const password of passwords) if (text.includes(password)) throw new Error(`secret scan: a plaintext password in ${where}`);
  for (const code of codes) if (standingAlone(code).test(text)) throw new Error(`secret scan: a mailed verification code in ${where}`);
}

/**
 * Matches `code` standing alone: the same six digits inside a longer run of letters and digits (a
 * request id's hex, a timestamp) are not a leak, and matching them made the scan fail at random.
 */
export function standingAlone(code: string): RegExp {
  return new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`);
}

/** Scans a fetch Response (body read from a clone) and its headers. */
export async function scanResponse(response: Response, where: string): Promise<void> {
  const headers = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  scanForSecrets(headers, `${where} (headers)`);
  if (response.body !== null) scanForSecrets(await response.clone().text(), where);
}
