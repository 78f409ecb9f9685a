import { and, eq, isNull } from 'drizzle-orm';
import { members, tierHistory, tiers } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { recordAudit } from '../audit.js';
import { memberVisibleTo, type Member, type Program } from '../auth/scope.js';
import type { Tier } from './tiers.js';

export type TierChangeReason = (typeof tierHistory.$inferInsert)['reason'];

/**
 * Locks the member row for a tier change. Every tier writer (evaluation, review, purchase) takes
 * this lock first, so two of them never decide on a stale tier. Out of scope reads as not found.
 */
export async function lockMember(tx: ServiceContext, program: Program, memberId: string): Promise<Member> {
  const [member] = await tx.db
    .select()
    .from(members)
    .where(and(eq(members.id, memberId), eq(members.programId, program.id)))
    // NO KEY UPDATE, not UPDATE: a ledger write for this member holds its points account and then
    // takes a KEY SHARE lock on the member row (the entries' foreign key). FOR UPDATE would wait on
    // that while we wait for the account (the gift): a deadlock. Tier changes touch no key column.
    .for('no key update');
  if (!member || !memberVisibleTo(tx.actor, member, program)) throw new NotFoundError('Member', memberId);
  return member;
}

/**
 * Re-reads a tier that is about to be assigned, share-locked: a concurrent delete (which locks it
 * for update and counts holders) either sees this member as a holder or has already removed it.
 */
export async function lockTierForAssignment(tx: ServiceContext, programId: string, tierId: string): Promise<Tier> {
  const [tier] = await tx.db
    .select()
    .from(tiers)
    .where(and(eq(tiers.id, tierId), eq(tiers.programId, programId), isNull(tiers.deletedAt)))
    .for('share');
  if (!tier) throw new NotFoundError('Tier', tierId);
  return tier;
}

/** The tier a member holds right now: a paid tier past its expiry no longer counts. */
export function heldTier(member: Member, programTiers: readonly Tier[], now: Date): Tier | null {
  const tier = programTiers.find((t) => t.id === member.tierId) ?? null;
  if (tier?.kind === 'paid' && (!member.tierExpiresAt || member.tierExpiresAt <= now)) return null;
  return tier;
}

/** Moves a locked member to `toTier` (null: no tier), with its history row and audit entry. */
export async function changeMemberTier(
  tx: ServiceContext,
  program: Program,
  member: Member,
  change: { toTier: Tier | null; reason: TierChangeReason; achievedAt: Date; expiresAt: Date | null; note?: string },
): Promise<Member> {
  const now = tx.clock();
  const [after] = await tx.db
    .update(members)
    .set({ tierId: change.toTier?.id ?? null, tierAchievedAt: change.toTier ? change.achievedAt : null, tierExpiresAt: change.expiresAt })
    .where(eq(members.id, member.id))
    .returning();
  await tx.db.insert(tierHistory).values({
    programId: program.id,
    memberId: member.id,
    fromTierId: member.tierId,
    toTierId: change.toTier?.id ?? null,
    reason: change.reason,
    note: change.note ?? null,
    effectiveAt: now,
    expiresAt: change.expiresAt,
  });
  await recordAudit(tx, {
    tenantId: program.tenantId,
    programId: program.id,
    action: `tier.${change.reason}`,
    entityType: 'member',
    entityId: member.id,
    before: { tierId: member.tierId, tierAchievedAt: member.tierAchievedAt, tierExpiresAt: member.tierExpiresAt },
    after: { tierId: after!.tierId, tierAchievedAt: after!.tierAchievedAt, tierExpiresAt: after!.tierExpiresAt },
  });
  return after!;
}
