/** `userkit create-admin`: creates an admin; the first one is always a super admin. */
import { randomBytes } from 'node:crypto';
import { CliExit, exitCodes } from '../cli-exit';
import type { Session } from '../session';

/** A password that passes the policy: 18 random bytes, base64url (24 characters). */
function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export async function createAdminCommand(session: Session): Promise<number> {
  const email = session.str('email');
  if (email === undefined) throw new CliExit(exitCodes.usage, 'create-admin needs --email EMAIL', 'create-admin');
  const given = session.str('password');
  const password = given ?? generatePassword();
  const name = session.str('name');
  const wantSuper = session.flag('super');
  const database = await session.openMigrated();
  const service = session.service();

  let created: { id: number; email: string; is_super_admin: boolean } | undefined;
  let firstSuper = false;
  if ((await database.repository.activeSuperAdminIds()).length === 0) {
    const result = await service.ensureSuperAdmin({ email, password, ...(name === undefined ? {} : { name }) });
    if (result.created && result.user) {
      created = result.user;
      firstSuper = !wantSuper;
    }
    // Not created: another process made a super admin meanwhile; act as that one below.
  }
  if (!created) {
    const actor = await session.actor({ system: false });
    created = await service.create(actor, {
      email,
      password,
      user_type: 'admin',
      is_super_admin: wantSuper,
      status: 'active',
      email_verified: true,
      ...(name === undefined ? {} : { name }),
    });
  }
  session.out(`Created ${created.is_super_admin ? 'super admin' : 'admin'} ${created.email} (id ${created.id}).`);
  if (firstSuper) session.out('  It is a super admin because the database had no active super admin.');
  if (given === undefined) session.out(`Password: ${password}\n  (generated: shown once, save it now)`);
  return exitCodes.ok;
}
