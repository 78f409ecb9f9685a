import { and, eq, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { isUniqueViolation } from '../../../db/errors.js';
import { members } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { ConflictError, ForbiddenError, ValidationError, type FieldIssue } from '../../errors.js';
import type { Actor } from '../auth/actor.js';
import { enqueueTierEvaluation } from '../tiers/enqueue.js';
import { recordAudit } from '../audit.js';
import { assertCountryInScope, assertStaff, findNamedMember, loadMemberInScope, loadProgramInScope, type Member, type Program } from '../auth/scope.js';
import { mergeCustomFields, validateCustomFields } from './custom-fields.js';
import { loadCustomFieldDefinitions } from './definitions.js';
import { normalizeEmail, type MemberCreateInput, type MemberUpdateInput } from './member-input.js';
import { tagsByMember } from './tags.js';
import { memberView, type MemberView } from './views.js';

/**
 * Regional managers may only place members in their own countries; a member without a country
 * would drop out of their sight, so they must name one.
 */
function assertCountryAllowed(actor: Actor, country: string | null | undefined): void {
  if (actor.kind === 'user' && actor.role === 'regional_manager' && !country) {
    throw new ForbiddenError('Members you manage must have a country in your regions.', 'out_of_scope');
  }
  if (country) assertCountryInScope(actor, country);
}

/** Refuses an email or external id another member of the program already holds. */
async function assertUnique(db: Db, programId: string, fields: { emailNormalized?: string | null; externalId?: string | null }, exceptId?: string): Promise<void> {
  const clauses: SQL[] = [];
  if (fields.emailNormalized) clauses.push(eq(members.emailNormalized, fields.emailNormalized));
  if (fields.externalId) clauses.push(eq(members.externalId, fields.externalId));
  if (!clauses.length) return;
  const rows = await db
    .select({ id: members.id, emailNormalized: members.emailNormalized, externalId: members.externalId })
    .from(members)
    .where(and(eq(members.programId, programId), or(...clauses)));
  const other = rows.filter((r) => r.id !== exceptId);
  if (fields.emailNormalized && other.some((r) => r.emailNormalized === fields.emailNormalized)) throw duplicate('email');
  if (fields.externalId && other.some((r) => r.externalId === fields.externalId)) throw duplicate('externalId');
}

function duplicate(field: 'email' | 'externalId'): ConflictError {
  return new ConflictError(`A member of this program already has this ${field === 'email' ? 'email' : 'external id'}.`, 'conflict', { field });
}

/** Turns a unique violation that raced past assertUnique into the same 409. */
function translateUniqueViolation(err: unknown): never {
  if (isUniqueViolation(err, 'members_program_email_uq')) throw duplicate('email');
  if (isUniqueViolation(err, 'members_program_external_uq')) throw duplicate('externalId');
  throw err;
}

/**
 * The referrer must be a member the caller may name: a regional manager only one in their
 * countries. One outside them is refused exactly like one that does not exist, or the answer
 * would tell the manager which ids exist elsewhere.
 */
async function assertReferrer(ctx: ServiceContext, program: Program, referrerId: string | null | undefined, selfId?: string): Promise<void> {
  if (!referrerId) return;
  if (referrerId === selfId) throw new ValidationError([{ field: 'referredByMemberId', reason: 'a member cannot refer themselves' }]);
  if (!(await findNamedMember(ctx, program, referrerId))) {
    throw new ValidationError([{ field: 'referredByMemberId', reason: 'is not a member of this program that you can see' }]);
  }
}

function throwIfIssues(issues: FieldIssue[]): void {
  if (issues.length) throw new ValidationError(issues);
}

/**
 * Inserts a member inside the caller's transaction: scope, custom fields, uniqueness, referrer,
 * audit. Affiliate sign-up builds on it.
 */
export async function insertMember(tx: ServiceContext, program: Program, input: MemberCreateInput, defaults: { source?: string } = {}): Promise<Member> {
  assertStaff(tx.actor);
  assertCountryAllowed(tx.actor, input.country);
  const definitions = await loadCustomFieldDefinitions(tx.db, program.id);
  const customFields = validateCustomFields(definitions, input.customFields ?? {}, { partial: false });
  throwIfIssues(customFields.issues);
  const emailNormalized = input.email ? normalizeEmail(input.email) : null;
  await assertUnique(tx.db, program.id, { emailNormalized, externalId: input.externalId });
  await assertReferrer(tx, program, input.referredByMemberId);
  let row: Member;
  try {
    [row] = (await tx.db
      .insert(members)
      .values({
        programId: program.id,
        externalId: input.externalId ?? null,
        name: input.name ?? '',
        email: input.email ?? null,
        emailNormalized,
        phone: input.phone ?? null,
        birthday: input.birthday ?? null,
        country: input.country ?? null,
        locale: input.locale ?? null,
        source: input.source ?? defaults.source ?? 'api',
        status: input.status ?? 'active',
        customFields: customFields.value,
        referredByMemberId: input.referredByMemberId ?? null,
      })
      .returning()) as [Member];
  } catch (err) {
    translateUniqueViolation(err);
  }
  await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'member.created', entityType: 'member', entityId: row.id, after: memberView(row, []) });
  // A referred signup counts towards the referrer's tier.
  if (row.referredByMemberId) await enqueueTierEvaluation(tx, { programId: program.id, memberId: row.referredByMemberId });
  return row;
}

export async function createMember(ctx: ServiceContext, programId: string, input: MemberCreateInput): Promise<MemberView> {
  return await withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, programId);
    const row = await insertMember(tx, program, input);
    return memberView(row, []);
  });
}

/** One member; affiliates and members only ever see their own record (others are not found). */
export async function getMember(ctx: ServiceContext, programId: string, memberId: string): Promise<MemberView> {
  const { member } = await loadMemberInScope(ctx, programId, memberId);
  const tags = await tagsByMember(ctx.db, [member.id]);
  return memberView(member, tags.get(member.id) ?? []);
}

const UPDATABLE = ['name', 'email', 'phone', 'birthday', 'country', 'locale', 'source', 'status', 'externalId', 'referredByMemberId'] as const;

/** Applies a partial update; custom fields are merged key by key (null clears a key). */
export async function updateMember(ctx: ServiceContext, programId: string, memberId: string, input: MemberUpdateInput): Promise<MemberView> {
  return await withTransaction(ctx, async (tx) => {
    const { program } = await loadMemberInScope(tx, programId, memberId);
    assertStaff(tx.actor);
    const [before] = (await tx.db.select().from(members).where(eq(members.id, memberId)).for('update')) as [Member];
    if (input.country !== undefined) assertCountryAllowed(tx.actor, input.country);

    const changes: Partial<typeof members.$inferInsert> = {};
    for (const key of UPDATABLE) {
      if (input[key] !== undefined) (changes as Record<string, unknown>)[key] = input[key];
    }
    if (input.email !== undefined) changes.emailNormalized = input.email ? normalizeEmail(input.email) : null;
    if (input.customFields !== undefined) {
      const definitions = await loadCustomFieldDefinitions(tx.db, program.id);
      const customFields = validateCustomFields(definitions, input.customFields, { partial: true });
      throwIfIssues(customFields.issues);
      changes.customFields = mergeCustomFields(before.customFields, customFields.value);
    }
    await assertUnique(
      tx.db,
      program.id,
      {
        emailNormalized: changes.emailNormalized !== before.emailNormalized ? changes.emailNormalized : undefined,
        externalId: changes.externalId !== before.externalId ? changes.externalId : undefined,
      },
      before.id,
    );
    if (changes.referredByMemberId !== undefined && changes.referredByMemberId !== before.referredByMemberId) {
      await assertReferrer(tx, program, changes.referredByMemberId, before.id);
    }

    let after = before;
    if (Object.keys(changes).length) {
      try {
        [after] = (await tx.db.update(members).set(changes).where(eq(members.id, before.id)).returning()) as [Member];
      } catch (err) {
        translateUniqueViolation(err);
      }
    }
    const tags = (await tagsByMember(tx.db, [before.id])).get(before.id) ?? [];
    const beforeView = memberView(before, tags);
    const afterView = memberView(after, tags);
    const changedKeys = (Object.keys(afterView) as (keyof MemberView)[]).filter(
      (k) => k !== 'updatedAt' && JSON.stringify(beforeView[k]) !== JSON.stringify(afterView[k]),
    );
    if (changedKeys.length) {
      await recordAudit(tx, {
        tenantId: program.tenantId,
        programId: program.id,
        action: 'member.updated',
        entityType: 'member',
        entityId: before.id,
        before: Object.fromEntries(changedKeys.map((k) => [k, beforeView[k]])),
        after: Object.fromEntries(changedKeys.map((k) => [k, afterView[k]])),
      });
    }
    return afterView;
  });
}
