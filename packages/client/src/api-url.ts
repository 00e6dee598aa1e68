/**
 * The `api.` subdomain rule (SPEC 8): front-end requests go to `api.<domain>`, which the backend
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

/** The production URL for email-related calls: must be https:// (SPEC 8). */
export function emailBaseUrl(value: string): string {
  const url = normaliseBaseUrl(value, 'emailBaseUrl');
  if (!url.startsWith('https://')) {
    throw new ConfigurationError(`emailBaseUrl must be the production API over https://, got ${value}. Email-related calls (register, verify-email, resend-verification, forgot-password, reset-password) never go over plain HTTP.`);
  }
  return url;
}
