/**
 * The headers every response of the API carries, whatever it is (JSON, problem+json, an export
 * stream): the browser hardening an API should send (OWASP REST Security Cheat Sheet). Applied in
 * one place, the handler's response path, so both faces and every adapter send the same.
 */

/** HTTP Strict Transport Security, for an API served over HTTPS only. */
export interface HstsOptions {
  /** How long browsers remember to use HTTPS only, in seconds. E.g. one year: 31536000. */
  maxAge: number;
  /** Also for every subdomain. Default false. */
  includeSubDomains?: boolean;
  /** Asks to be preloaded into browsers (only with includeSubDomains and a max age of a year or more). Default false. */
  preload?: boolean;
}

/**
 * The security headers, lower-cased, given the HSTS setting (absent or false: no HSTS, e.g. a
 * server reached over plain HTTP, where browsers ignore the header anyway).
 *
 * @example
 * ```ts
 * securityHeaders({ maxAge: 31536000, includeSubDomains: true })['strict-transport-security']; // 'max-age=31536000; includeSubDomains'
 * ```
 */
export function securityHeaders(hsts?: HstsOptions | false): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {
    // Responses are data, never a page: no MIME sniffing, no framing, no referrer leaking paths.
    'x-content-type-options': 'nosniff',
    // Answers are per caller (most are authenticated): no shared or browser cache keeps them.
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "frame-ancestors 'none'",
  };
  if (hsts) {
    if (!Number.isInteger(hsts.maxAge) || hsts.maxAge < 0) throw new TypeError('hsts.maxAge must be a whole number of seconds');
    headers['strict-transport-security'] = [`max-age=${hsts.maxAge}`, ...(hsts.includeSubDomains ? ['includeSubDomains'] : []), ...(hsts.preload ? ['preload'] : [])].join('; ');
  }
  return headers;
}

/**
 * Adds the security headers to a response's own (freshly built, so mutable) header record; a
 * header the response sets itself is kept. Returns the same record.
 */
export function addSecurityHeaders(headers: Record<string, string>, security: Readonly<Record<string, string>>): Record<string, string> {
  for (const name in security) headers[name] ??= security[name] as string;
  return headers;
}
