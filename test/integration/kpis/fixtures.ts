import { randomBytes } from 'node:crypto';
import { clickDailyRollups, commissions, conversions, customers, memberOrders, type links } from '../../../db/schema/index.js';
import type { World } from '../../helpers/factories.js';
import type { Harness } from '../../helpers/harness.js';

/**
 * Rows planted straight into the tables the KPIs read, as conversion processing, the commission
 * lifecycle, the click flush and recordOrder would leave them. The KPI tests assert exact figures
 * over them; the writers have their own tests.
 */

const uniq = () => randomBytes(5).toString('hex');
type Link = typeof links.$inferSelect;
type ConversionRow = typeof conversions.$inferSelect;

export async function plantClicks(h: Harness, link: Link, day: string, country: string, clicks: number, uniqueClicks: number) {
  await h.db.insert(clickDailyRollups).values({ day, linkId: link.id, country, programId: link.programId, ownerMemberId: link.ownerMemberId, clicks, uniqueClicks });
}

export async function plantCustomer(h: Harness, w: Pick<World, 'program'>, attrs: { memberId?: string; boundPartnerId?: string } = {}) {
  const [row] = await h.db
    .insert(customers)
    .values({ programId: w.program.id, externalRef: `cust-${uniq()}`, memberId: attrs.memberId ?? null, boundPartnerId: attrs.boundPartnerId ?? null, boundAt: attrs.boundPartnerId ? new Date() : null })
    .returning();
  return row!;
}

export interface PlantedConversion {
  kind: 'signup' | 'sale';
  at: string;
  status?: ConversionRow['status'];
  amount?: number;
  currency?: string;
  refunded?: number;
  partner?: string | null;
  link?: Link | null;
  market?: string | null;
  customerId?: string | null;
  externalId?: string;
}

/** A processed conversion (signups completed; sales completed unless a status says otherwise). */
export async function plantConversion(h: Harness, w: Pick<World, 'program'>, c: PlantedConversion): Promise<ConversionRow> {
  const occurredAt = new Date(c.at);
  const status = c.status ?? 'completed';
  const [row] = await h.db
    .insert(conversions)
    .values({
      programId: w.program.id,
      externalId: c.externalId ?? `cnv-${uniq()}`,
      kind: c.kind,
      status,
      occurredAt,
      completedAt: status === 'pending' ? null : occurredAt,
      cancelledAt: status === 'cancelled' ? occurredAt : null,
      amount: c.kind === 'sale' ? c.amount! : null,
      currency: c.kind === 'sale' ? (c.currency ?? 'EUR') : null,
      refundedAmount: c.refunded ?? (status === 'refunded' ? c.amount! : 0),
      requestHash: uniq(),
      processedAt: occurredAt,
      attributionMethod: c.partner ? 'click_id' : 'none',
      linkId: c.link?.id ?? null,
      partnerMemberId: c.partner ?? null,
      customerId: c.customerId ?? null,
      marketCountry: c.market ?? null,
    })
    .returning();
  return row!;
}

export interface PlantedCommission {
  status: (typeof commissions.$inferInsert)['status'];
  payout: number;
  payoutReversed?: number;
  kind?: 'signup' | 'sale' | 'clawback';
  /** In the conversion's currency (the payout currency by default). */
  amount?: number;
  currency?: string;
  payoutCurrency?: string;
  fxRate?: string;
  fxRateId?: string | null;
  clawbackOf?: string;
  refundId?: string;
}

export async function plantCommission(h: Harness, conversion: ConversionRow, c: PlantedCommission) {
  const [row] = await h.db
    .insert(commissions)
    .values({
      programId: conversion.programId,
      conversionId: conversion.id,
      partnerMemberId: conversion.partnerMemberId!,
      kind: c.kind ?? conversion.kind,
      status: c.status,
      country: conversion.marketCountry,
      amount: c.amount ?? c.payout,
      currency: c.currency ?? 'EUR',
      reversedAmount: c.payoutReversed ?? 0,
      payoutCurrency: c.payoutCurrency ?? 'EUR',
      payoutAmount: c.payout,
      payoutReversedAmount: c.payoutReversed ?? 0,
      fxRate: c.fxRate ?? '1',
      fxRateId: c.fxRateId ?? null,
      clawbackOf: c.clawbackOf ?? null,
      refundId: c.refundId ?? null,
    })
    .returning();
  return row!;
}

export async function plantOrder(h: Harness, memberId: string, programId: string, o: { at: string; amount?: number; status?: 'completed' | 'partially_refunded' | 'refunded'; externalId?: string }) {
  const amount = o.amount ?? 1000;
  await h.db.insert(memberOrders).values({
    programId,
    memberId,
    externalId: o.externalId ?? `ord-${uniq()}`,
    requestHash: uniq(),
    amount,
    currency: 'EUR',
    refundedAmount: o.status === 'refunded' ? amount : 0,
    status: o.status ?? 'completed',
    occurredAt: new Date(o.at),
  });
}
