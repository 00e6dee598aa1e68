import { runInNewContext } from 'node:vm';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { isUserkitError } from './errors';
import { JwtTokens } from './jwt-tokens';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';

function at(start: string) {
  let now = new Date(start);
  return { clock: { now: () => now }, advance: (seconds: number) => (now = new Date(now.getTime() + seconds * 1000)) };
}

const detailOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return isUserkitError(error, 'UNAUTHENTICATED') ? (error.detail ?? 'UNAUTHENTICATED') : String(error);
  }
};

describe('JwtTokens', () => {
  // jsdom's TextEncoder hands out Uint8Arrays of its own realm; jose refused them as keys.
  it('takes a secret made in another realm (another Uint8Array class)', async () => {
    const foreign = runInNewContext('Uint8Array.from(bytes)', { bytes: [...new TextEncoder().encode(secret)] }) as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    const tokens = new JwtTokens({ secret: foreign });
    const { access_token } = await tokens.issue({ id: 3, token_version: 0 });
    expect(await tokens.verify(access_token)).toEqual({ userId: 3, tokenVersion: 0 });
  });

  it('verifies what it issued, again from its cache, until exp', async () => {
    const time = at('2026-01-01T00:00:00Z');
    const tokens = new JwtTokens({ secret, clock: time.clock, ttlSeconds: 60 });
    const { access_token } = await tokens.issue({ id: 7, token_version: 2 });
    expect(await tokens.verify(access_token)).toEqual({ userId: 7, tokenVersion: 2 });
    expect(await tokens.verify(access_token)).toEqual({ userId: 7, tokenVersion: 2 });
    time.advance(59);
    expect(await tokens.verify(access_token)).toEqual({ userId: 7, tokenVersion: 2 });
    time.advance(1);
    expect(await detailOf(tokens.verify(access_token))).toMatch(/expired/);
    expect(await detailOf(tokens.verify(access_token))).toMatch(/expired/);
  });

  it('never lets a cached token vouch for a tampered one', async () => {
    const tokens = new JwtTokens({ secret });
    const { access_token } = await tokens.issue({ id: 7, token_version: 0 });
    await tokens.verify(access_token);
    const [head, body, signature] = access_token.split('.') as [string, string, string];
    const forgedBody = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), sub: '1' })).toString('base64url');
    expect(await detailOf(tokens.verify(`${head}.${forgedBody}.${signature}`))).toMatch(/invalid/);
    expect(await detailOf(tokens.verify(`${access_token}x`))).toMatch(/invalid/);
    expect(await detailOf(tokens.verify(`${access_token.slice(0, -2)}AA`))).toMatch(/invalid/);
  });

  it('refuses alg none, another secret, another audience and a token without exp', async () => {
    const tokens = new JwtTokens({ secret });
    const other = new JwtTokens({ secret: `${secret}-other` });
    const { access_token } = await other.issue({ id: 7, token_version: 0 });
    expect(await detailOf(tokens.verify(access_token))).toMatch(/invalid/);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${access_token.split('.')[1]}.`;
    expect(await detailOf(tokens.verify(none))).toMatch(/invalid/);
    const key = new TextEncoder().encode(secret);
    const audience = await new SignJWT({ tv: 0 }).setProtectedHeader({ alg: 'HS256' }).setSubject('7').setIssuer('userkit').setAudience('elsewhere').setIssuedAt().setExpirationTime('1h').sign(key);
    expect(await detailOf(tokens.verify(audience))).toMatch(/invalid/);
    const noExp = await new SignJWT({ tv: 0 }).setProtectedHeader({ alg: 'HS256' }).setSubject('7').setIssuer('userkit').setAudience('userkit-api').setIssuedAt().sign(key);
    expect(await detailOf(tokens.verify(noExp))).toMatch(/invalid/);
  });

});
