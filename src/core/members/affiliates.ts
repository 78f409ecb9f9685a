import { z } from '@hono/zod-openapi';
import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { affiliateProfiles, members } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError, ValidationError } from '../../errors.js';
import { SEALED_COLUMNS, sealedAt } from '../../secrets/index.js';
import { actorId, type Actor } from '../auth/actor.js';
import { recordAudit } from '../audit.js';
import { assertStaff, loadMemberInScope, loadProgramInScope, memberScopeCondition, type Member } from '../auth/scope.js';
import { MemberCreateInputSchema } from './member-input.js';
import { insertMember } from './members.js';
import { pageInputSchema, pageLimit, toPage, type Page } from '../pagination.js';
import { tagsByMember } from './tags.js';
import { affiliateView, type AffiliateView } from './views.js';

export const AFFILIATE_STATUSES = ['pending', 'approved', 'rejected', 'banned'] as const;
export type AffiliateStatus = (typeof AFFILIATE_STATUSES)[number];

const WebsiteSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000).openapi({ example: 'https://publisher.example' });
// The shape is settled by payouts; until then any small JSON object, kept small so it stays a detail.
const PayoutDetailsSchema = z
  .record(z.string(), z.unknown())
  .refine((v) => JSON.stringify(v).length <= 4000, 'must be at most 4000 characters as JSON')
  .openapi({ example: { method: 'sepa', iban: 'DE89370400440532013000' } });

/** Either an existing member (memberId) or a new one (member), plus the publisher details. */
export const AffiliateCreateInputSchema = z
  .strictObject({
    memberId: z.string().min(1).max(64).optional(),
    member: MemberCreateInputSchema.optional(),
    website: WebsiteSchema.nullish(),
    payoutDetails: PayoutDetailsSchema.nullish(),
    status: z.enum(['pending', 'approved']).optional().openapi({ description: 'Staff and API keys may enrol an affiliate already approved.' }),
  })
  .openapi('AffiliateCreateInput');

export const AffiliateUpdateInputSchema = z
  .strictObject({ website: WebsiteSchema.nullish(), payoutDetails: PayoutDetailsSchema.nullish() })
  .openapi('AffiliateUpdateInput');

export const AffiliateDecisionInputSchema = z
  .strictObject({
    status: z.enum(['approved', 'rejected', 'banned']),
    reason: z.string().trim().min(1).max(1000).optional(),
  })
  .openapi('AffiliateDecisionInput');

export const AffiliateListQuerySchema = pageInputSchema.extend({ status: z.enum(AFFILIATE_STATUSES).optional() });

export type AffiliateCreateInput = z.infer<typeof AffiliateCreateInputSchema>;
export type AffiliateUpdateInput = z.infer<typeof AffiliateUpdateInputSchema>;
export type AffiliateDecisionInput = z.infer<typeof AffiliateDecisionInputSchema>;
export type AffiliateListQuery = z.infer<typeof AffiliateListQuerySchema>;

/**
 * Who may move an affiliate between statuses:
 * - pending  -> approved | rejected | banned   (the review)
 * - approved -> rejected | banned              (approval withdrawn, or fraud)
 * - rejected -> approved | banned              (reconsidered, or fraud)
 * - banned   -> approved | rejected            ONLY by an admin: a ban is final for everyone else,
 *                                              so a regional manager cannot undo a ban.
 * Nothing moves back to pending, and deciding the status an affiliate already has is refused.
 */
const TRANSITIONS: Record<AffiliateStatus, readonly AffiliateStatus[]> = {
  pending: ['approved', 'rejected', 'banned'],
  approved: ['rejected', 'banned'],
  rejected: ['approved', 'banned'],
  banned: ['approved', 'rejected'],
};

export function assertDecisionAllowed(actor: Actor, from: AffiliateStatus, to: AffiliateStatus): void {
  if (!TRANSITIONS[from].includes(to)) {
    throw new UnprocessableError('unprocessable', `An affiliate cannot move from ${from} to ${to}.`, { from, to });
  }
  const isAdmin = actor.kind === 'system' || (actor.kind === 'user' && actor.role === 'admin');
  if (from === 'banned' && !isAdmin) throw new ForbiddenError('Only an admin can lift a ban.');
}

async function loadProfile(db: Db, memberId: string, forUpdate = false) {
  const query = db.select().from(affiliateProfiles).where(eq(affiliateProfiles.memberId, memberId));
  const [row] = forUpdate ? await query.for('update') : await query;
  return row;
}

type Profile = typeof affiliateProfiles.$inferSelect;
type PayoutDetails = Record<string, unknown>;

/** Bank details are sealed (src/secrets) to their affiliate's row: copied into another, they do not open. */
const payoutDetailsAt = (memberId: string) => sealedAt(SEALED_COLUMNS.payoutDetails, memberId);

function sealPayoutDetails(ctx: ServiceContext, memberId: string, details: PayoutDetails | null): string | null {
  return details === null ? null : ctx.secrets.keyring.sealJson(details, payoutDetailsAt(memberId));
}

function openPayoutDetails(ctx: ServiceContext, profile: Profile): PayoutDetails | null {
  return profile.payoutDetailsSealed === null ? null : ctx.secrets.keyring.openJson<PayoutDetails>(profile.payoutDetailsSealed, payoutDetailsAt(profile.memberId));
}

/** The affiliate as the context's actor sees it (who on the staff decided is not for partners). */
async function viewOf(ctx: ServiceContext, member: Member, profile: Profile): Promise<AffiliateView> {
  const tags = await tagsByMember(ctx.db, [member.id]);
  return affiliateView(member, profile, tags.get(member.id) ?? [], openPayoutDetails(ctx, profile), ctx.actor);
}

/** What the audit keeps of a profile: that payout details are set, never what they are. */
const auditedProfile = (view: AffiliateView['affiliate']) => {
  const { payoutDetails, ...rest } = view;
  return { ...rest, payoutDetailsSet: payoutDetails !== null };
};

/** Enrols an affiliate: a new member with a profile, or a profile for an existing member. */
export async function createAffiliate(ctx: ServiceContext, programId: string, input: AffiliateCreateInput): Promise<AffiliateView> {
  if (Boolean(input.memberId) === Boolean(input.member)) {
    throw new ValidationError([{ field: input.memberId ? 'member' : 'memberId', reason: 'give either memberId (an existing member) or member (a new one), not both' }]);
  }
  return await withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, programId);
    assertStaff(tx.actor);
    const member = input.memberId
      ? (await loadMemberInScope(tx, program.id, input.memberId)).member
      : await insertMember(tx, program, input.member!, { source: 'affiliate_signup' });
    if (await loadProfile(tx.db, member.id)) throw new ConflictError('This member is already an affiliate.', 'conflict', { field: 'memberId' });
    const approved = input.status === 'approved';
    const [profile] = await tx.db
      .insert(affiliateProfiles)
      .values({
        memberId: member.id,
        programId: program.id,
        website: input.website ?? null,
        payoutDetailsSealed: sealPayoutDetails(tx, member.id, input.payoutDetails ?? null),
        status: input.status ?? 'pending',
        decidedAt: approved ? tx.clock() : null,
        decidedBy: approved ? actorId(tx.actor) : null,
      })
      .onConflictDoNothing()
      .returning();
    if (!profile) throw new ConflictError('This member is already an affiliate.', 'conflict', { field: 'memberId' });
    const view = await viewOf(tx, member, profile);
    await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'affiliate.created', entityType: 'affiliate', entityId: member.id, after: auditedProfile(view.affiliate) });
    return view;
  });
}

/** An affiliate; an affiliate user sees only their own (anyone else is not found). */
export async function getAffiliate(ctx: ServiceContext, programId: string, memberId: string): Promise<AffiliateView> {
  const { member } = await loadMemberInScope(ctx, programId, memberId);
  const profile = await loadProfile(ctx.db, member.id);
  if (!profile) throw new NotFoundError('Affiliate', memberId);
  return await viewOf(ctx, member, profile);
}

export async function listAffiliates(ctx: ServiceContext, programId: string, query: AffiliateListQuery): Promise<Page<AffiliateView>> {
  const program = await loadProgramInScope(ctx, programId);
  assertStaff(ctx.actor);
  const { limit, fetch, cursor: after } = pageLimit({ limit: query.limit, cursor: query.cursor });
  const conditions: (SQL | undefined)[] = [eq(affiliateProfiles.programId, program.id), memberScopeCondition(ctx.actor)];
  if (after !== undefined) conditions.push(gt(members.id, after));
  if (query.status) conditions.push(eq(affiliateProfiles.status, query.status));
  const rows = await ctx.db
    .select({ member: members, profile: affiliateProfiles })
    .from(affiliateProfiles)
    .innerJoin(members, eq(members.id, affiliateProfiles.memberId))
    .where(and(...conditions))
    .orderBy(asc(members.id))
    .limit(fetch);
  const page = toPage(rows.map((r) => ({ id: r.member.id, ...r })), limit);
  const tags = await tagsByMember(ctx.db, page.data.map((r) => r.id));
  return { data: page.data.map((r) => affiliateView(r.member, r.profile, tags.get(r.member.id) ?? [], openPayoutDetails(ctx, r.profile), ctx.actor)), nextCursor: page.nextCursor };
}

/** Website and payout details; staff, the merchant's server, or the affiliate themselves. */
export async function updateAffiliate(ctx: ServiceContext, programId: string, memberId: string, input: AffiliateUpdateInput): Promise<AffiliateView> {
  return await withTransaction(ctx, async (tx) => {
    const { program, member } = await loadMemberInScope(tx, programId, memberId);
    const before = await loadProfile(tx.db, member.id, true);
    if (!before) throw new NotFoundError('Affiliate', memberId);
    const changes: Partial<typeof affiliateProfiles.$inferInsert> = {};
    if (input.website !== undefined) changes.website = input.website;
    if (input.payoutDetails !== undefined) {
      changes.payoutDetailsSealed = sealPayoutDetails(tx, member.id, input.payoutDetails);
      changes.legacyPayoutDetails = null;
    }
    if (!Object.keys(changes).length) return await viewOf(tx, member, before);
    const [after] = await tx.db.update(affiliateProfiles).set(changes).where(eq(affiliateProfiles.memberId, member.id)).returning();
    const view = await viewOf(tx, member, after!);
    // Payout details are sensitive: the audit says they changed, not what they are.
    const redact = (p: Profile) => ({ website: p.website, payoutDetailsSet: p.payoutDetailsSealed !== null });
    await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'affiliate.updated', entityType: 'affiliate', entityId: member.id, before: redact(before), after: redact(after!) });
    return view;
  });
}

/** Approves, rejects or bans an affiliate (see TRANSITIONS); regional managers only in their countries. */
export async function decideAffiliate(ctx: ServiceContext, programId: string, memberId: string, input: AffiliateDecisionInput): Promise<AffiliateView> {
  if (input.status !== 'approved' && !input.reason) {
    throw new ValidationError([{ field: 'reason', reason: `is required to mark an affiliate ${input.status}` }]);
  }
  return await withTransaction(ctx, async (tx) => {
    const { program, member } = await loadMemberInScope(tx, programId, memberId);
    assertStaff(tx.actor);
    const before = await loadProfile(tx.db, member.id, true);
    if (!before) throw new NotFoundError('Affiliate', memberId);
    assertDecisionAllowed(tx.actor, before.status, input.status);
    const [after] = await tx.db
      .update(affiliateProfiles)
      .set({ status: input.status, statusReason: input.reason ?? null, decidedAt: tx.clock(), decidedBy: actorId(tx.actor) })
      .where(eq(affiliateProfiles.memberId, member.id))
      .returning();
    await recordAudit(tx, {
      tenantId: program.tenantId,
      programId: program.id,
      action: 'affiliate.decided',
      entityType: 'affiliate',
      entityId: member.id,
      before: { status: before.status, statusReason: before.statusReason },
      after: { status: after!.status, statusReason: after!.statusReason },
    });
    return await viewOf(tx, member, after!);
  });
}
