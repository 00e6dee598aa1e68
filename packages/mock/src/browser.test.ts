/**
 * `@userkit/mock/browser` without a browser: the API it builds hashes with bcrypt (like the server,
 * unlike the Node mock's fast hasher) and its handlers serve sign-in. The worker itself needs a
 * service worker; the bundle guard in test/client/browser-bundle.test.ts checks it holds no Node code.
 */
import { describe, expect, it } from 'vitest';
import { createMockApi } from './mock-api';
import { createBrowserMock, createBrowserMockApi } from './browser';

describe('@userkit/mock/browser', () => {
  it('creates the mock API with a bcrypt hasher', async () => {
    const api = createBrowserMockApi({ baseUrl: 'https://api.example.test' });
    await api.ready();
    const { user } = await api.seedUser({ email: 'tab@example.test', password: 'a browser passphrase' });
    const record = await api.repository.findById(user.id);
    expect(record?.password_hash).toMatch(/^\$2[aby]\$10\$/);
  });

  it('refuses to make the worker outside a browser (msw)', () => {
    expect(() => createBrowserMock({ baseUrl: 'https://api.example.test' })).toThrow(/non-browser environment/);
  });

  it('the Node mock keeps its fast hasher unless given one', async () => {
    const api = createMockApi({ baseUrl: 'https://api.example.test' });
    const { user } = await api.seedUser({ email: 'node@example.test', password: 'a node passphrase' });
    expect((await api.repository.findById(user.id))?.password_hash).toMatch(/^mock\$/);
  });
});
