/**
 * Export and import of users. The import checks every row (schema, policy, password rules,
 * duplicates, existing users, and the rules of the one change path) before anything is written,
 * then writes in one transaction: a rejected import changes nothing.
 */
import * as z from 'zod';
import { UserkitError, isUserkitError, type FieldError } from '../errors';
import { defaultBcryptCosts } from '../bcrypt-hash';
import { defaultImportLimits, importQuerySchema, importRowSchemaFor, type ImportLimits, type ImportQueryInput, type ImportResult, type ImportRow } from '../import-schema';
import { assertAllowed, authorize, authorizeCollection, authorizeFields } from '../role-policy';
import { exportContentTypes, exportQuerySchema, formatExport, type ExportFormat, type ExportQueryInput } from '../user-export';
import { importContentType, importRejected, parseImport } from '../user-import';
import { toPublicUser, type UserRecord } from '../user-record';
import type { NewActivityRecord, UserRepository } from '../user-repository';
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
  /** The row's fields; `credits` is the balance it asks for. */
  data: ImportRow & { credits?: number };
}

/** An imported balance: a whole number of credits from 0 (CSV cells arrive as text). */
const importCreditsSchema = z.union([z.number(), z.string().regex(/^\d{1,15}$/).transform(Number)]).pipe(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER));

/** A row's fields without its key (`email`) and its credentials. */
function fieldsOf(data: CheckedRow['data']): UserChangeFields {
  const { email: _email, password: _password, password_hash: _hash, credits: _credits, ...fields } = data;
  return fields;
}

/**
 * Why `actor` may not set `target`'s password through an import, or undefined when it may. The
 * rule of `POST /users/{id}/password` (docs/role-policy.md): only where that route takes a bare
 * `new_password` ("set"). Your own password needs the current one, which an import row cannot
 * carry, so such rows are refused rather than let a stolen session skip that check.
 */
function passwordRefusal(actor: Actor, target: UserRecord): string | undefined {
  const decision = authorize(actor, 'password', target);
  if (decision.allow && decision.passwordMode === 'set') return undefined;
  if (decision.allow) return 'Your own password changes only with your current password (POST /users/{id}/password), not through an import';
  return 'You may not set this user\'s password';
}

/**
 * Sets an imported user's balance through the ledger, in the import's transaction: one entry of
 * the difference, reason "import", so the ledger still adds up to the balance.
 */
async function setBalance(tx: UserRepository, user: UserRecord, balance: number | undefined, actor: Actor, now: Date): Promise<void> {
  if (balance === undefined || balance === user.credits) return;
  const amount = balance - user.credits;
  const after = await tx.addCredits(user.id, amount, now);
  if (after === undefined) throw new UserkitError('PRECONDITION_FAILED', { detail: `User ${user.email} changed during the import; try again` });
  await tx.insertCreditTransaction({ user_id: user.id, actor_id: actor.id, amount, balance_after: after, reason: 'import', idempotency_key: null, created_at: now });
  await tx.appendActivity({ user_id: user.id, actor_id: actor.id, action: 'credits_adjusted', changes: { credits: { old: user.credits, new: after }, amount, reason: 'import' }, created_at: now });
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
    // Every error is counted, the first `maxErrors` are kept: the answer says how many rows failed.
    const badRows = new Set<number>();
    let errorCount = 0;
    const rowError = (row: number, path: string, message: string, code: string) => {
      errorCount++;
      badRows.add(row);
      if (errors.length < limit.maxErrors) errors.push({ row, path, message, code });
    };
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
    // An imported hash must be one the configured hasher will check (and no costlier).
    const rowSchema = importRowSchemaFor({ min: defaultBcryptCosts.min, max: ctx.hasher.maxCost ?? defaultBcryptCosts.max });
    const rows: CheckedRow[] = [];
    const emails = new Map<string, number>();
    const usernames = new Map<string, number>();

    for await (const raw of parseImport(source, type, limit)) {
      if (!actor.is_super_admin) {
        // An export carries the role columns; at their customer defaults they change nothing.
        if (raw.values['user_type'] === 'customer') delete raw.values['user_type'];
        if (raw.values['is_super_admin'] === false) delete raw.values['is_super_admin'];
      }
      // `credits` is the balance the row asks for, set through the ledger (see the write below).
      const creditsValue = raw.values['credits'];
      delete raw.values['credits'];
      const credits = creditsValue === undefined ? undefined : importCreditsSchema.safeParse(creditsValue);
      if (credits && !credits.success) rowError(raw.row, 'credits', 'credits must be a whole number from 0', 'invalid_type');
      // The password columns are the row's credentials, not fields the policy guards. Every check
      // of the row runs, so one answer lists all of its errors.
      const fields = Object.keys(raw.values).filter((key) => key !== 'password' && key !== 'password_hash');
      const decision = authorizeCollection(actor, 'create', fields);
      const refused = new Set(decision.allow ? [] : (decision.fields ?? []));
      for (const field of refused) rowError(raw.row, field, 'You may not set this field', 'field_not_allowed');
      const parsed = rowSchema.safeParse(Object.fromEntries(Object.entries(raw.values).filter(([key]) => !refused.has(key))));
      if (!parsed.success) {
        for (const e of fieldErrorsOf(parsed.error)) rowError(raw.row, e.path, e.message, e.code);
        if (typeof raw.values['password'] === 'string') this.#checkPassword(raw.values['password'], raw.values['email'], (message) => rowError(raw.row, 'password', message, 'weak_password'));
        continue;
      }
      if (refused.size > 0 || (credits && !credits.success)) continue;
      const data: ImportRow & { credits?: number } = parsed.data;
      if (credits?.success) data.credits = credits.data;
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
        const normalised = this.#checkPassword(data.password, data.email, (message) => rowError(raw.row, 'password', message, 'weak_password'));
        if (normalised !== undefined) data.password = normalised;
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
        const credential = hasPassword ? passwordRefusal(actor, target) : undefined;
        if (!decision.allow) rowError(entry.row, (decision.fields ?? ['email'])[0] ?? 'email', 'You may not change this user', 'forbidden');
        else if (credential) rowError(entry.row, entry.data.password !== undefined ? 'password' : 'password_hash', credential, 'forbidden');
        else if (entry.data.credits !== undefined && entry.data.credits !== target.credits && !authorize(actor, 'credits.adjust', target).allow) {
          rowError(entry.row, 'credits', 'You may not change this user\'s credits', 'forbidden');
        }
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
    if (errorCount > 0) throw importRejected(errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)), limit.maxErrors, { rows: badRows.size, errors: errorCount });
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
    const creditsByEmail = new Map(creates.map(({ data }) => [data.email, data.credits]));
    const createdUsers: UserRecord[] = [];
    const updatedUsers: { user: UserRecord; changes: string[] }[] = [];
    await ctx.repository.transaction(async (tx) => {
      if (updates.length > 0) await tx.activeSuperAdminIds({ lock: true }); // lock order: see guardLastSuperAdmin
      for (let i = 0; i < createPlans.length; i += batchRows) {
        const created = await tx.insertMany(createPlans.slice(i, i + batchRows).map((plan) => plan.values));
        const activity: NewActivityRecord[] = created.map((user) => ({ user_id: user.id, actor_id: actor.id, action: 'imported', changes: null, created_at: now }));
        await tx.appendActivities(activity);
        for (const user of created) await setBalance(tx, user, creditsByEmail.get(user.email), actor, now);
        createdUsers.push(...created);
      }
      for (const [i, { data, target }] of updates.entries()) {
        // Re-read under lock: the row may have changed since the checks (a login, an edit); the
        // policy and the rules run again on what is there now.
        const current = await tx.findById(target.id, { lock: true });
        if (!current) throw new UserkitError('PRECONDITION_FAILED', { detail: `User ${target.email} changed during the import; try again` });
        const fields = fieldsOf(data);
        assertAllowed(authorizeFields(actor, current, Object.keys(fields), fields.user_type ?? current.user_type));
        const hasPassword = data.password !== undefined || data.password_hash !== undefined;
        const credential = hasPassword ? passwordRefusal(actor, current) : undefined;
        if (credential) throw new UserkitError('FORBIDDEN', { detail: credential });
        const plan = await planUserChange(current, { ...write, data: fields, passwordHash: hashes[creates.length + i] ?? data.password_hash });
        const updated = await applyUserChange(tx, plan, { actorId: actor.id, action: 'imported', expectedVersion: current.version });
        if (data.credits !== undefined && data.credits !== updated.credits) assertAllowed(authorize(actor, 'credits.adjust', updated));
        await setBalance(tx, updated, data.credits, actor, now);
        if (plan.kind === 'update' && updated !== plan.before) updatedUsers.push({ user: updated, changes: Object.keys(plan.changes) });
      }
    });
    for (const user of createdUsers) ctx.emit('user.created', { user: toPublicUser(user), actorId: actor.id, via: 'import' });
    for (const { user, changes } of updatedUsers) ctx.emit('user.updated', { user: toPublicUser(user), actorId: actor.id, changes, via: 'import' });
    return result;
  }

  /** The normalised password, or undefined after reporting why the policy refuses it. */
  #checkPassword(password: string, email: unknown, report: (message: string) => void): string | undefined {
    try {
      return this.#ctx.passwordPolicy.check(password, typeof email === 'string' ? email : undefined);
    } catch (error) {
      if (!isUserkitError(error)) throw error;
      report(error.detail);
      return undefined;
    }
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
