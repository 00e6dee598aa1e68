/**
 * Export and import of users. The import checks every row (schema, policy, password rules,
 * duplicates, existing users, and the rules of the one change path) before anything is written,
 * then writes in one transaction: a rejected import changes nothing.
 */
import { UserkitError, isUserkitError, type FieldError } from '../errors';
import { defaultImportLimits, importQuerySchema, importRowSchema, type ImportLimits, type ImportQueryInput, type ImportResult, type ImportRow } from '../import-schema';
import { assertAllowed, authorizeCollection, authorizeFields } from '../role-policy';
import { exportContentTypes, exportQuerySchema, formatExport, type ExportFormat, type ExportQueryInput } from '../user-export';
import { importContentType, importRejected, parseImport } from '../user-import';
import { toPublicUser, type UserRecord } from '../user-record';
import type { NewActivityRecord } from '../user-repository';
import type { UserChangeFields } from '../user-schema';
import { fieldErrorsOf, parseInput } from '../validation';
import type { ServiceContext } from './service-context';
import type { Actor } from './target-access';
import { applyUserChange, planUserChange, type CreatePlan, type UserChangeRequest } from './user-change';

/** Rows per batch of lookups and inserts. */
const batchRows = 1000;
/** Passwords hashed at once. */
const hashConcurrency = 8;

interface CheckedRow {
  row: number;
  data: ImportRow;
}

/** A row's fields without its key (`email`) and its credentials. */
function fieldsOf(data: ImportRow): UserChangeFields {
  const { email: _email, password: _password, password_hash: _hash, ...fields } = data;
  return fields;
}

/** CSV and NDJSON export and import. */
export class UserTransfer {
  readonly #ctx: ServiceContext;

  constructor(context: ServiceContext) {
    this.#ctx = context;
  }

  /** Exports the users matching the list filters (see {@link UserService.exportUsers}). */
  async exportUsers(actor: Actor, query: ExportQueryInput): Promise<{ format: ExportFormat; contentType: string; chunks: AsyncIterable<string> }> {
    assertAllowed(authorizeCollection(actor, 'export'));
    const { format, ...filters } = parseInput(exportQuerySchema, query, 'The query has invalid parameters');
    return { format, contentType: exportContentTypes[format], chunks: formatExport(this.#ctx.repository.scanUsers(filters, batchRows), format) };
  }

  /** Imports users from CSV or NDJSON (see {@link UserService.importUsers}). */
  async importUsers(
    actor: Actor,
    source: AsyncIterable<Uint8Array | string>,
    contentType: string | undefined,
    query: ImportQueryInput = {},
    limits: Partial<ImportLimits> = {},
  ): Promise<ImportResult> {
    const ctx = this.#ctx;
    assertAllowed(authorizeCollection(actor, 'import'));
    const type = importContentType(contentType);
    const options = parseInput(importQuerySchema, query, 'The query has invalid parameters');
    const limit = { ...defaultImportLimits, ...limits };
    const errors: FieldError[] = [];
    const rowError = (row: number, path: string, message: string, code: string) => errors.push({ row, path, message, code });
    /** The rules of the change path, run on a row: their errors become the row's errors. */
    const checkRules = async (row: number, before: UserRecord | undefined, data: UserChangeFields, request: Omit<UserChangeRequest, 'data'>) => {
      try {
        await planUserChange(before, { ...request, data });
        return true;
      } catch (error) {
        if (!isUserkitError(error)) throw error;
        if (error.errors) for (const e of error.errors) rowError(row, e.path, e.message, e.code);
        for (const field of error.fields ?? []) rowError(row, field, error.detail, 'field_not_allowed');
        return false;
      }
    };
    const rows: CheckedRow[] = [];
    const emails = new Map<string, number>();
    const usernames = new Map<string, number>();

    for await (const raw of parseImport(source, type, limit)) {
      if (errors.length >= limit.maxErrors) break;
      if (!actor.is_super_admin) {
        // An export carries the role columns; at their customer defaults they change nothing.
        if (raw.values['user_type'] === 'customer') delete raw.values['user_type'];
        if (raw.values['is_super_admin'] === false) delete raw.values['is_super_admin'];
      }
      // The password columns are the row's credentials, not fields the policy guards.
      const fields = Object.keys(raw.values).filter((key) => key !== 'password' && key !== 'password_hash');
      const decision = authorizeCollection(actor, 'create', fields);
      if (!decision.allow) {
        for (const field of decision.fields ?? []) rowError(raw.row, field, 'You may not set this field', 'field_not_allowed');
        continue;
      }
      const parsed = importRowSchema.safeParse(raw.values);
      if (!parsed.success) {
        for (const e of fieldErrorsOf(parsed.error)) rowError(raw.row, e.path, e.message, e.code);
        continue;
      }
      const data = parsed.data;
      const firstEmail = emails.get(data.email);
      if (firstEmail !== undefined) rowError(raw.row, 'email', `Same email as row ${firstEmail}`, 'duplicate');
      else emails.set(data.email, raw.row);
      if (data.username) {
        const key = data.username.toLowerCase();
        const first = usernames.get(key);
        if (first !== undefined) rowError(raw.row, 'username', `Same username as row ${first}`, 'duplicate');
        else usernames.set(key, raw.row);
      }
      if (data.password !== undefined) {
        try {
          data.password = ctx.passwordPolicy.check(data.password, data.email);
        } catch (error) {
          if (!isUserkitError(error)) throw error;
          rowError(raw.row, 'password', error.detail, 'weak_password');
        }
      }
      rows.push({ row: raw.row, data });
    }
    // No throw yet: the rows that parsed are also checked against the database, so one rejection
    // reports every bad row at once.

    const existing = new Map<string, UserRecord>();
    for (let i = 0; i < rows.length; i += batchRows) {
      for (const user of await ctx.repository.findByEmails(rows.slice(i, i + batchRows).map((r) => r.data.email))) existing.set(user.email, user);
    }
    const checkNow = ctx.clock.now();
    const check = { now: checkNow, verificationTtlMs: ctx.verificationTtlMs, codes: ctx.codes, issueCode: false };
    const creates: CheckedRow[] = [];
    const updates: (CheckedRow & { target: UserRecord })[] = [];
    let skipped = 0;
    for (const entry of rows) {
      const target = existing.get(entry.data.email);
      const hasPassword = entry.data.password !== undefined || entry.data.password_hash !== undefined;
      if (!target) {
        if (!hasPassword) rowError(entry.row, 'password', 'A new user needs password or password_hash', 'required');
        await checkRules(entry.row, undefined, { ...fieldsOf(entry.data), email: entry.data.email }, { ...check, passwordHash: '' });
        creates.push(entry);
      } else if (options.on_conflict === 'skip') skipped++;
      else if (options.on_conflict === 'error' || target.deleted_at !== null) rowError(entry.row, 'email', 'A user with this email already exists', 'email_taken');
      else {
        const fields = fieldsOf(entry.data);
        const decision = authorizeFields(actor, target, Object.keys(fields), fields.user_type ?? target.user_type);
        if (!decision.allow) rowError(entry.row, (decision.fields ?? ['email'])[0] ?? 'email', 'You may not change this user', 'forbidden');
        else if (await checkRules(entry.row, target, fields, { ...check, passwordHash: hasPassword ? '' : undefined })) updates.push({ ...entry, target });
      }
    }
    const newUsernames = creates.flatMap((c) => (c.data.username ? [c.data.username] : []));
    for (let i = 0; i < newUsernames.length; i += batchRows) {
      for (const user of await ctx.repository.findByUsernames(newUsernames.slice(i, i + batchRows))) {
        const row = usernames.get((user.username ?? '').toLowerCase());
        if (row !== undefined && existing.get(user.email) === undefined) rowError(row, 'username', 'This username is already in use', 'username_taken');
      }
    }
    if (errors.length > 0) throw importRejected(errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)), limit.maxErrors);
    const result = { created: creates.length, updated: updates.length, skipped, dry_run: options.dry_run, errors: [] };
    if (options.dry_run) return result;

    const hashes = await this.#hashAll([...creates, ...updates].map((r) => r.data.password));
    const now = ctx.clock.now();
    const write = { now, verificationTtlMs: ctx.verificationTtlMs, codes: ctx.codes, issueCode: false };
    const createPlans: CreatePlan[] = [];
    for (const [i, { data }] of creates.entries()) {
      const plan = await planUserChange(undefined, { ...write, data: { ...fieldsOf(data), email: data.email }, passwordHash: hashes[i] ?? data.password_hash });
      if (plan.kind === 'create') createPlans.push(plan);
    }
    const createdUsers: UserRecord[] = [];
    const updatedUsers: { user: UserRecord; changes: string[] }[] = [];
    await ctx.repository.transaction(async (tx) => {
      if (updates.length > 0) await tx.activeSuperAdminIds({ lock: true }); // lock order: see guardLastSuperAdmin
      for (let i = 0; i < createPlans.length; i += batchRows) {
        const created = await tx.insertMany(createPlans.slice(i, i + batchRows).map((plan) => plan.values));
        const activity: NewActivityRecord[] = created.map((user) => ({ user_id: user.id, actor_id: actor.id, action: 'imported', changes: null, created_at: now }));
        await tx.appendActivities(activity);
        createdUsers.push(...created);
      }
      for (const [i, { data, target }] of updates.entries()) {
        // Re-read under lock: the row may have changed since the checks (a login, an edit); the
        // policy and the rules run again on what is there now.
        const current = await tx.findById(target.id, { lock: true });
        if (!current) throw new UserkitError('PRECONDITION_FAILED', { detail: `User ${target.email} changed during the import; try again` });
        const fields = fieldsOf(data);
        assertAllowed(authorizeFields(actor, current, Object.keys(fields), fields.user_type ?? current.user_type));
        const plan = await planUserChange(current, { ...write, data: fields, passwordHash: hashes[creates.length + i] ?? data.password_hash });
        const updated = await applyUserChange(tx, plan, { actorId: actor.id, action: 'imported', expectedVersion: current.version });
        if (plan.kind === 'update' && updated !== plan.before) updatedUsers.push({ user: updated, changes: Object.keys(plan.changes) });
      }
    });
    for (const user of createdUsers) ctx.emit('user.created', { user: toPublicUser(user), actorId: actor.id, via: 'import' });
    for (const { user, changes } of updatedUsers) ctx.emit('user.updated', { user: toPublicUser(user), actorId: actor.id, changes, via: 'import' });
    return result;
  }

  /** Hashes the given passwords (undefined stays undefined), a few at a time. */
  async #hashAll(passwords: (string | undefined)[]): Promise<(string | undefined)[]> {
    const out: (string | undefined)[] = new Array(passwords.length);
    let next = 0;
    const worker = async () => {
      while (next < passwords.length) {
        const i = next++;
        const password = passwords[i];
        out[i] = password === undefined ? undefined : await this.#ctx.hasher.hash(password);
      }
    };
    await Promise.all(Array.from({ length: hashConcurrency }, worker));
    return out;
  }
}
