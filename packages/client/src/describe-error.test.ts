import { errorCodes, errorStatus, errorTitles } from '@userkit/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ApiError, ConfigurationError, NetworkError, TimeoutError } from './client-errors';
import { createErrorDescriber, describeError, formatRetryIn, isAbortError } from './describe-error';

const problem = (code: (typeof errorCodes)[number], extra: object = {}) =>
  new ApiError({ type: 'x', title: errorTitles[code], status: errorStatus[code], code, detail: `detail of ${code}`, ...extra });

describe('describeError', () => {
  it.each(errorCodes)('gives a title and a message for %s', (code) => {
    const d = describeError(problem(code));
    expect(d.code).toBe(code);
    expect(d.title.length).toBeGreaterThan(3);
    expect(d.message.length).toBeGreaterThan(10);
  });

  it('groups field messages by path, including import rows and FIELD_NOT_ALLOWED fields', () => {
    const d = describeError(
      problem('VALIDATION_ERROR', {
        errors: [
          { path: 'email', message: 'Enter a valid email address', code: 'invalid_format' },
          { path: 'email', message: 'Email is required', code: 'too_small' },
          { path: 'name', message: 'Too long', code: 'too_big', row: 3 },
        ],
      }),
    );
    expect(d.fields).toEqual({ email: ['Enter a valid email address', 'Email is required'], name: ['Row 3: Too long'] });
    expect(describeError(problem('FIELD_NOT_ALLOWED', { fields: ['status'] })).fields).toEqual({ status: ['You may not change this field'] });
  });

  it('says when to retry a rate-limited call', () => {
    const d = describeError(new ApiError({ type: 'x', title: 't', status: 429, code: 'RATE_LIMITED', detail: 'd' }, 42));
    expect(d.message).toBe('Too many attempts. Try again in 42 seconds.');
    expect(d).toMatchObject({ retryable: true, retryAfter: 42 });
    const long = describeError(new ApiError({ type: 'x', title: 't', status: 429, code: 'RATE_LIMITED', detail: 'd' }, 891));
    expect(long.message).toBe('Too many attempts. Try again in 15 minutes.');
  });

  it('shows which password rule failed', () => {
    expect(describeError(problem('WEAK_PASSWORD', { detail: 'Password must be at least 8 characters' })).message).toBe('Password must be at least 8 characters.');
  });

  it('describes network, timeout, configuration and unknown errors', () => {
    expect(describeError(new NetworkError()).code).toBe('NETWORK');
    expect(describeError(new TimeoutError()).code).toBe('TIMEOUT');
    expect(describeError(new Error('boom'))).toMatchObject({ code: 'UNKNOWN', retryable: false });
    expect(describeError('a string')).toMatchObject({ code: 'UNKNOWN' });
  });
});

describe('formatRetryIn', () => {
  it.each([
    [0, 'in a moment'],
    [1, 'in a moment'],
    [42, 'in 42 seconds'],
    [60, 'in 1 minute'],
    [61, 'in 2 minutes'],
    [891, 'in 15 minutes'],
    [3599, 'in 60 minutes'],
    [3600, 'in about an hour'],
    [5000, 'in about an hour'],
    [3 * 3600, 'in about 3 hours'],
    [2 * 86_400, 'in about 2 days'],
  ])('%i seconds is "%s"', (seconds, words) => {
    expect(formatRetryIn(seconds)).toBe(words);
  });
});

describe('describeError for people', () => {
  it('never shows configuration text to end users: developer errors are marked and keep it apart', () => {
    const d = describeError(new ConfigurationError('register sends email: set emailBaseUrl to the production API over https://'));
    expect(d).toMatchObject({ code: 'CONFIGURATION', developer: true, retryable: false, ignore: false });
    expect(d.message).not.toContain('emailBaseUrl');
    expect(d.title).not.toContain('misconfigured');
    expect(d.developerMessage).toBe('ConfigurationError: register sends email: set emailBaseUrl to the production API over https://');
    expect(describeError(problem('INVALID_JSON'))).toMatchObject({ developer: true, developerMessage: 'INVALID_JSON (400): detail of INVALID_JSON' });
    expect(describeError(problem('INVALID_JSON')).message).not.toContain('detail of');
    expect(describeError(problem('EMAIL_TAKEN')).developer).toBe(false);
  });

  it('marks a cancelled request as nothing to show (not "Something went wrong")', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(isAbortError(abort)).toBe(true);
    expect(describeError(abort)).toMatchObject({ code: 'ABORTED', ignore: true, message: '', retryable: false });
    expect(isAbortError(new Error('boom'))).toBe(false);
    expect(describeError(new DOMException('timed out', 'TimeoutError')).code).toBe('TIMEOUT');
  });

  it('takes your wording per code, as a map, keeping defaults for what it leaves out', () => {
    const d = describeError(problem('EMAIL_TAKEN'), { messages: { EMAIL_TAKEN: { message: 'Diese E-Mail ist vergeben.' } } });
    expect(d).toMatchObject({ title: 'Email already in use', message: 'Diese E-Mail ist vergeben.' });
    expect(describeError(problem('NOT_FOUND'), { messages: { EMAIL_TAKEN: { message: 'x' } } }).title).toBe('Not found');
  });

  it('takes one function for every code (an i18n catalogue), with the wait in words', () => {
    const messages = ({ code, retryIn }: { code: string; retryIn: string | undefined }) => (code === 'RATE_LIMITED' ? { message: `Erneut versuchen ${retryIn}` } : undefined);
    const describe = createErrorDescriber({ messages, formatRetryIn: (s) => `in ${Math.ceil(s / 60)} Minuten` });
    expect(describe(new ApiError({ type: 'x', title: 't', status: 429, code: 'RATE_LIMITED', detail: 'd' }, 891)).message).toBe('Erneut versuchen in 15 Minuten');
    expect(describe(problem('FORBIDDEN')).message).toBe('You do not have permission to do this.');
  });

  it('rewords field errors on request', () => {
    const error = problem('VALIDATION_ERROR', { errors: [{ path: 'email', message: 'Enter a valid email address', code: 'invalid_format' }] });
    expect(describeError(error, { fieldMessage: (e) => (e.code === 'invalid_format' ? 'Ungültiges Format' : undefined) }).fields).toEqual({ email: ['Ungültiges Format'] });
  });

  it("keys fields by the named route's fields", () => {
    const d = describeError<'updateUser'>(problem('VALIDATION_ERROR', { errors: [{ path: 'phone', message: 'Bad phone', code: 'custom' }] }));
    expect(d.fields.phone).toEqual(['Bad phone']);
    expectTypeOf(d.fields).toHaveProperty('phone');
    expectTypeOf(d.fields).toHaveProperty('additional_websites.0');
    // @ts-expect-error — not a field of updateUser's body
    expectTypeOf(d.fields).toHaveProperty('not_a_field');
    // Without a route, any key (existing callers keep their Record<string, string[]>).
    const loose: Record<string, string[]> = describeError(new Error('x')).fields;
    expect(loose).toEqual({});
  });
});
