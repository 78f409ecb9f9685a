import { and, asc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { isUniqueViolation } from '../../../db/errors.js';
import { members, tiers } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import { recordAudit } from '../audit.js';
import type { Actor } from '../auth/actor.js';
import { loadProgramInScope } from '../auth/scope.js';
import { pageLimit, toPage, type Page, type PageInput } from '../pagination.js';
import { parseInput } from '../validation.js';
import { CreateTierSchema, tierRuleIssues, UpdateTierSchema, type CreateTierInput, type TierFields, type UpdateTierInput } from './tier-input.js';

export type Tier = typeof tiers.$inferSelect;

const RANK_UNIQUE = 'tiers_program_rank_live_uq';

/** Tiers shape what every member of a program gets, so only the tenant's admins define them. */
function assertTierAdmin(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (actor.kind === 'user' && actor.role === 'admin') return;
  throw new ForbiddenError('Only an administrator may change tiers.');
}

const rankTaken = (rank: number) => new ValidationError([{ field: 'rank', reason: `rank ${rank} is already used by another tier of this program` }]);

/** The program's tiers that are not deleted, lowest rank first. */
export async function liveTiers(db: Db, programId: string): Promise<Tier[]> {
  return await db
    .select()
    .from(tiers)
    .where(and(eq(tiers.programId, programId), isNull(tiers.deletedAt)))
    .orderBy(asc(tiers.rank));
}

export async function listTiers(ctx: ServiceContext, input: { programId: string } & PageInput): Promise<Page<Tier>> {
  const program = await loadProgramInScope(ctx, input.programId);
  const page = pageLimit({ limit: input.limit, cursor: input.cursor });
  const rows = await ctx.db
    .select()
    .from(tiers)
    .where(and(eq(tiers.programId, program.id), isNull(tiers.deletedAt), page.cursor ? gt(tiers.id, page.cursor) : undefined))
    .orderBy(asc(tiers.id))
    .limit(page.fetch);
  return toPage(rows, page.limit);
}

async function loadTier(ctx: ServiceContext, programId: string, tierId: string, lock = false): Promise<Tier> {
  const query = ctx.db
    .select()
    .from(tiers)
    .where(and(eq(tiers.id, tierId), eq(tiers.programId, programId), isNull(tiers.deletedAt)));
  const [tier] = lock ? await query.for('update') : await query;
  if (!tier) throw new NotFoundError('Tier', tierId);
  return tier;
}

export async function getTier(ctx: ServiceContext, input: { programId: string; tierId: string }): Promise<Tier> {
  const program = await loadProgramInScope(ctx, input.programId);
  return await loadTier(ctx, program.id, input.tierId);
}

async function assertRankFree(ctx: ServiceContext, programId: string, rank: number, exceptTierId?: string): Promise<void> {
  const [clash] = await ctx.db
    .select({ id: tiers.id })
    .from(tiers)
    .where(and(eq(tiers.programId, programId), eq(tiers.rank, rank), isNull(tiers.deletedAt), exceptTierId ? ne(tiers.id, exceptTierId) : undefined));
  if (clash) throw rankTaken(rank);
}

function assertRules(fields: TierFields): void {
  const issues = tierRuleIssues(fields);
  if (issues.length) throw new ValidationError(issues);
}

/** Two writers racing for one rank: the partial unique index decides, and the loser gets the same error. */
async function translatingRankRace<T>(rank: number | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (rank !== undefined && isUniqueViolation(err, RANK_UNIQUE)) throw rankTaken(rank);
    throw err;
  }
}

export async function createTier(ctx: ServiceContext, input: { programId: string; tier: CreateTierInput }): Promise<Tier> {
  assertTierAdmin(ctx.actor);
  const fields = parseInput(CreateTierSchema, input.tier);
  assertRules(fields);
  return await translatingRankRace(fields.rank, () =>
    withTransaction(ctx, async (tx) => {
      const program = await loadProgramInScope(tx, input.programId);
      await assertRankFree(tx, program.id, fields.rank);
      const [tier] = await tx.db
        .insert(tiers)
        .values({ ...fields, programId: program.id })
        .returning();
      await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'tier.create', entityType: 'tier', entityId: tier!.id, after: tier });
      return tier!;
    }),
  );
}

async function holderCount(ctx: ServiceContext, tierId: string): Promise<number> {
  const [row] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(members)
    .where(eq(members.tierId, tierId));
  return row?.n ?? 0;
}

export async function updateTier(ctx: ServiceContext, input: { programId: string; tierId: string; patch: UpdateTierInput }): Promise<Tier> {
  assertTierAdmin(ctx.actor);
  const patch = parseInput(UpdateTierSchema, input.patch);
  return await translatingRankRace(patch.rank, () =>
    withTransaction(ctx, async (tx) => {
      const program = await loadProgramInScope(tx, input.programId);
      const before = await loadTier(tx, program.id, input.tierId, true);
      const merged: TierFields = {
        name: patch.name ?? before.name,
        rank: patch.rank ?? before.rank,
        kind: patch.kind ?? before.kind,
        qualification: patch.qualification ?? before.qualification,
        upgradeGiftPoints: patch.upgradeGiftPoints ?? before.upgradeGiftPoints,
        pointsMultiplierBps: patch.pointsMultiplierBps ?? before.pointsMultiplierBps,
        commissionMultiplierBps: patch.commissionMultiplierBps ?? before.commissionMultiplierBps,
        benefits: patch.benefits ?? before.benefits,
        feeAmount: patch.feeAmount !== undefined ? patch.feeAmount : before.feeAmount,
        feeCurrency: patch.feeCurrency !== undefined ? patch.feeCurrency : before.feeCurrency,
        validityDays: patch.validityDays !== undefined ? patch.validityDays : before.validityDays,
      };
      assertRules(merged);
      if (merged.rank !== before.rank) await assertRankFree(tx, program.id, merged.rank, before.id);
      // Holders of a standard tier have no expiry, holders of a paid one do: switching kind would strand them.
      if (merged.kind !== before.kind && (await holderCount(tx, before.id)) > 0) {
        throw new ConflictError('The kind of a tier members hold cannot change.', 'conflict', { field: 'kind' });
      }
      const [after] = await tx.db.update(tiers).set(merged).where(eq(tiers.id, before.id)).returning();
      await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'tier.update', entityType: 'tier', entityId: before.id, before, after });
      return after!;
    }),
  );
}

/**
 * Soft delete: the row stays for history and purchases that point at it, but leaves the program
 * and frees its rank. A tier members still hold cannot be deleted (409).
 */
export async function deleteTier(ctx: ServiceContext, input: { programId: string; tierId: string }): Promise<void> {
  assertTierAdmin(ctx.actor);
  await withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, input.programId);
    // The row lock makes tier assignment (which reads the tier FOR SHARE) wait for this decision.
    const tier = await loadTier(tx, program.id, input.tierId, true);
    const holders = await holderCount(tx, tier.id);
    if (holders > 0) {
      throw new ConflictError(`${holders} member(s) hold this tier; move them first.`, 'conflict', { holders });
    }
    await tx.db.update(tiers).set({ deletedAt: tx.clock() }).where(eq(tiers.id, tier.id));
    await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'tier.delete', entityType: 'tier', entityId: tier.id, before: tier });
  });
}
