/**
 * The dashboard's connection to the API: the session, the typed client, and the few calls the
 * dashboard makes through it.
 *
 * The API lives on its own origin (`NEXT_PUBLIC_USERKIT_API_URL`, inlined at build time); the API
 * allows the dashboard's origin through `USERKIT_CORS_ORIGINS`. The bearer token is kept in
 * `sessionStorage` so a reload keeps the user signed in for this tab only.
 */
import { createUserClient, type Session, type UserClient } from '@userkit/client';
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
export type DeviceSession = Session;

/** Asks for a password-reset code by email (answers the same whether or not the address exists). */
export async function forgotPassword(client: UserClient, email: string): Promise<void> {
  await client.forgotPassword({ body: { email } });
}

/** Sets a new password with the emailed code; every earlier session of the account ends. */
export async function resetPassword(client: UserClient, body: { email: string; code: string; new_password: string }): Promise<void> {
  await client.resetPassword({ body });
}

/** The signed-in user's sessions (devices). */
export async function listSessions(client: UserClient): Promise<DeviceSession[]> {
  return (await client.listMySessions({})).items;
}

/** Signs one session out. */
export async function revokeSession(client: UserClient, id: string): Promise<void> {
  await client.deleteMySession({ session_id: id });
}
