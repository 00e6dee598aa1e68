import { describe, expect, it } from 'vitest';
import { allowsEmailCalls, apiBaseUrlFromOrigin, emailBaseUrl } from './api-url';
import { ConfigurationError } from './client-errors';

describe('apiBaseUrlFromOrigin', () => {
  it.each([
    ['https://app.example.com', 'https://api.example.com'],
    ['https://example.com', 'https://api.example.com'],
    ['https://www.example.com', 'https://api.example.com'],
    ['https://api.example.com', 'https://api.example.com'],
    ['https://example.co.uk', 'https://api.example.co.uk'],
    ['https://app.example.com:8443', 'https://api.example.com:8443'],
    ['http://localhost:3000', 'http://localhost:3000/api'],
    ['http://127.0.0.1:5173', 'http://127.0.0.1:5173/api'],
  ])('%s → %s', (origin, expected) => {
    expect(apiBaseUrlFromOrigin(origin)).toBe(expected);
  });

  it('refuses what is not a URL', () => {
    expect(() => apiBaseUrlFromOrigin('example.com')).toThrow(ConfigurationError);
  });
});

describe('emailBaseUrl', () => {
  it('accepts https and strips the trailing slash', () => {
    expect(emailBaseUrl('https://api.example.com/')).toBe('https://api.example.com');
  });
  it.each(['http://api.example.com', 'ftp://api.example.com', 'api.example.com', 'http://10.0.0.5:3000/api', 'http://127.0.0.2/api', 'http://localhost.example.com/api', 'http://app.localhost:3000/api'])(
    'refuses %s with a configuration error',
    (url) => {
      expect(() => emailBaseUrl(url)).toThrow(ConfigurationError);
    },
  );
  it.each(['http://localhost:3000/api', 'http://127.0.0.1:8080/api', 'http://[::1]:3000/api', 'http://LOCALHOST/api'])('accepts plain http on the loopback host %s (local development)', (url) => {
    expect(emailBaseUrl(url)).toBe(new URL(url).href.replace(/\/+$/, ''));
  });
});

describe('allowsEmailCalls', () => {
  it('allows https anywhere and http only on loopback', () => {
    expect(allowsEmailCalls('https://api.example.com')).toBe(true);
    expect(allowsEmailCalls('http://localhost:3000/api')).toBe(true);
    expect(allowsEmailCalls('http://api.example.com')).toBe(false);
    expect(allowsEmailCalls('http://192.168.1.10/api')).toBe(false);
    expect(allowsEmailCalls('not a url')).toBe(false);
  });
});
