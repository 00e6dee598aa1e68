/**
 * The request log holds no secret: a representative run — register, verify (wrong and right code),
 * sign in (right and wrong), a rejected token, a password change, an import with password_hash,
 * an export — goes through each adapter with a capturing logger, and no line carries a password,
 * a code, a hash, a token or a query string. Log records are whitelisted in core (request-log.ts);
 * this test keeps it so.
 */
import type { RequestLogger } from '@userkit/core/server';
import bcrypt from 'bcryptjs';
import { expect, it } from 'vitest';
import { scanForSecrets, standingAlone } from '../secret-scan';
import { describeEachTarget, storeTargets } from './harness';
import { seedAs, toNdjson } from './support';

interface Line {
  level: string;
  object: Record<string, unknown>;
  message: string | undefined;
}

function capturingLogger(lines: Line[]): RequestLogger {
  const at = (level: string) => (object: object, message?: string) => lines.push({ level, object: { ...(object as Record<string, unknown>) }, message });
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

// The log does not depend on the store: the first one suffices.
describeEachTarget('request log', ({ h, start }) => {
  it('logs every request of a representative run without a password, code, hash, token or query', async () => {
    const lines: Line[] = [];
    await start({ logger: capturingLogger(lines) });
    const admin = await seedAs(h, 'super', { password: 'Root-plaintext-passphrase-0' });
    const password = 'Ada-plaintext-passphrase-1';
    const newPassword = 'Ada-new-plaintext-passphrase-2';
    const imported = bcrypt.hashSync('Imported-plaintext-passphrase-3', 10);

    await h.request('POST', '/api/auth/register', { body: { email: 'ada@example.com', password, name: 'Ada' } });
    await h.request('POST', '/api/auth/verify-email', { body: { email: 'ada@example.com', code: '000000' } });
    const code = h.mailer.lastCodeFor('ada@example.com');
    await h.request('POST', '/api/auth/verify-email', { body: { email: 'ada@example.com', code } });
    const login = await h.request<{ access_token: string; user: { id: number } }>('POST', '/api/auth/login', { body: { email: 'ada@example.com', password } });
    await h.request('POST', '/api/auth/login', { body: { email: 'ada@example.com', password: 'Wrong-plaintext-passphrase-9' } });
    const token = login.json.access_token;
    const id = login.json.user.id;
    await h.request('GET', '/api/users/me', { token: `${token}x` });
    await h.request('POST', `/api/users/${id}/password`, { token, body: { current_password: password, new_password: newPassword } });
    await h.request('GET', '/api/users?search=ada&limit=5', { token: admin.token });
    await h.request('GET', '/api/users', { token }); // revoked by the password change
    const bea = await seedAs(h, 'customer');
    await h.request('GET', '/api/users', { token: bea.token });
    const importRes = await h.request('POST', '/api/users/import', {
      token: admin.token,
      rawBody: toNdjson([{ email: 'imported@example.com', password_hash: imported }]),
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(importRes.status, importRes.text).toBeLessThan(300);
    await h.request('GET', '/api/users/export?format=ndjson', { token: admin.token });

    // One line per request, with the request id and the route pattern.
    const requests = lines.filter((line) => 'status' in line.object);
    expect(requests).toHaveLength(12);
    expect(requests.map((line) => line.object['route'])).toContain('/users/{id}/password');
    for (const line of requests) expect(line.object['reqId']).toEqual(expect.any(String));
    expect(lines.filter((line) => line.level === 'warn').map((line) => line.object['event'])).toEqual(
      expect.arrayContaining(['code_rejected', 'sign_in_failed', 'token_rejected', 'permission_denied', 'users_imported', 'users_exported']),
    );

    const text = JSON.stringify(lines);
    scanForSecrets(text, 'the request log'); // passwords the API accepted, mailed codes, hashes
    for (const secret of [password, newPassword, 'Wrong-plaintext-passphrase-9', imported, token, admin.token, bea.token, 'search=ada', 'format=ndjson']) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(standingAlone(String(code)));
  });
}, { stores: () => storeTargets().slice(0, 1) });
