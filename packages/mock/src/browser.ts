/**
 * `@userkit/mock/browser`: the mock API in a browser tab, through msw's service worker. The same
 * real core (contract, validation, policy, errors, ETags) over the in-memory repository, with
 * bcrypt (bcryptjs, plain JavaScript) for passwords and jose for tokens — both run in browsers.
 * Nothing here needs Node: no `node:*`, no worker threads, no database driver.
 *
 * Serve msw's `mockServiceWorker.js` from the app's public folder (`npx msw init public/`).
 */
import { BcryptPasswordHasher } from '@userkit/core/server';
import { setupWorker, type SetupWorker, type StartOptions } from 'msw/browser';
import { createMockApi, type MockApi, type MockApiOptions } from './mock-api';

/** Options of {@link startBrowserMock}: those of `createMockApi`, and msw's worker start options. */
export interface BrowserMockOptions extends MockApiOptions {
  /** Passed to `worker.start()`, e.g. `{ onUnhandledRequest: 'bypass', quiet: true }`. */
  start?: StartOptions;
}

/** A running browser mock: the API (seed, reset, mailer) and the msw worker serving it. */
export interface BrowserMock {
  api: MockApi;
  worker: SetupWorker;
}

/** The lowest cost BcryptPasswordHasher allows: the fastest in a tab, still a real bcrypt hash. */
const browserCost = 10;

/** The mock API as the browser mock runs it: `createMockApi` with bcrypt for passwords. */
export function createBrowserMockApi(options: MockApiOptions): MockApi {
  return createMockApi({ hasher: new BcryptPasswordHasher({ cost: browserCost }), ...options });
}

/** Creates the mock API and its msw worker, without starting it (browsers only: msw checks). */
export function createBrowserMock(options: MockApiOptions): BrowserMock {
  const api = createBrowserMockApi(options);
  return { api, worker: setupWorker(...api.handlers) };
}

/**
 * Starts the mock in the browser and waits for its seed.
 *
 * @example
 * ```ts
 * if (import.meta.env.DEV) {
 *   const { startBrowserMock } = await import('@userkit/mock/browser');
 *   await startBrowserMock({ baseUrl: 'http://localhost:5173/api', seed: (api) => api.seedUser({ email: 'admin@example.com', password: 'admin password', user_type: 'admin' }) });
 * }
 * ```
 */
export async function startBrowserMock(options: BrowserMockOptions): Promise<BrowserMock> {
  const { start, ...apiOptions } = options;
  const mock = createBrowserMock(apiOptions);
  await mock.worker.start(start);
  await mock.api.ready();
  return mock;
}
