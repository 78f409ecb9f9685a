import type { conversionRefunds } from '../../../db/schema/index.js';
import type { Actor } from '../../core/auth/actor.js';
import type { ConversionRow } from './types.js';

export type RefundRow = typeof conversionRefunds.$inferSelect;

/**
 * Who is looking: staff and the merchant see the evidence and the customer; a partner (the credited
 * affiliate or referring member) sees what the conversion earned them, not who the customer is.
 */
export type ConversionAudience = 'staff' | 'partner';

export const audienceOf = (actor: Actor): ConversionAudience =>
  actor.kind === 'user' && (actor.role === 'affiliate' || actor.role === 'member') ? 'partner' : 'staff';

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** The JSON shape the API returns. */
export function conversionView(c: ConversionRow, audience: ConversionAudience = 'staff') {
  const view = {
    id: c.id,
    programId: c.programId,
    externalId: c.externalId,
    kind: c.kind,
    status: c.status,
    occurredAt: c.occurredAt.toISOString(),
    completedAt: isoOrNull(c.completedAt),
    cancelledAt: isoOrNull(c.cancelledAt),
    amount: c.amount,
    currency: c.currency,
    refundedAmount: c.refundedAmount,
    processed: c.processedAt !== null,
    processedAt: isoOrNull(c.processedAt),
    attribution:
      c.processedAt === null
        ? null
        : {
            method: c.attributionMethod ?? 'none',
            partnerMemberId: c.partnerMemberId,
            linkId: c.linkId,
            clickId: c.attributedClickId,
            clickedAt: isoOrNull(c.clickedAt),
            marketCountry: c.marketCountry,
          },
    fraudReasons: c.fraudReasons,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
  if (audience === 'partner') return view;
  return {
    ...view,
    country: c.country,
    customerId: c.customerId,
    evidence: { clickId: c.clickId, cookie: c.cookieClickId, promoCode: c.promoCode, customerRef: c.customerRef, emailHash: c.emailHmac },
    metadata: c.metadata,
  };
}
export type ConversionView = ReturnType<typeof conversionView>;

export function refundView(r: RefundRow, conversion: ConversionRow) {
  return {
    id: r.id,
    refundId: r.idempotencyKey,
    conversionId: r.conversionId,
    amount: r.amount,
    currency: conversion.currency!,
    createdAt: r.createdAt.toISOString(),
    conversion: conversionView(conversion),
  };
}
export type ConversionRefundView = ReturnType<typeof refundView>;
