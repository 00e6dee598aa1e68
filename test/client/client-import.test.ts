/**
 * `client.importUsers` against real Hono and Express servers: the route's declared upload media
 * decides the encoding, so CSV and NDJSON go as files (text, Blob, bytes, or a stream), never as
 * JSON; an undeclared content type is refused before anything is sent.
 */
import { ConfigurationError, createUserClient, isApiError, type UserClientOptions } from '@userkit/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adapters, recordingFetch, startHttpsHarness, storeTargets, type HttpsHarness } from './https-harness';

const stores = storeTargets();
const password = 'a sturdy passphrase';

describe.each(adapters)('importUsers through the client on %s', (adapter) => {
  describe.each(stores)('over $name', (store) => {
    let h: HttpsHarness;
    const client = (options: Partial<UserClientOptions> = {}) => createUserClient({ baseUrl: h.apiUrl, fetch: h.fetch, retries: 0, ...options });

    beforeAll(async () => {
      h = await startHttpsHarness(adapter, store);
    });
    afterAll(async () => {
      await h?.close();
    });
    afterEach(() => {
      expect(h.unexpectedErrors, 'the server answered INTERNAL_ERROR').toEqual([]);
    });

    it('imports CSV text (dry run, then for real); the imported users sign in', async () => {
      const root = await h.seed({ user_type: 'admin', is_super_admin: true });
      const recorder = recordingFetch(() => h.fetch);
      const admin = client({ token: root.token, fetch: recorder.fetch });
      const csv = `email,name,password\r\ncsv-a-${adapter}@example.com,Ada,${password}\r\ncsv-b-${adapter}@example.com,"Byron, Lord",${password}\r\n`;

      const dry = await admin.importUsers({ body: csv, contentType: 'text/csv', query: { dry_run: true } });
      expect(dry).toEqual({ created: 2, updated: 0, skipped: 0, dry_run: true, errors: [] });
      expect(recorder.last()).toMatchObject({ method: 'POST', url: `${h.apiUrl}/users/import?dry_run=true`, status: 200 });
      expect(await h.repository.findByEmail(`csv-a-${adapter}@example.com`)).toBeUndefined();

      expect(await admin.importUsers({ body: csv, contentType: 'text/csv' })).toMatchObject({ created: 2, dry_run: false, errors: [] });
      const signedIn = await client().login({ body: { email: `csv-b-${adapter}@example.com`, password } });
      expect(signedIn.user).toMatchObject({ name: 'Byron, Lord', user_type: 'customer' });
    });

    it('imports NDJSON as a Blob (its own type), as bytes, and as a stream over plain HTTP', async () => {
      const root = await h.seed({ user_type: 'admin', is_super_admin: true });
      const admin = client({ token: root.token });
      const line = (name: string) => `${JSON.stringify({ email: `${name}-${adapter}@example.com`, password })}\n`;

      const blob = new Blob([line('blob')], { type: 'application/x-ndjson' });
      expect(await admin.importUsers({ body: blob })).toMatchObject({ created: 1, errors: [] });
      const bytes = new TextEncoder().encode(line('bytes'));
      expect(await admin.importUsers({ body: bytes, contentType: 'application/x-ndjson' })).toMatchObject({ created: 1, errors: [] });

      // A streamed body goes chunked, as the browser's and Node's fetch send a ReadableStream.
      const parts = [line('stream-1'), line('stream-2')];
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = parts.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      });
      const overHttp = createUserClient({ baseUrl: `${h.baseUrl}/api`, token: root.token, retries: 0 });
      expect(await overHttp.importUsers({ body: stream, contentType: 'application/x-ndjson' })).toMatchObject({ created: 2, errors: [] });
      for (const name of ['blob', 'bytes', 'stream-1', 'stream-2']) expect(await h.repository.findByEmail(`${name}-${adapter}@example.com`), name).toBeDefined();
    });

    it('a rejected import is an ApiError with the bad rows; an undeclared content type is refused before sending', async () => {
      const root = await h.seed({ user_type: 'admin', is_super_admin: true });
      const recorder = recordingFetch(() => h.fetch);
      const admin = client({ token: root.token, fetch: recorder.fetch });
      const error = await admin.importUsers({ body: 'email,password\r\nnot-an-email,short\r\n', contentType: 'text/csv' }).catch((e: unknown) => e);
      expect(isApiError(error) && error.code).toBe('VALIDATION_ERROR');
      expect(isApiError(error) && error.errors.length > 0 && error.errors.every((e) => e.row === 1)).toBe(true);

      const sent = recorder.exchanges.length;
      // @ts-expect-error JSON is not among the route's upload media types
      await expect(admin.importUsers({ body: '{}', contentType: 'application/json' })).rejects.toBeInstanceOf(ConfigurationError);
      await expect(admin.importUsers({ body: new Blob(['x']) })).rejects.toBeInstanceOf(ConfigurationError);
      // @ts-expect-error an object is not a file body
      await expect(admin.importUsers({ body: { email: 'x@example.com' }, contentType: 'text/csv' })).rejects.toBeInstanceOf(ConfigurationError);
      expect(recorder.exchanges.length, 'nothing was sent').toBe(sent);
    });
  });
});
