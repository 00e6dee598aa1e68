/**
 * Profiles and user administration: reading, listing, updating, creating and deleting users,
 * setting passwords, and seeding the first super admin. Every write goes through the one change
 * path of `user-change.ts`.
 */
import { decodeListCursor, encodeListCursor } from '../cursor';
import { UserkitError, isUserkitError } from '../errors';
import { listUsersQuerySchema, type ListUsersQueryInput, type UserPage } from '../list-query-schema';
import { assertAllowed, authorize, authorizeCollection, relationOf } from '../role-policy';
import { toPublicUser, type UserRecord } from '../user-record';
import {
  adminPasswordSetSchema,
  createSchemaFor,
  loginSchema,
  selfPasswordChangeSchema,
  updateSchemaFor,
  userTypeSchema,
  type PasswordChangeInput,
  type User,
  type UserCreateInput,
  type UserUpdateInput,
} from '../user-schema';
import { parseInput, requireObject } from '../validation';
import type { ServiceContext } from './service-context';
import type { UserRepository } from '../user-repository';
import { guardLastSuperAdmin, loadTarget, preconditionFailed, type Actor, type LoadTargetOptions } from './target-access';
import { applyUserChange, isUnchanged, planUserChange } from './user-change';

/** Whether an update body may change who the user is to the policy (role or status). */
const touchesRoles = (body: Record<string, unknown>) => 'status' in body || 'user_type' in body || 'is_super_admin' in body;

/** Options of {@link UserAdmin.update}. */
export interface UpdateRequestOptions {
  /** The version the caller read (`If-Match`): PRECONDITION_FAILED when the user has another. */
  expectedVersion?: number | undefined;
  /** The target as this request already loaded it with the caller (null: missing). */
  loaded?: UserRecord | null | undefined;
}

/** Reads and changes single users on behalf of an actor. */
export class UserAdmin {
  readonly #ctx: ServiceContext;

  constructor(context: ServiceContext) {
    this.#ctx = context;
  }

  /** The user `id`, if `actor` may read it (see {@link UserService.get}). */
  async get(actor: Actor, id: number, options: { loaded?: UserRecord | null | undefined } = {}): Promise<User> {
    const loaded = options.loaded && options.loaded.id !== id ? undefined : options.loaded;
    return toPublicUser(await loadTarget(this.#ctx.repository, actor, id, 'read', { loaded }));
  }

  /** Loads an actor by id for authentication: undefined when missing or deleted. Includes secrets: never send it. */
  findActor(id: number): Promise<UserRecord | undefined> {
    return this.#ctx.repository.findById(id);
  }

  /** The actor and another live user in one round trip (see {@link UserService.findActorWith}). */
  async findActorWith(actorId: number, otherId: number): Promise<{ actor: UserRecord | undefined; other: UserRecord | null }> {
    const rows = await this.#ctx.repository.findByIds(actorId === otherId ? [actorId] : [actorId, otherId]);
    return { actor: rows.find((r) => r.id === actorId), other: rows.find((r) => r.id === otherId) ?? null };
  }

  /** One page of users (admins only). */
  async list(actor: Actor, query: ListUsersQueryInput): Promise<UserPage<User>> {
    assertAllowed(authorizeCollection(actor, 'list'));
    const parsed = parseInput(listUsersQuerySchema, query, 'The query has invalid parameters');
    // The total is counted for the first page; the cursors of later pages carry it.
    const carried = parsed.cursor === undefined ? undefined : decodeListCursor(parsed.cursor);
    const page = carried
      ? await this.#ctx.repository.list({ ...parsed, cursor: carried.cursor }, { ...this.#ctx.listOptions, knownTotal: carried })
      : await this.#ctx.repository.list(parsed, this.#ctx.listOptions);
    const { total, capped } = carried ?? { total: page.total, capped: page.total_capped };
    return {
      items: page.items.map(toPublicUser),
      next_cursor: page.next_cursor === null ? null : encodeListCursor({ cursor: page.next_cursor, total, capped }),
      total,
      total_capped: capped,
    };
  }

  /**
   * Partial update (see {@link UserService.update}). `options.loaded` is the target as this
   * request already loaded it with the caller: an update that cannot touch the super admin rule
   * or end sessions is then planned on that row and written in one conditional statement with its
   * activity entry (the row's version decides; a lost race starts again under a lock).
   */
  async update(actor: Actor, id: number, input: UserUpdateInput, options: UpdateRequestOptions = {}): Promise<User> {
    const body = requireObject(input);
    const loaded = options.loaded && options.loaded.id !== id ? undefined : options.loaded;
    if (loaded !== undefined && !touchesRoles(body)) {
      const written = await this.#updateLoaded(actor, id, body, loaded, options.expectedVersion);
      if (written !== undefined) return written;
    }
    return this.#updateLocked(actor, id, body, options.expectedVersion);
  }

  /** Loads (or takes) the target, judges the change and plans it. */
  async #plan(repo: UserRepository, actor: Actor, id: number, body: Record<string, unknown>, expectedVersion: number | undefined, target: Pick<LoadTargetOptions, 'lock' | 'loaded'>) {
    const requestedType = userTypeSchema.safeParse(body.user_type);
    const before = await loadTarget(repo, actor, id, 'update', {
      ...target,
      fields: Object.keys(body),
      resultingType: requestedType.success ? requestedType.data : undefined,
    });
    const data = parseInput(updateSchemaFor(relationOf(actor, before)), body);
    if (expectedVersion !== undefined && expectedVersion !== before.version) throw preconditionFailed();
    const ctx = this.#ctx;
    return planUserChange(before, { data, now: ctx.clock.now(), verificationTtlMs: ctx.verificationTtlMs, codes: ctx.codes });
  }

  /** The one-statement update of a target loaded with the caller; undefined when it must be retried under a lock. */
  async #updateLoaded(actor: Actor, id: number, body: Record<string, unknown>, loaded: UserRecord | null, expectedVersion: number | undefined): Promise<User | undefined> {
    const repo = this.#ctx.repository;
    const plan = await this.#plan(repo, actor, id, body, expectedVersion, { loaded });
    // Nothing to write, or a write that ends sessions: the locked path (it reads the row again).
    if (plan.kind !== 'update' || isUnchanged(plan) || plan.patch.token_version !== undefined) return undefined;
    try {
      const row = await applyUserChange(repo, plan, { actorId: actor.id, expectedVersion: plan.before.version });
      return this.#updated(actor, row, plan.code, Object.keys(plan.changes));
    } catch (error) {
      // The row moved on since it was loaded: with If-Match that is the answer, without it a retry.
      if (expectedVersion === undefined && isUserkitError(error, 'PRECONDITION_FAILED')) return undefined;
      throw error;
    }
  }

  async #updateLocked(actor: Actor, id: number, body: Record<string, unknown>, expectedVersion: number | undefined): Promise<User> {
    const ctx = this.#ctx;
    let code: string | undefined;
    let changes: string[] = [];
    const row = await ctx.repository.transaction(async (tx) => {
      // Lock order (see guardLastSuperAdmin): the super admin rows before the target row.
      if (touchesRoles(body)) await tx.activeSuperAdminIds({ lock: true });
      const plan = await this.#plan(tx, actor, id, body, expectedVersion, { lock: true });
      const updated = await applyUserChange(tx, plan, { actorId: actor.id, expectedVersion: plan.kind === 'update' ? plan.before.version : undefined, sessions: ctx.sessionsIn(tx) });
      code = plan.code;
      if (plan.kind === 'update' && updated !== plan.before) changes = Object.keys(plan.changes);
      return updated;
    });
    return this.#updated(actor, row, code, changes);
  }

  /** After an update commits: the code mailed (an email change), the event, the answer. */
  async #updated(actor: Actor, row: UserRecord, code: string | undefined, changes: string[]): Promise<User> {
    const ctx = this.#ctx;
    if (code !== undefined) await ctx.sendCode(row.email, code);
    if (changes.length > 0) ctx.emit('user.updated', { user: toPublicUser(row), actorId: actor.id, changes, via: actor.id === row.id ? 'self' : 'admin' });
    return toPublicUser(row);
  }

  /** Creates a user (admins create customers; only a super admin creates admins). Active by default. */
  async create(actor: Actor, input: UserCreateInput): Promise<User> {
    const ctx = this.#ctx;
    const body = requireObject(input);
    assertAllowed(authorizeCollection(actor, 'create', Object.keys(body)));
    const { password, ...data } = parseInput(createSchemaFor(actor), body);
    const now = ctx.clock.now();
    // The rules run before the (slow) hash: a refused create costs no hashing.
    await planUserChange(undefined, { data, passwordHash: '', now, verificationTtlMs: ctx.verificationTtlMs, codes: ctx.codes, issueCode: false });
    const passwordHash = await ctx.hasher.hash(ctx.passwordPolicy.check(password, data.email));
    const plan = await planUserChange(undefined, { data, passwordHash, now, verificationTtlMs: ctx.verificationTtlMs, codes: ctx.codes });
    const record = await ctx.repository.transaction((tx) => applyUserChange(tx, plan, { actorId: actor.id }));
    if (plan.code !== undefined) await ctx.sendCode(record.email, plan.code);
    ctx.emit('user.created', { user: toPublicUser(record), actorId: actor.id, via: 'admin' });
    return toPublicUser(record);
  }

  /** Soft delete: the user disappears, its tokens die, its email stays reserved. */
  async delete(actor: Actor, id: number): Promise<void> {
    const now = this.#ctx.clock.now();
    await this.#ctx.repository.transaction(async (tx) => {
      await tx.activeSuperAdminIds({ lock: true }); // lock order: see guardLastSuperAdmin
      const target = await loadTarget(tx, actor, id, 'delete', { lock: true });
      await guardLastSuperAdmin(tx, target, { ...target, deleted_at: now });
      const updated = await tx.update(id, { deleted_at: now, updated_at: now, token_version: target.token_version + 1 });
      if (!updated) throw new UserkitError('NOT_FOUND', { detail: 'No such user' });
      await this.#ctx.sessionsIn(tx).revokeAll(id, now);
      await tx.appendActivity({ user_id: id, actor_id: actor.id, action: 'deleted', changes: null, created_at: now });
    });
    this.#ctx.emit('user.deleted', { userId: id, actorId: actor.id });
  }

  /** Changes a password (see {@link UserService.changePassword}). */
  async changePassword(actor: Actor, id: number, input: PasswordChangeInput): Promise<void> {
    const ctx = this.#ctx;
    const target = await loadTarget(ctx.repository, actor, id, 'password');
    const decision = authorize(actor, 'password', target);
    assertAllowed(decision);
    let newPassword: string;
    if (decision.passwordMode === 'with-current') {
      const body = parseInput(selfPasswordChangeSchema, input);
      newPassword = ctx.passwordPolicy.check(body.new_password, target.email, 'new_password');
      // Over 72 bytes is simply wrong (bcrypt would compare its prefix); the hash still runs.
      const current = ctx.passwordPolicy.candidate(body.current_password);
      if (!(await ctx.hasher.verify(current ?? '', target.password_hash)) || current === undefined) {
        throw new UserkitError('INVALID_CURRENT_PASSWORD', { detail: 'The current password is wrong' });
      }
    } else {
      newPassword = ctx.passwordPolicy.check(parseInput(adminPasswordSetSchema, input).new_password, target.email, 'new_password');
    }
    const passwordHash = await ctx.hasher.hash(newPassword);
    const now = ctx.clock.now();
    await ctx.repository.transaction(async (tx) => {
      const locked = await loadTarget(tx, actor, id, 'password', { lock: true });
      const updated = await tx.update(id, { password_hash: passwordHash, token_version: locked.token_version + 1, updated_at: now }, { expectedVersion: target.version });
      if (!updated) throw new UserkitError('PRECONDITION_FAILED', { detail: 'The user changed while the password was being set; try again' });
      await ctx.sessionsIn(tx).revokeAll(id, now);
      await tx.appendActivity({ user_id: id, actor_id: actor.id, action: 'password_changed', changes: null, created_at: now });
    });
    ctx.emit('user.password_changed', { userId: id, actorId: actor.id });
  }

  /** Creates an active super admin when there is none (see {@link UserService.ensureSuperAdmin}). */
  async ensureSuperAdmin(input: { email: string; password: string; name?: string }): Promise<{ created: boolean; user?: User }> {
    const ctx = this.#ctx;
    const email = parseInput(loginSchema.shape.email, input.email);
    if ((await ctx.repository.activeSuperAdminIds()).length > 0) return { created: false };
    const passwordHash = await ctx.hasher.hash(ctx.passwordPolicy.check(input.password, email));
    const now = ctx.clock.now();
    const data = { email, name: input.name ?? 'Super admin', user_type: 'admin', is_super_admin: true, status: 'active', email_verified: true } as const;
    const plan = await planUserChange(undefined, { data, passwordHash, now, verificationTtlMs: ctx.verificationTtlMs, codes: ctx.codes });
    const user = await ctx.repository.transaction(async (tx) => {
      if ((await tx.activeSuperAdminIds({ lock: true })).length > 0) return undefined;
      return applyUserChange(tx, plan, { actorId: null, createdChanges: { super_admin: { old: null, new: true } } });
    });
    if (user) ctx.emit('user.created', { user: toPublicUser(user), actorId: null, via: 'seed' });
    return user ? { created: true, user: toPublicUser(user) } : { created: false };
  }
}
