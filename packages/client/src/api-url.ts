/**
 * The `api.` subdomain rule (docs/api.md#base-path-and-the-api-host): front-end requests go to `api.<domain>`, which the backend
 * maps to `/api`; in development the API sits at `<origin>/api`.
 */
import { ConfigurationError } from './client-errors';

/** First labels that name the front end rather than the domain: replaced by `api`. */
const frontEndLabels = new Set(['app', 'www', 'web', 'admin', 'dashboard', 'portal', 'console']);

function isLocal(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^[\d.]+$/.test(hostname) || hostname.startsWith('[');
}

/**
 * The API base URL for an app origin.
 *
 * @example
 * ```ts
 * apiBaseUrlFromOrigin('https://app.example.com'); // 'https://api.example.com'
 * apiBaseUrlFromOrigin('https://example.com');     // 'https://api.example.com'
 * apiBaseUrlFromOrigin('http://localhost:3000');   // 'http://localhost:3000/api'
 * ```
 */
export function apiBaseUrlFromOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new ConfigurationError(`Not a URL: ${origin}`);
  }
  const port = url.port ? `:${url.port}` : '';
  if (isLocal(url.hostname)) return `${url.protocol}//${url.hostname}${port}/api`;
  const labels = url.hostname.split('.');
  if (labels[0] === 'api') return `${url.protocol}//${url.hostname}${port}`;
  const rest = labels.length > 2 && frontEndLabels.has(labels[0] ?? '') ? labels.slice(1) : labels;
  return `${url.protocol}//api.${rest.join('.')}${port}`;
}

/** A base URL without trailing slash; refuses anything but http(s). */
export function normaliseBaseUrl(value: string, label: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(`${label} is not a URL: ${value}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigurationError(`${label} must be an http(s) URL: ${value}`);
  return url.href.replace(/\/+$/, '');
}

/**
 * True when `hostname` (as `URL.hostname` gives it) is this machine's loopback interface:
 * `localhost`, `127.0.0.1` or `[::1]`. Traffic to it never leaves the machine, so plain HTTP
 * exposes nothing on the wire.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/**
 * True when email-related calls may go to this base URL: `https://`, or `http://` to a loopback
 * host (local development: the dev server on `http://localhost:3000/api`). Any other plain-HTTP
 * host is refused, so a production code or password never crosses a network unencrypted.
 */
export function allowsEmailCalls(baseUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/** The URL for email-related calls: `https://`, or `http://` on a loopback host only (docs/api.md). */
export function emailBaseUrl(value: string): string {
  const url = normaliseBaseUrl(value, 'emailBaseUrl');
  if (!allowsEmailCalls(url)) {
    throw new ConfigurationError(
      `emailBaseUrl must be the production API over https:// (or http:// on localhost, 127.0.0.1 or [::1] in development), got ${value}. Email-related calls (register, verify-email, resend-verification, forgot-password, reset-password) never go over plain HTTP across a network.`,
    );
  }
  return url;
}
