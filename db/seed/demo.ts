import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { memberOrders, tenants, users } from '../schema/index.js';
import type { Config } from '../../src/config.js';
import { withTransaction, type Clock, type ServiceContext } from '../../src/context.js';
import { systemActor } from '../../src/core/auth/actor.js';
import { createApiKey } from '../../src/core/auth/api-keys.js';
import { recordAudit } from '../../src/core/audit.js';
import { createAffiliate } from '../../src/core/members/affiliates.js';
import { createCustomFieldDefinition } from '../../src/core/members/definitions.js';
import { createMember } from '../../src/core/members/members.js';
import { addMemberTag } from '../../src/core/members/tags.js';
import { earnPoints } from '../../src/core/points/earn.js';
import { recordOrder } from '../../src/core/points/orders.js';
import { redeemPoints } from '../../src/core/points/redeem.js';
import { refundOrder } from '../../src/core/points/refunds.js';
import { createProgram } from '../../src/core/programs/service.js';
import { recomputeProgramSegments } from '../../src/core/segments/recompute.js';
import { evaluateMemberTier } from '../../src/core/tiers/evaluate.js';
import { purchaseTier } from '../../src/core/tiers/purchases.js';
import { createTier } from '../../src/core/tiers/tiers.js';
import { createUser } from '../../src/core/users/service.js';
import type { JobQueue } from '../../src/jobs/types.js';
import type { Logger } from '../../src/logger.js';
import type { Secrets } from '../../src/secrets/index.js';
import { trackConversion } from '../../src/tracking/conversions/track.js';
import { createLink } from '../../src/tracking/links/create.js';
import { createPromoCode } from '../../src/tracking/promo-codes/service.js';
import type { IpHasher } from '../../src/tracking/types.js';
import { setFxRate } from '../../src/payouts/fx-rates.js';
import { setCommissionPolicy } from '../../src/payouts/policies/service.js';
import { getOrCreateInviteLink } from '../../src/tracking/links/invite.js';
import { DEMO_LOG_KEY_SEED, LogKeys } from '../../src/transparency/log/keys.js';
import {
  DEMO_AFFILIATES,
  DEMO_CUSTOM_FIELDS,
  DEMO_LINK,
  DEMO_MARKETS,
  DEMO_NEW_MARKET,
  DEMO_PASSWORD,
  DEMO_SETTINGS,
  DEMO_TIERS,
  DEMO_USERS,
  demoMembers,
  type DemoMember,
} from './demo-data.js';
import { seedDemoClicks } from './demo-clicks.js';

export interface DemoCredentials {
  logins: { role: string; email: string; password: string }[];
  apiKey: string;
  programId: string;
}

type SeedDeps = { db: Db; logger: Logger; clock: Clock; jobs: JobQueue; secrets: Secrets };

// Any constant works; every Trellis process sharing a database must use the same one.
const SEED_LOCK_KEY = 7_372_002;
const DAY_MS = 86_400_000;

/**
 * Seeds the demo program at boot. SEED_DEMO=auto: only on an empty database (no tenant at all);
 * always: unless the demo tenant already exists; never: not at all. Processes booting together
 * queue on an advisory lock and check inside the same transaction, so exactly one seeds.
 */
export async function seedDemoIfEmpty(
  deps: SeedDeps,
  config: Pick<Config, 'SEED_DEMO'> & Partial<Pick<Config, 'TRANSPARENCY_ORIGIN'>>,
): Promise<DemoCredentials | undefined> {
  if (config.SEED_DEMO === 'never') return undefined;
  const started = Date.now();
  const ctx: ServiceContext = { ...deps, actor: systemActor('demo seed') };
  const result = await withTransaction(ctx, async (tx) => {
    await tx.db.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
    if (config.SEED_DEMO === 'auto') {
      const [any] = await tx.db.select({ id: tenants.id }).from(tenants).limit(1);
      if (any) return undefined;
    }
    if (await holdsDemoData(tx.db)) return undefined;
    // The demo log signs with a fixed, public key (DEMO_LOG_KEY_SEED) so the README can print its
    // vkey; installing it is a key rotation, logged like any other.
    await new LogKeys(tx.db, tx.clock, config.TRANSPARENCY_ORIGIN ?? 'trellis.localhost/log', tx.secrets.keyring).rotate(tx, { seed: DEMO_LOG_KEY_SEED });
    return await seedDemo(tx);
  });
  if (result) deps.logger.info({ programId: result.programId, ms: Date.now() - started }, 'demo data seeded');
  return result;
}

/**
 * Whether the database holds the demo: its logins (public passwords) and, with them, the public
 * log key. Checked on every boot, not only the seeding one, since the demo stays until removed.
 */
export async function holdsDemoData(db: Db): Promise<boolean> {
  const emails = Object.values(DEMO_USERS).map((u) => u.email);
  const [row] = await db.select({ id: users.id }).from(users).where(inArray(sql`lower(${users.email})`, emails)).limit(1);
  return row !== undefined;
}

/** Builds the whole demo through the domain services, inside the caller's transaction. */
async function seedDemo(tx: ServiceContext): Promise<DemoCredentials> {
  const now = tx.clock();
  // No tenant service exists (tenants are made by operators), so the tenant is inserted directly.
  const [tenant] = await tx.db.insert(tenants).values({ name: 'Demo Merchant' }).returning();
  await recordAudit(tx, { tenantId: tenant!.id, action: 'tenant.created', entityType: 'tenant', entityId: tenant!.id, after: { name: tenant!.name } });

  const program = await createProgram(tx, {
    tenantId: tenant!.id,
    name: 'Demo Shoes & Bags',
    payoutCurrency: 'EUR',
    defaultLocale: 'en',
    settings: DEMO_SETTINGS,
    markets: DEMO_MARKETS,
  });
  const programId = program.id;
  for (const field of DEMO_CUSTOM_FIELDS) await createCustomFieldDefinition(tx, programId, field);
  const tierIds = new Map<string, string>();
  for (const tier of DEMO_TIERS) tierIds.set(tier.name, (await createTier(tx, { programId, tier })).id);

  const affiliateIds: string[] = [];
  for (const a of DEMO_AFFILIATES) {
    const created = await createAffiliate(tx, programId, {
      member: { name: a.name, email: a.email, country: a.country, locale: a.country === 'BR' ? 'pt-BR' : 'de' },
      website: a.website,
      status: a.status,
    });
    affiliateIds.push(created.id);
  }

  const people = demoMembers();
  const memberIds: string[] = [];
  for (const [i, person] of people.entries()) memberIds.push(await seedMember(tx, programId, person, i, affiliateIds, memberIds, now));

  // A partial refund, a Club purchase and tiers from the history, so every screen has something.
  const refundedIdx = people.findIndex((p) => p.archetype === 'returning' && p.country === 'DE');
  await refundFirstOrder(tx, programId, memberIds[refundedIdx]!, refundedIdx);
  const clubIdx = people.findIndex((p) => p.archetype === 'big_spender' && p.country === 'DE');
  await purchaseTier(tx, { programId, memberId: memberIds[clubIdx]!, tierId: tierIds.get('Club')!, idempotencyKey: 'demo-club-1', paymentReference: 'demo-payment-1' });
  for (const memberId of [...affiliateIds, ...memberIds]) await evaluateMemberTier(tx, { programId, memberId });
  await recomputeProgramSegments(tx, programId);

  const memberLoginIdx = people.findIndex((p) => p.archetype === 'loyal' && p.country === 'DE');
  const tenantId = tenant!.id;
  const password = DEMO_PASSWORD;
  await createUser(tx, { tenantId, ...DEMO_USERS.admin, password, role: 'admin' });
  await createUser(tx, { tenantId, ...DEMO_USERS.manager, password, role: 'regional_manager', countries: [DEMO_NEW_MARKET] });
  await createUser(tx, { tenantId, ...DEMO_USERS.affiliate, password, role: 'affiliate', programId, memberId: affiliateIds[0]! });
  await createUser(tx, { tenantId, ...DEMO_USERS.member, password, role: 'member', programId, memberId: memberIds[memberLoginIdx]! });
  const apiKey = await createApiKey(tx, { programId, name: 'Demo merchant server' });
  // The demo affiliate's `/r/demo` link and the demo member's invite link.
  await createLink(tx, programId, { ...DEMO_LINK, ownerMemberId: affiliateIds[0]! });
  await getOrCreateInviteLink(tx, programId, { memberId: memberIds[memberLoginIdx]! });
  await seedConversions(tx, tenantId, programId, affiliateIds, now);
  await seedDemoClicks(tx, programId, affiliateIds);

  return {
    logins: [
      { role: 'admin', email: DEMO_USERS.admin.email, password },
      { role: 'regional_manager', email: DEMO_USERS.manager.email, password },
      { role: 'affiliate', email: DEMO_USERS.affiliate.email, password },
      { role: 'member', email: DEMO_USERS.member.email, password },
    ],
    apiKey: apiKey.secret,
    programId,
  };
}

async function seedMember(
  tx: ServiceContext,
  programId: string,
  person: DemoMember,
  index: number,
  affiliateIds: string[],
  memberIds: string[],
  now: Date,
): Promise<string> {
  const member = await createMember(tx, programId, {
    name: person.name,
    email: person.email,
    country: person.country,
    locale: person.locale,
    source: 'demo',
    customFields: person.customFields,
    ...(person.referredBy !== undefined ? { referredByMemberId: affiliateIds[person.referredBy]! } : {}),
    ...(person.invitedBy !== undefined ? { referredByMemberId: memberIds[person.invitedBy]! } : {}),
  });
  const currency = DEMO_MARKETS.find((m) => m.country === person.country)!.currency;
  const oldestFirst = [...person.orders].sort((a, b) => b.daysAgo - a.daysAgo);
  for (const [k, order] of oldestFirst.entries()) {
    const at = new Date(now.getTime() - order.daysAgo * DAY_MS);
    // The order's points are earned as of the order date, so their lots age like real ones.
    await recordOrder({ ...tx, clock: () => at }, { programId, memberId: member.id, externalId: `demo-${index + 1}-${k + 1}`, amount: order.amount, currency, occurredAt: at });
  }
  if (person.redeem) await redeemPoints(tx, { programId, memberId: member.id, points: person.redeem, idempotencyKey: `demo-redeem-${index + 1}`, reason: 'Voucher' });
  if (person.archetype === 'loyal') await grantExpiringWelcomeBonus(tx, programId, member.id, index, now);
  for (const tag of person.tags) await addMemberTag(tx, programId, member.id, tag);
  return member.id;
}

/**
 * A welcome bonus from almost two years ago that runs out in three weeks, granted after the
 * member's redemption so it is still there: the member dashboard has points about to expire.
 */
async function grantExpiringWelcomeBonus(tx: ServiceContext, programId: string, memberId: string, index: number, now: Date): Promise<void> {
  const at = new Date(now.getTime() - 710 * DAY_MS);
  await earnPoints({ ...tx, clock: () => at }, {
    programId,
    memberId,
    points: 150,
    idempotencyKey: `demo-welcome-${index + 1}`,
    reason: 'welcome',
    pendingDays: 0,
    expiresAt: new Date(now.getTime() + 21 * DAY_MS),
  });
}

async function refundFirstOrder(tx: ServiceContext, programId: string, memberId: string, index: number): Promise<void> {
  const [order] = await tx.db
    .select()
    .from(memberOrders)
    .where(and(eq(memberOrders.programId, programId), eq(memberOrders.externalId, `demo-${index + 1}-1`)));
  if (!order) return;
  await refundOrder(tx, { programId, memberId, orderId: order.id, amount: Math.floor(order.amount / 2), idempotencyKey: `demo-refund-${index + 1}` });
}

/** The demo's conversions carry no IP address, so nothing is ever hashed. */
const noIpHasher: IpHasher = {
  hash: () => {
    throw new Error('the demo conversions carry no IP address');
  },
};

/**
 * Commission policies for both markets and a few conversions credited to the demo affiliates
 * through their promo codes, so the dashboards, the commissions and the transparency log have
 * money events from the first start. They are processed by the jobs once the seed commits, as a
 * merchant's would be. Ana's two older orders are past their hold period, so the approval job
 * approves them and her balance (64.89 EUR) is above the payout minimum: an admin can start a
 * payout run on the demo and get a statement. Two BR signups are held by the fraud rules, so the
 * regional manager's review queue has work.
 */
async function seedConversions(tx: ServiceContext, tenantId: string, programId: string, affiliateIds: string[], now: Date): Promise<void> {
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  // In force since before the demo's conversions, as if the program had run for a while.
  const effectiveFrom = daysAgo(90);
  await setCommissionPolicy(tx, programId, 'DE', { mode: 'per_transaction', percentBps: 1_000, minAmount: 200, holdDays: 14, effectiveFrom });
  await setCommissionPolicy(tx, programId, 'BR', { mode: 'per_signup', signupAmount: 1_500, holdDays: 7, effectiveFrom });
  // BR commissions are in BRL and paid in EUR: without a rate they would all wait for one.
  await setFxRate(tx, { tenantId, base: 'BRL', quote: 'EUR', rate: '0.1650', effectiveAt: effectiveFrom });
  const [ana, felix] = affiliateIds as [string, string];
  await createPromoCode(tx, programId, { code: 'ANA10', partnerMemberId: ana });
  await createPromoCode(tx, programId, { code: 'FELIX10', partnerMemberId: felix });
  const conversions = [
    { externalId: 'demo-order-old-1', kind: 'sale' as const, amount: 29_990, currency: 'EUR', promoCode: 'ANA10', country: 'DE', customer: { externalId: 'demo-customer-5' }, occurredAt: daysAgo(45) },
    { externalId: 'demo-order-old-2', kind: 'sale' as const, amount: 34_900, currency: 'EUR', promoCode: 'ANA10', country: 'DE', customer: { externalId: 'demo-customer-6' }, occurredAt: daysAgo(40) },
    { externalId: 'demo-signup-1', kind: 'signup' as const, promoCode: 'ANA10', country: 'BR', customer: { externalId: 'demo-customer-1' }, occurredAt: daysAgo(3) },
    { externalId: 'demo-signup-2', kind: 'signup' as const, promoCode: 'ANA10', country: 'BR', customer: { externalId: 'demo-customer-2' }, occurredAt: daysAgo(1) },
    { externalId: 'demo-order-1', kind: 'sale' as const, amount: 8_990, currency: 'EUR', promoCode: 'FELIX10', country: 'DE', customer: { externalId: 'demo-customer-3' }, occurredAt: daysAgo(2) },
    { externalId: 'demo-order-2', kind: 'sale' as const, amount: 12_950, currency: 'EUR', promoCode: 'ANA10', country: 'DE', customer: { externalId: 'demo-customer-4' }, occurredAt: daysAgo(1) },
    // Two signups the fraud rules hold for the BR manager's review queue: Ana signing up herself
    // (self_referral) and a customer who already signed up (duplicate_customer).
    { externalId: 'demo-signup-3', kind: 'signup' as const, promoCode: 'ANA10', country: 'BR', customer: { externalId: 'demo-customer-7', email: DEMO_AFFILIATES[0]!.email }, occurredAt: daysAgo(2) },
    { externalId: 'demo-signup-4', kind: 'signup' as const, promoCode: 'ANA10', country: 'BR', customer: { externalId: 'demo-customer-1' }, occurredAt: daysAgo(1) },
  ];
  for (const conversion of conversions) await trackConversion(tx, programId, conversion, { ipHasher: noIpHasher });
}
