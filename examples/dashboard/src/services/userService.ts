/**
 * The dashboard's connection to the API: the session, the typed client, and the few calls the
 * dashboard makes that the client may not have yet.
 *
 * The API lives on its own origin (`NEXT_PUBLIC_USERKIT_API_URL`, inlined at build time); the API
 * allows the dashboard's origin through `USERKIT_CORS_ORIGINS`. The bearer token is kept in
 * `sessionStorage` so a reload keeps the user signed in for this tab only.
 */
import { ConfigurationError, createUserClient, type UserClient } from '@userkit/client';
import { createBearerSession, type BearerSession } from '@userkit/react';

/** The API base URL; the example server's default when the build did not set one. */
export const apiBaseUrl = process.env['NEXT_PUBLIC_USERKIT_API_URL'] ?? 'http://localhost:3000/api';

export interface UserService {
  session: BearerSession;
  client: UserClient;
}

/** The session and the client, created once per page load. */
export function createUserService(baseUrl: string = apiBaseUrl): UserService {
  const session = createBearerSession({ storage: typeof window === 'undefined' ? undefined : window.sessionStorage });
  const client = createUserClient({ baseUrl, ...session.clientOptions });
  return { session, client };
}

/** A signed-in device, as the sessions routes describe it. */
export interface DeviceSession {
  id: string;
  created_at: string;
  last_used_at: string | null;
  user_agent: string | null;
  current: boolean;
}

type Call = (input: unknown, options?: unknown) => Promise<unknown>;

/**
 * A client method by name, when this version of the client has it. Password reset and the session
 * list are newer routes: the pages are built against their client methods and say so plainly (in
 * the error modal) when the API they talk to does not offer them yet.
 */
function optionalMethod(client: UserClient, name: string): Call {
  const method: unknown = (client as unknown as Record<string, unknown>)[name];
  if (typeof method !== 'function') {
    throw new ConfigurationError(`This version of @userkit/client has no ${name}(); update the client and the API.`);
  }
  return (input, options) => (method as Call).call(client, input, options);
}

/** Asks for a password-reset code by email (answers the same whether or not the address exists). */
export async function forgotPassword(client: UserClient, email: string): Promise<void> {
  await optionalMethod(client, 'forgotPassword')({ body: { email } });
}

/** Sets a new password with the emailed code. */
export async function resetPassword(client: UserClient, body: { email: string; code: string; new_password: string }): Promise<void> {
  await optionalMethod(client, 'resetPassword')({ body });
}

/** The signed-in user's sessions (devices). */
export async function listSessions(client: UserClient): Promise<DeviceSession[]> {
  const result = (await optionalMethod(client, 'listSessions')({})) as { items?: DeviceSession[] } | DeviceSession[];
  return Array.isArray(result) ? result : (result.items ?? []);
}

/** Signs one session out. */
export async function revokeSession(client: UserClient, id: string): Promise<void> {
  await optionalMethod(client, 'revokeSession')({ id });
}

/** Whether the client offers a method (to show or hide a section without an error). */
export function clientHas(client: UserClient, name: 'forgotPassword' | 'resetPassword' | 'listSessions' | 'revokeSession'): boolean {
  return typeof (client as unknown as Record<string, unknown>)[name] === 'function';
}
