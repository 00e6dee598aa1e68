/**
 * The client's side of sessions (docs/sessions.md): it keeps the access token (and, in bearer
 * mode, the refresh token) that login and refresh return, renews them when a call answers 401
 * (one refresh in flight, shared by every call waiting on it), and tells the app when the session
 * changes.
 */
import type { LoginResponse } from '@userkit/core';

/**
 * How the refresh token travels. `bearer`: in the body; the client keeps it (persist it through
 * `onSessionChange` if the app must survive a restart). `cookie`: in the server's HttpOnly cookie
 * (browser mode); the client sends `credentials: 'include'` and the CSRF header, and never sees it.
 */
export type SessionMode = 'bearer' | 'cookie';

/** The session the client holds. */
export interface ClientSession {
  accessToken: string;
  /** Bearer mode only. */
  refreshToken?: string | undefined;
  /** When the access token expires (ms since the epoch, by this machine's clock). */
  expiresAt: number;
  user?: LoginResponse['user'] | undefined;
}

/** The `session` option of `createUserClient`. */
export interface SessionOptions {
  mode: SessionMode;
  /** A session to start from (bearer mode: e.g. the refresh token the app stored). */
  initial?: ClientSession | null | undefined;
  /** Called with the new session after login and every refresh, and with null when it ends. */
  onSessionChange?: ((session: ClientSession | null) => void) | undefined;
  /** Cookie mode: the CSRF header the server requires. Default `x-userkit-csrf`. */
  csrfHeader?: string | undefined;
}

/** Holds the session and runs at most one refresh at a time. */
export class SessionKeeper {
  readonly mode: SessionMode;
  readonly csrfHeader: string;
  #session: ClientSession | null;
  #inFlight: Promise<boolean> | undefined;
  readonly #onChange: ((session: ClientSession | null) => void) | undefined;

  constructor(options: SessionOptions) {
    this.mode = options.mode;
    this.csrfHeader = options.csrfHeader ?? 'x-userkit-csrf';
    this.#session = options.initial ?? null;
    this.#onChange = options.onSessionChange;
  }

  get session(): ClientSession | null {
    return this.#session;
  }

  get accessToken(): string | undefined {
    return this.#session?.accessToken;
  }

  /** Whether a refresh could be tried: a refresh token in bearer mode, always in cookie mode. */
  get canRefresh(): boolean {
    return this.mode === 'cookie' || this.#session?.refreshToken !== undefined;
  }

  /** The body of a refresh call. */
  refreshBody(): { refresh_token?: string } {
    const token = this.#session?.refreshToken;
    return this.mode === 'bearer' && token !== undefined ? { refresh_token: token } : {};
  }

  /** Takes a login or refresh answer as the session. */
  accept(answer: LoginResponse): void {
    const refreshToken = this.mode === 'bearer' ? (answer.refresh_token ?? this.#session?.refreshToken) : undefined;
    this.#set({ accessToken: answer.access_token, refreshToken, expiresAt: Date.now() + answer.expires_in * 1000, user: answer.user });
  }

  /** The session ended (logout, or a refresh that failed). */
  clear(): void {
    if (this.#session !== null) this.#set(null);
  }

  /**
   * Runs `refresh` unless one is already running, in which case it waits for that one: N calls
   * that meet a 401 together cause one refresh. Resolves with whether a new session came of it.
   */
  refreshOnce(refresh: () => Promise<LoginResponse>): Promise<boolean> {
    this.#inFlight ??= refresh()
      .then((answer) => {
        this.accept(answer);
        return true;
      })
      .catch(() => {
        this.clear();
        return false;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  #set(session: ClientSession | null): void {
    this.#session = session;
    this.#onChange?.(session);
  }
}
