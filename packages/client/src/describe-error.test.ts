import { errorCodes, errorStatus, errorTitles } from '@userkit/core/contract';
import { describe, expect, it } from 'vitest';
import { ApiError, ConfigurationError, NetworkError, TimeoutError } from './client-errors';
import { describeError } from './describe-error';

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
    expect(d.message).toContain('42 seconds');
    expect(d.retryable).toBe(true);
  });

  it('shows which password rule failed', () => {
    expect(describeError(problem('WEAK_PASSWORD', { detail: 'Password must be at least 8 characters' })).message).toBe('Password must be at least 8 characters.');
  });

  it('describes network, timeout, configuration and unknown errors', () => {
    expect(describeError(new NetworkError()).code).toBe('NETWORK');
    expect(describeError(new TimeoutError()).code).toBe('TIMEOUT');
    expect(describeError(new ConfigurationError('emailBaseUrl must be https')).message).toContain('https');
    expect(describeError(new Error('boom'))).toMatchObject({ code: 'UNKNOWN', retryable: false });
    expect(describeError('a string')).toMatchObject({ code: 'UNKNOWN' });
  });
});
