import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { newId } from '../../../db/ids.js';
import { commissionPolicies, commissionPolicyVersions, commissions, conversions, customers, fxRates } from '../../../db/schema/index.js';
import type { Attribution, AttributedClick, ConversionRow, CustomerRow } from '../../../src/tracking/conversions/types.js';
import type { Harness } from '../../helpers/harness.js';

/**
 * Commission, fraud and reward tests call the effects directly with conversion rows inserted here
 * and Attribution objects built by hand, so they do not depend on intake or attribution.
 */

const uniq = () => randomBytes(4).toString('hex');
export const DAY_MS = 86_400_000;

export type PolicyTermsInput = Partial<typeof commissionPolicyVersions.$inferInsert>;

/** A policy for `country` (null: the program default) with one version, effective a year ago unless said otherwise. */
export async function createPolicy(h: Harness, programId: string, country: string | null, terms: PolicyTermsInput) {
  const [policy] = await h.db.insert(commissionPolicies).values({ programId, country }).onConflictDoNothing().returning();
  const policyId = policy?.id ?? (await h.db.select().from(commissionPolicies).where(eq(commissionPolicies.programId, programId))).find((p) => p.country === country)!.id;
  const [version] = await h.db
    .insert(commissionPolicyVersions)
    .values({
      policyId,
      programId,
      country,
      version: 1,
      effectiveFrom: new Date(h.clock().getTime() - 365 * DAY_MS),
      mode: 'per_transaction',
      currency: 'EUR',
      percentBps: 1000,
      holdDays: 30,
      attributionWindowDays: 30,
      ...terms,
    })
    .returning();
  return version!;
}

export async function createFxRate(h: Harness, tenantId: string, base: string, quote: string, rate: string, effectiveAt = new Date(h.clock().getTime() - 30 * DAY_MS)) {
  const [row] = await h.db.insert(fxRates).values({ tenantId, base, quote, rate, effectiveAt }).returning();
  return row!;
}

/** A conversion row as intake stores it: a completed EUR sale of 100.00 now unless said otherwise. */
export async function insertConversion(h: Harness, programId: string, attrs: Partial<typeof conversions.$inferInsert> = {}): Promise<ConversionRow> {
  const now = h.clock();
  const kind = attrs.kind ?? 'sale';
  const status = attrs.status ?? 'completed';
  const [row] = await h.db
    .insert(conversions)
    .values({
      programId,
      externalId: `ext-${uniq()}`,
      kind,
      status,
      occurredAt: now,
      completedAt: status === 'pending' ? null : (attrs.occurredAt ?? now),
      amount: kind === 'sale' ? 10_000 : null,
      currency: kind === 'sale' ? 'EUR' : null,
      requestHash: 'test',
      createdAt: now,
      updatedAt: now,
      ...attrs,
    })
    .returning();
  return row!;
}

export async function insertCustomer(h: Harness, programId: string, attrs: Partial<typeof customers.$inferInsert> = {}): Promise<CustomerRow> {
  const [row] = await h.db
    .insert(customers)
    .values({ programId, externalRef: `cust-${uniq()}`, ...attrs })
    .returning();
  return row!;
}

export function makeAttributedClick(attrs: Partial<AttributedClick> & Pick<AttributedClick, 'programId' | 'ownerMemberId' | 'linkId'>): AttributedClick {
  return {
    id: newId('clk'),
    clickedAt: new Date(Date.now() - 60 * 60_000),
    country: 'DE',
    ipHash: randomBytes(16).toString('base64url'),
    status: 'counted',
    ...attrs,
  };
}

/** What attribution would decide: credited to `partnerMemberId` in DE by a promo code unless said otherwise. */
export function attributionTo(partnerMemberId: string | null, attrs: Partial<Attribution> = {}): Attribution {
  return {
    method: partnerMemberId ? 'promo_code' : 'none',
    partnerMemberId,
    linkId: null,
    linkKind: null,
    click: null,
    customer: null,
    boundNow: false,
    marketCountry: 'DE',
    ...attrs,
  };
}

/** The conversion's row as processing leaves it (partner, market, processed_at), so completion effects can read it. */
export async function markProcessed(h: Harness, conversion: ConversionRow, attribution: Attribution): Promise<ConversionRow> {
  const [row] = await h.db
    .update(conversions)
    .set({
      processedAt: h.clock(),
      attributionMethod: attribution.method,
      partnerMemberId: attribution.partnerMemberId,
      linkId: attribution.linkId,
      customerId: attribution.customer?.id ?? conversion.customerId,
      marketCountry: attribution.marketCountry,
    })
    .where(eq(conversions.id, conversion.id))
    .returning();
  return row!;
}

/** Applies a merchant event to the conversion row the way intake does, returning the updated row. */
export async function updateConversion(h: Harness, id: string, changes: Partial<typeof conversions.$inferInsert>): Promise<ConversionRow> {
  const [row] = await h.db.update(conversions).set(changes).where(eq(conversions.id, id)).returning();
  return row!;
}

export async function commissionsOf(h: Harness, conversionId: string) {
  return await h.db.select().from(commissions).where(eq(commissions.conversionId, conversionId)).orderBy(commissions.id);
}
