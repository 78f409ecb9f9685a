import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { isUniqueViolation } from '../../../db/errors.js';
import { tierPurchases } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { ConflictError, UnprocessableError, ValidationError } from '../../errors.js';
import { assertStaff, loadProgramInScope } from '../auth/scope.js';
import { parseInput } from '../validation.js';
import { changeMemberTier, heldTier, lockMember, lockTierForAssignment } from './assignment.js';
import { addDays } from './evaluation-date.js';
import { liveTiers } from './tiers.js';

export type TierPurchase = typeof tierPurchases.$inferSelect;

const KEY_UNIQUE = 'tier_purchases_program_key_uq';

const purchaseInput = z.object({
  programId: z.string().min(1),
  memberId: z.string().min(1),
  tierId: z.string().trim().min(1, 'is required').max(100),
  idempotencyKey: z.string().trim().min(1, 'is required').max(200),
  paymentReference: z.string().trim().min(1, 'is required').max(200),
});
export type PurchaseTierInput = z.input<typeof purchaseInput>;

const hashOf = (i: { memberId: string; tierId: string; paymentReference: string }) =>
  createHash('sha256').update(JSON.stringify([i.memberId, i.tierId, i.paymentReference])).digest('hex');

function replayOrConflict(existing: TierPurchase, requestHash: string): { purchase: TierPurchase; replayed: true } {
  if (existing.requestHash !== requestHash) {
    throw new ConflictError('This idempotency key was already used for a different request.', 'idempotency_key_reused', { idempotencyKey: existing.idempotencyKey });
  }
  return { purchase: existing, replayed: true };
}

/**
 * Records a paid tier bought for a member (the payment itself happened elsewhere; its reference
 * is kept). The member holds the tier for validityDays from now, or, renewing the tier they hold,
 * from its current expiry. A replayed idempotency key returns the first purchase unchanged.
 */
export async function purchaseTier(ctx: ServiceContext, raw: PurchaseTierInput): Promise<{ purchase: TierPurchase; replayed: boolean }> {
  assertStaff(ctx.actor);
  const input = parseInput(purchaseInput, raw);
  const requestHash = hashOf(input);
  const findByKey = async (c: ServiceContext) => {
    const [row] = await c.db
      .select()
      .from(tierPurchases)
      .where(and(eq(tierPurchases.programId, input.programId), eq(tierPurchases.idempotencyKey, input.idempotencyKey)));
    return row;
  };
  try {
    return await withTransaction(ctx, async (tx) => {
      const program = await loadProgramInScope(tx, input.programId);
      const member = await lockMember(tx, program, input.memberId);
      // Read after the member lock so a twin request for this member that just committed is seen.
      const existing = await findByKey(tx);
      if (existing) return replayOrConflict(existing, requestHash);

      const now = tx.clock();
      const programTiers = await liveTiers(tx.db, program.id);
      const tier = programTiers.find((t) => t.id === input.tierId);
      if (!tier || tier.kind !== 'paid') throw new ValidationError([{ field: 'tierId', reason: 'must be a paid tier of this program' }]);
      const held = heldTier(member, programTiers, now);
      if (held && held.rank > tier.rank) {
        throw new UnprocessableError('unprocessable', `The member already holds ${held.name}, which ranks above ${tier.name}.`, { heldTierId: held.id });
      }
      await lockTierForAssignment(tx, program.id, tier.id);
      const renewal = held?.id === tier.id;
      const startsAt = renewal ? member.tierExpiresAt! : now;
      const expiresAt = addDays(startsAt, tier.validityDays!);
      const [purchase] = await tx.db
        .insert(tierPurchases)
        .values({
          programId: program.id,
          memberId: member.id,
          tierId: tier.id,
          idempotencyKey: input.idempotencyKey,
          requestHash,
          paymentReference: input.paymentReference,
          feeAmount: tier.feeAmount!,
          feeCurrency: tier.feeCurrency!,
          startsAt,
          expiresAt,
        })
        .returning();
      await changeMemberTier(tx, program, member, {
        toTier: tier,
        reason: 'purchase',
        achievedAt: renewal && member.tierAchievedAt ? member.tierAchievedAt : now,
        expiresAt,
        note: `payment ${input.paymentReference}`,
      });
      return { purchase: purchase!, replayed: false };
    });
  } catch (err) {
    // The same key used at once for two different members: the unique constraint picked a winner.
    if (!isUniqueViolation(err, KEY_UNIQUE)) throw err;
    const winner = await findByKey(ctx);
    if (!winner) throw err;
    return replayOrConflict(winner, requestHash);
  }
}
