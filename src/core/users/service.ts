import { and, eq, gt, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { isUniqueViolation } from '../../../db/errors.js';
import { affiliateProfiles, members, programs, users } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError, ValidationError, type FieldIssue } from '../../errors.js';
import type { Role } from '../auth/actor.js';
import { assertLoginNotBraked, normalizeLoginEmail, recordLoginAttempt, type LoginSource } from '../auth/login-brake.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { assertTenantAdmin } from '../auth/scope.js';
import { recordAudit } from '../audit.js';
import { pageLimit, toPage, type Page, type PageInput } from '../pagination.js';
import { parseInput } from '../validation.js';
import {
  PasswordChangeInputSchema,
  UserCreateInputSchema,
  UserUpdateInputSchema,
  type PasswordChangeInput,
  type UserCreateInput,
  type UserUpdateInput,
} from './input.js';
import { toUserView, type UserView } from './view.js';

export type { UserView };

/** Users of the tenant with the program their member record belongs to (for affiliates and members). */
function selectUsers(db: Db, where: SQL | undefined) {
  return db.select({ user: users, programId: members.programId }).from(users).leftJoin(members, eq(members.id, users.memberId)).where(where);
}

async function loadUser(db: Db, tenantId: string, userId: string, lock = false) {
  const query = selectUsers(db, and(eq(users.tenantId, tenantId), eq(users.id, userId)));
  const [row] = lock ? await query.for('update', { of: users }) : await query;
  if (!row) throw new NotFoundError('User', userId);
  return row;
}

/** Bumps users.token_version in the statement that makes the change: tokens of the old version are refused. */
const nextTokenVersion = sql`${users.tokenVersion} + 1`;

const sameCountries = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((c) => b.includes(c));

interface RoleFields {
  countries?: string[];
  programId?: string | null;
  memberId?: string | null;
}

/**
 * Checks that the role-specific fields fit the role: regional managers need countries, affiliates
 * and members need a member record in a program of this tenant (affiliates one with an affiliate
 * profile), admins need neither. `given` is what the caller sent; `carried` what the user had.
 */
async function resolveRoleFields(db: Db, tenantId: string, role: Role, given: RoleFields, carried: RoleFields = {}) {
  const issues: FieldIssue[] = [];
  const misplaced = (keys: (keyof RoleFields)[]) => {
    for (const key of keys) if (given[key] !== undefined) issues.push({ field: key, reason: `does not apply to the ${role} role` });
  };
  const countries = given.countries ?? carried.countries ?? [];
  const programId = given.programId ?? carried.programId ?? null;
  const memberId = given.memberId ?? carried.memberId ?? null;
  if (role === 'admin') misplaced(['countries', 'programId', 'memberId']);
  if (role === 'regional_manager') {
    misplaced(['programId', 'memberId']);
    if (countries.length === 0) issues.push({ field: 'countries', reason: 'a regional manager needs at least one country' });
  }
  if (role === 'affiliate' || role === 'member') {
    misplaced(['countries']);
    if (!programId) issues.push({ field: 'programId', reason: `is required for the ${role} role` });
    if (!memberId) issues.push({ field: 'memberId', reason: `is required for the ${role} role` });
  }
  if (issues.length) throw new ValidationError(issues);
  if (role === 'admin') return { countries: [], memberId: null, programId: null };
  if (role === 'regional_manager') return { countries, memberId: null, programId: null };

  const [program] = await db.select({ id: programs.id }).from(programs).where(and(eq(programs.id, programId!), eq(programs.tenantId, tenantId)));
  if (!program) throw new ValidationError([{ field: 'programId', reason: 'is not a program of this tenant' }]);
  const [member] = await db
    .select({ id: members.id, profile: affiliateProfiles.memberId })
    .from(members)
    .leftJoin(affiliateProfiles, eq(affiliateProfiles.memberId, members.id))
    .where(and(eq(members.id, memberId!), eq(members.programId, program.id)));
  if (!member) throw new ValidationError([{ field: 'memberId', reason: 'is not a member of this program' }]);
  if (role === 'affiliate' && !member.profile) throw new ValidationError([{ field: 'memberId', reason: 'has no affiliate profile' }]);
  return { countries: [], memberId: member.id, programId: program.id };
}

async function assertEmailFree(db: Db, email: string, exceptUserId?: string) {
  const sameEmail = eq(sql`lower(${users.email})`, normalizeLoginEmail(email));
  const [taken] = await db
    .select({ id: users.id })
    .from(users)
    .where(exceptUserId ? and(sameEmail, ne(users.id, exceptUserId)) : sameEmail);
  if (taken) throw emailTaken();
}

const emailTaken = () => new ConflictError('A user with this email already exists.', 'conflict', { field: 'email' });
const memberTaken = () => new ConflictError('This member already has a login.', 'conflict', { field: 'memberId' });

async function assertMemberFree(db: Db, memberId: string, exceptUserId?: string) {
  const sameMember = eq(users.memberId, memberId);
  const [taken] = await db
    .select({ id: users.id })
    .from(users)
    .where(exceptUserId ? and(sameMember, ne(users.id, exceptUserId)) : sameMember);
  if (taken) throw memberTaken();
}

/** Maps a lost race on the unique indexes to the same 409 the pre-checks give. */
function conflictFromUnique(err: unknown): unknown {
  if (isUniqueViolation(err, 'users_email_uq')) return emailTaken();
  if (isUniqueViolation(err, 'users_member_uq')) return memberTaken();
  return err;
}

export async function createUser(ctx: ServiceContext, raw: UserCreateInput & { tenantId?: string }): Promise<UserView> {
  const tenantId = assertTenantAdmin(ctx.actor, raw.tenantId);
  const { tenantId: _ignored, ...rest } = raw;
  const input = parseInput(UserCreateInputSchema, rest);
  const passwordHash = await hashPassword(input.password);
  return withTransaction(ctx, async (tx) => {
    const roleFields = await resolveRoleFields(tx.db, tenantId, input.role, input);
    await assertEmailFree(tx.db, input.email);
    if (roleFields.memberId) await assertMemberFree(tx.db, roleFields.memberId);
    const [row] = await tx.db
      .insert(users)
      .values({ tenantId, email: input.email, name: input.name, passwordHash, role: input.role, countries: roleFields.countries, memberId: roleFields.memberId })
      .returning()
      .catch((err: unknown) => {
        throw conflictFromUnique(err);
      });
    const view = toUserView(row!, roleFields.programId);
    await recordAudit(tx, { tenantId, programId: roleFields.programId, action: 'user.created', entityType: 'user', entityId: view.id, after: view });
    return view;
  });
}

export async function listUsers(ctx: ServiceContext, input: PageInput & { role?: Role } = {}): Promise<Page<UserView>> {
  const tenantId = assertTenantAdmin(ctx.actor);
  const { limit, fetch, cursor } = pageLimit({ limit: input.limit, cursor: input.cursor });
  const rows = await selectUsers(
    ctx.db,
    and(eq(users.tenantId, tenantId), cursor ? gt(users.id, cursor) : undefined, input.role ? eq(users.role, input.role) : undefined),
  )
    .orderBy(users.id)
    .limit(fetch);
  return toPage(
    rows.map((r) => ({ id: r.user.id, ...r })),
    limit,
    (r) => toUserView(r.user, r.programId),
  );
}

export async function getUser(ctx: ServiceContext, userId: string): Promise<UserView> {
  const tenantId = assertTenantAdmin(ctx.actor);
  const row = await loadUser(ctx.db, tenantId, userId);
  return toUserView(row.user, row.programId);
}

export async function updateUser(ctx: ServiceContext, userId: string, raw: UserUpdateInput): Promise<UserView> {
  const tenantId = assertTenantAdmin(ctx.actor);
  const input = parseInput(UserUpdateInputSchema, raw);
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  return withTransaction(ctx, async (tx) => {
    const { user, programId } = await loadUser(tx.db, tenantId, userId, true);
    const role = input.role ?? user.role;
    const self = tx.actor.kind === 'user' && tx.actor.userId === user.id;
    // An admin locking themselves out could leave a tenant with nobody to undo it.
    if (self && (input.status === 'disabled' || role !== user.role)) {
      throw new UnprocessableError('unprocessable', 'You cannot disable your own account or change your own role.');
    }
    const carried = role === user.role ? { countries: user.countries, programId, memberId: user.memberId } : {};
    const roleFields = await resolveRoleFields(tx.db, tenantId, role, input, carried);
    // What a token stood for changes: every token of the user ends now (the next one reads the new row).
    const revokesTokens =
      passwordHash !== undefined ||
      (input.status !== undefined && input.status !== user.status) ||
      role !== user.role ||
      !sameCountries(roleFields.countries, user.countries) ||
      roleFields.memberId !== user.memberId;
    if (input.email) await assertEmailFree(tx.db, input.email, user.id);
    if (roleFields.memberId) await assertMemberFree(tx.db, roleFields.memberId, user.id);
    const [row] = await tx.db
      .update(users)
      .set({
        ...(input.email ? { email: input.email } : {}),
        ...(input.name ? { name: input.name } : {}),
        ...(input.status ? { status: input.status } : {}),
        ...(passwordHash ? { passwordHash } : {}),
        role,
        countries: roleFields.countries,
        memberId: roleFields.memberId,
        ...(revokesTokens ? { tokenVersion: nextTokenVersion } : {}),
      })
      .where(eq(users.id, user.id))
      .returning()
      .catch((err: unknown) => {
        throw conflictFromUnique(err);
      });
    const before = toUserView(user, programId);
    const after = toUserView(row!, roleFields.programId);
    await recordAudit(tx, {
      tenantId,
      programId: after.programId,
      action: 'user.updated',
      entityType: 'user',
      entityId: user.id,
      before,
      after: { ...after, ...(passwordHash ? { passwordChanged: true } : {}), ...(revokesTokens ? { tokensRevoked: true } : {}) },
    });
    return after;
  });
}

function loggedInUser(ctx: ServiceContext) {
  if (ctx.actor.kind !== 'user') throw new ForbiddenError('Only a logged-in user has a profile.');
  return ctx.actor;
}

/** The logged-in user. A disabled account never gets here: authentication re-reads it on every request. */
export async function getCurrentUser(ctx: ServiceContext): Promise<UserView> {
  const actor = loggedInUser(ctx);
  const { user, programId } = await loadUser(ctx.db, actor.tenantId, actor.userId);
  return toUserView(user, programId);
}

/**
 * Changes the caller's own password and ends every token of the account, the caller's included.
 * Wrong current passwords count towards the login brakes of the caller's address, so a stolen
 * token cannot be used to guess the password either.
 */
export async function changeOwnPassword(ctx: ServiceContext, raw: PasswordChangeInput, source: LoginSource): Promise<void> {
  const actor = loggedInUser(ctx);
  const input = parseInput(PasswordChangeInputSchema, raw);
  const { user } = await loadUser(ctx.db, actor.tenantId, actor.userId);
  const email = normalizeLoginEmail(user.email);
  await assertLoginNotBraked(ctx, email, source);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    await recordLoginAttempt(ctx, email, source, false);
    throw new ValidationError([{ field: 'currentPassword', reason: 'is not your current password' }]);
  }
  const passwordHash = await hashPassword(input.newPassword);
  await withTransaction(ctx, async (tx) => {
    await tx.db.update(users).set({ passwordHash, tokenVersion: nextTokenVersion }).where(eq(users.id, user.id));
    await recordAudit(tx, { tenantId: user.tenantId, action: 'user.password_changed', entityType: 'user', entityId: user.id });
  });
}

/** "Sign out everywhere": every access token of the caller's account stops working at once. */
export async function signOutEverywhere(ctx: ServiceContext): Promise<void> {
  const actor = loggedInUser(ctx);
  await withTransaction(ctx, async (tx) => {
    await tx.db.update(users).set({ tokenVersion: nextTokenVersion }).where(and(eq(users.id, actor.userId), eq(users.tenantId, actor.tenantId)));
    await recordAudit(tx, { tenantId: actor.tenantId, action: 'user.signed_out_everywhere', entityType: 'user', entityId: actor.userId });
  });
}
