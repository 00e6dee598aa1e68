/**
 * The session the provider holds. Hooks read it through {@link SessionSource}, a small interface
 * the client side fills in: bearer mode ({@link createBearerSession}) keeps the access token in
 * memory, optionally persisted through a storage the app passes. A cookie-mode source (the server
 * keeps the session in an httpOnly cookie and refreshes it) implements the same interface: its
 * `clientOptions` carry no token, and it starts `loading` until it has asked the server.
 */
import type { RouteOutput, UserClientOptions } from '@userkit/client';

/** What the app knows about the session, without a request. */
export interface SessionState {
  /**
   * `loading`: not known yet (a cookie session not yet checked; a bearer session never is).
   * `signed-in`: there is a session (the server may still refuse it: then it becomes `signed-out`).
   */
  status: 'loading' | 'signed-in' | 'signed-out';
  /** When the access token expires (ms since epoch), when known. */
  expiresAt?: number;
}

/** Where a session comes from: the provider and hooks use only this. */
export interface SessionSource {
  /** The current state; the same object until it changes (for `useSyncExternalStore`). */
  getSnapshot(): SessionState;
  /**
   * The state while server rendering and hydrating. Default `{ status: 'loading' }`: the server
   * cannot see a token kept in the browser, and hydration must render what the server did.
   */
  getServerSnapshot?(): SessionState;
  /** Calls `listener` on every change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** Spread into `createUserClient`: how the client authenticates, and what it does on UNAUTHENTICATED. */
  readonly clientOptions: Pick<UserClientOptions, 'token' | 'onUnauthenticated'>;
  /** After a successful login. */
  signedIn(result: RouteOutput<'login'>): void;
  /** Sign-out, or the server refused the session. */
  signedOut(): void | Promise<void>;
}

/** The part of Web Storage a session needs (`sessionStorage`, `localStorage`, or your own). */
export interface SessionStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface BearerSessionOptions {
  /**
   * Keeps the token across reloads. Default: none, the token lives in memory only (the safest
   * choice: a script injected into the page cannot read it from storage). Pass it from code that
   * runs in the browser, e.g. `typeof window === 'undefined' ? undefined : window.sessionStorage`.
   */
  storage?: SessionStorage;
  /** The storage key. Default `userkit.session`. */
  storageKey?: string;
  /** The clock, for expiry. Default `Date.now`. */
  now?: () => number;
}

/** A bearer session: the access token in memory (and in `storage`, when given). */
export interface BearerSession extends SessionSource {
  /** The access token, while signed in and not expired. */
  accessToken(): string | undefined;
}

interface Stored {
  access_token: string;
  expires_at: number;
}

const signedOut: SessionState = { status: 'signed-out' };

function parse(text: string | null): Stored | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<Stored>;
    return typeof value.access_token === 'string' && typeof value.expires_at === 'number' ? { access_token: value.access_token, expires_at: value.expires_at } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A bearer-mode session. Nothing is read at import time: storage is read on first use, so the
 * module is safe to load during server rendering.
 *
 * @example
 * ```ts
 * const session = createBearerSession({ storage: typeof window === 'undefined' ? undefined : window.sessionStorage });
 * const client = createUserClient({ baseUrl: '/api', ...session.clientOptions });
 * // <UserkitProvider client={client} session={session}>
 * ```
 */
export function createBearerSession(options: BearerSessionOptions = {}): BearerSession {
  const key = options.storageKey ?? 'userkit.session';
  const now = options.now ?? Date.now;
  const listeners = new Set<() => void>();
  let token: Stored | undefined;
  let loaded = false;
  let snapshot: SessionState = signedOut;

  function set(next: Stored | undefined): void {
    token = next;
    snapshot = next ? { status: 'signed-in', expiresAt: next.expires_at } : signedOut;
    for (const listener of listeners) listener();
  }

  function load(): void {
    if (loaded) return;
    loaded = true;
    const stored = parse(options.storage?.getItem(key) ?? null);
    if (stored && stored.expires_at > now()) {
      token = stored;
      snapshot = { status: 'signed-in', expiresAt: stored.expires_at };
    }
  }

  function accessToken(): string | undefined {
    load();
    if (token && token.expires_at <= now()) {
      options.storage?.removeItem(key);
      set(undefined);
    }
    return token?.access_token;
  }

  return {
    getSnapshot() {
      load();
      return snapshot;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clientOptions: {
      token: () => accessToken(),
      // The server no longer accepts the token (expired, revoked, user deleted): forget it.
      onUnauthenticated: () => {
        options.storage?.removeItem(key);
        if (token) set(undefined);
      },
    },
    signedIn(result) {
      loaded = true;
      const stored = { access_token: result.access_token, expires_at: now() + result.expires_in * 1000 };
      options.storage?.setItem(key, JSON.stringify(stored));
      set(stored);
    },
    signedOut() {
      loaded = true;
      options.storage?.removeItem(key);
      set(undefined);
    },
    accessToken,
  };
}
