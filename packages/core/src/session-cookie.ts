/**
 * Browser mode (docs/sessions.md): the refresh token travels in an `HttpOnly; Secure;
 * SameSite=Strict` cookie scoped to the API's auth path, never in a body script can read. A write
 * authenticated by that cookie (a refresh) must also pass the CSRF checks: a custom request header
 * (which a cross-site form cannot send, and a cross-site script cannot send without a CORS
 * preflight the server refuses) and, when the browser sends `Origin`, an allowed origin.
 */
import { UserkitError } from './errors';

/** The refresh cookie, as the handler's `sessionCookie` option sets it. */
export interface SessionCookieOptions {
  /** Default `userkit_refresh`. */
  name?: string;
  /** Default `<basePath>/auth`: only the auth routes ever receive it. */
  path?: string;
  /** Default `Strict`; `Lax` for apps whose sign-in starts on another site. */
  sameSite?: 'Strict' | 'Lax';
  /** Default true. Off only for a plain-http development server. */
  secure?: boolean;
  /** A `Domain` attribute; default none (the API's host only). */
  domain?: string;
}

/** CSRF settings of cookie-authenticated writes. */
export interface CsrfOptions {
  /**
   * Origins (`https://app.example.com`) allowed to make cookie-authenticated writes. Default: the
   * handler's `cors.origins`, else the API's own origin only.
   */
  origins?: readonly string[];
  /** The header clients must send (any non-empty value). Default `x-userkit-csrf`. */
  header?: string;
}

/** What the cookie module needs of a request. */
interface CookieRequest {
  header(name: string): string | undefined;
}

/** The header every cookie-mode client sends; the typed client sends it on every call. */
export const defaultCsrfHeader = 'x-userkit-csrf';

const normalizeOrigin = (origin: string): string | undefined => {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Reads, sets and clears the refresh cookie, and checks cookie-authenticated writes.
 *
 * @example
 * ```ts
 * const cookie = new SessionCookie({ sameSite: 'Lax' }, '/api', { origins: ['https://app.example.com'] });
 * cookie.serialize(token, 30 * 86_400); // 'userkit_refresh=…; Path=/api/auth; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax'
 * ```
 */
export class SessionCookie {
  readonly name: string;
  readonly #attributes: string;
  readonly #origins: ReadonlySet<string> | undefined;
  readonly #csrfHeader: string;

  constructor(options: SessionCookieOptions, basePath: string, csrf: CsrfOptions = {}) {
    this.name = options.name ?? 'userkit_refresh';
    if (!/^[A-Za-z0-9_-]+$/.test(this.name)) throw new RangeError('sessionCookie.name must be letters, digits, _ or -');
    const parts = [`Path=${options.path ?? `${basePath}/auth`}`];
    if (options.domain !== undefined) parts.push(`Domain=${options.domain}`);
    parts.push('HttpOnly');
    if (options.secure ?? true) parts.push('Secure');
    parts.push(`SameSite=${options.sameSite ?? 'Strict'}`);
    this.#attributes = parts.join('; ');
    this.#origins = csrf.origins && new Set(csrf.origins.map((o) => normalizeOrigin(o) ?? o));
    this.#csrfHeader = (csrf.header ?? defaultCsrfHeader).toLowerCase();
  }

  /** The refresh token in the request's cookie, if any. */
  read(request: CookieRequest): string | undefined {
    const header = request.header('cookie');
    if (!header) return undefined;
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === this.name) {
        const value = part.slice(eq + 1).trim();
        return value === '' ? undefined : value;
      }
    }
    return undefined;
  }

  /** The `Set-Cookie` value carrying `token` for `maxAgeSeconds`. */
  serialize(token: string, maxAgeSeconds: number): string {
    return `${this.name}=${token}; ${this.#attributes.replace('HttpOnly', `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly`)}`;
  }

  /** The `Set-Cookie` value that removes the cookie. */
  clear(): string {
    return this.serialize('', 0);
  }

  /**
   * Throws FORBIDDEN unless a cookie-authenticated write passes the CSRF checks: the custom header
   * is present, and `Origin`, when sent, is allowed (the configured origins, else the request's
   * own host).
   */
  assertSameParty(request: CookieRequest): void {
    if (!request.header(this.#csrfHeader)?.trim()) {
      throw new UserkitError('FORBIDDEN', { detail: `Cookie-authenticated requests must send the ${this.#csrfHeader} header` });
    }
    const origin = request.header('origin');
    if (origin === undefined) return;
    const normalized = normalizeOrigin(origin);
    const allowed = this.#origins ? normalized !== undefined && this.#origins.has(normalized) : normalized !== undefined && new URL(normalized).host === request.header('host');
    if (!allowed) throw new UserkitError('FORBIDDEN', { detail: 'This origin may not use the session cookie' });
  }
}

/** The CSRF origins of the handler options: `csrf.origins`, else `cors.origins`, else none. */
export function csrfOrigins(options: { csrf?: CsrfOptions | undefined; cors?: unknown }): readonly string[] | undefined {
  if (options.csrf?.origins) return options.csrf.origins;
  const cors = options.cors;
  if (typeof cors === 'object' && cors !== null && 'origins' in cors && Array.isArray(cors.origins)) {
    return cors.origins.filter((o): o is string => typeof o === 'string');
  }
  return undefined;
}
