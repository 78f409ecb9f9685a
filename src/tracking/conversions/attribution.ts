import { and, desc, eq, isNotNull, lte, ne } from 'drizzle-orm';
import { conversions } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { clickMayStillArrive, findClick, promoCodeKey, type BindingFacts, type StoredClick } from './evidence.js';
import { CLOCK_SKEW_MS } from './input.js';
import type { ProgramFacts } from './program-facts.js';
import type { AttributedClick, Attribution, ConversionRow, CustomerRow } from './types.js';

const DAY_MS = 86_400_000;

/**
 * A click id (or cookie) names a click that is not stored yet but may still be: the redirect's API
 * process buffers clicks briefly. Retryable: processing tries again with backoff.
 */
export class ClickNotStoredYetError extends Error {
  constructor(readonly clickId: string) {
    super(`Click ${clickId} is not stored yet; it may still be in an API process's buffer.`);
    this.name = 'ClickNotStoredYetError';
  }
}

export interface AttributeOptions {
  /** Throw ClickNotStoredYetError for a recent click id not stored yet (default); false treats it as unknown. */
  waitForClicks?: boolean;
}

/** What processing loaded for a conversion before attributing it (process.ts, a batch at a time). */
export interface AttributionSources {
  program: ProgramFacts;
  /** The conversion's customer, locked, and linked to their member when one has appeared since. */
  customer: CustomerRow | null;
  /** The country of the customer's member, if any. */
  customerMemberCountry: string | null;
  /** The stored clicks of the conversion's click id and cookie; an id that is not stored is absent. */
  clicks: ReadonlyMap<string, StoredClick>;
  /** The partners promo codes credit, by promoCodeKey; a code that credits nobody is absent. */
  promoCodePartners: ReadonlyMap<string, string>;
  /** What a bound customer's binding rests on (lifetime recurring); absent otherwise. */
  binding: BindingFacts | null;
  /** The instant a first attributed conversion binds the customer. */
  now: Date;
}

type Credit = Omit<Attribution, 'customer' | 'boundNow'>;

/**
 * Decides who a conversion credits (issue 4):
 * 1. a customer bound to a partner keeps them when the program's `conversions.recurring` is
 *    `lifetime` (the default), whatever this conversion's evidence says;
 * 2. else the evidence, in rank order: the click id, the cookie (the last click), the promo code.
 *    A click counts when it is stored, of this program, on an active link, within the attribution
 *    window before the conversion (the market's policy window, else the program's links setting);
 * 3. else, with `last_click`, the customer's last click if it is still within the window.
 * A partner who may no longer be credited (blocked member, affiliate not approved) is skipped. The
 * customer's first attributed conversion binds them to its partner: the returned customer carries
 * the binding (`boundNow`), which the caller writes. The evidence is loaded by the caller, but for
 * the customer's earlier clicks (`last_click`), read here in the caller's transaction.
 */
export async function attributeConversion(tx: ServiceContext, conversion: ConversionRow, sources: AttributionSources, opts: AttributeOptions = {}): Promise<Attribution> {
  const { program, customer } = sources;
  if (customer?.boundPartnerId && program.conversions.recurring === 'lifetime') {
    const bound = bindingCredit(conversion, customer, sources.binding, sources.customerMemberCountry);
    if (bound) return { ...bound, customer, boundNow: false };
  }

  const evidence = evidenceCredit(conversion, sources, opts.waitForClicks ?? true);
  if (evidence) {
    if (customer && !customer.boundPartnerId) {
      const bound = { ...customer, boundPartnerId: evidence.partnerMemberId, boundAt: sources.now, boundConversionId: conversion.id, updatedAt: sources.now };
      return { ...evidence, customer: bound, boundNow: true };
    }
    return { ...evidence, customer, boundNow: false };
  }

  if (customer && program.conversions.recurring === 'last_click') {
    const last = await lastClickOf(tx, conversion, customer);
    const credit = last ? creditFor(conversion, sources, await findClick(tx, last.clickId, last.clickedAt), 'customer') : null;
    if (credit) return { ...credit, customer, boundNow: false };
  }

  return { method: 'none', partnerMemberId: null, linkId: null, linkKind: null, click: null, customer, boundNow: false, marketCountry: marketOf(conversion, sources, null) };
}

/** The market: the country the merchant sent, else the click's (not 'XX'), else the customer's member's. */
function marketOf(conversion: ConversionRow, sources: AttributionSources, click: AttributedClick | null): string | null {
  return conversion.country ?? (click && click.country !== 'XX' ? click.country : null) ?? sources.customerMemberCountry;
}

/** The click as credit, when it may attribute this conversion: this program's, on an active link, eligible, within the window. */
function creditFor(conversion: ConversionRow, sources: AttributionSources, found: StoredClick | null | undefined, method: Credit['method']): Credit | null {
  if (!found || found.click.programId !== conversion.programId || !found.linkActive || !found.eligible) return null;
  const marketCountry = marketOf(conversion, sources, found.click);
  const { program } = sources;
  const windowDays = program.policies.inForce(marketCountry, conversion.occurredAt)?.attributionWindowDays ?? program.linkWindowDays;
  if (!withinWindow(found.click.clickedAt, conversion.occurredAt, windowDays)) return null;
  return { method, partnerMemberId: found.click.ownerMemberId, linkId: found.click.linkId, linkKind: found.linkKind, click: found.click, marketCountry };
}

/** A click counts from `windowDays` before the conversion until it (plus a little clock skew). */
export function withinWindow(clickedAt: Date, occurredAt: Date, windowDays: number): boolean {
  const gap = occurredAt.getTime() - clickedAt.getTime();
  return gap <= windowDays * DAY_MS && gap >= -CLOCK_SKEW_MS;
}

/** Click id, then cookie, then promo code: the first that attributes wins. */
function evidenceCredit(conversion: ConversionRow, sources: AttributionSources, waitForClicks: boolean): Credit | null {
  for (const method of EVIDENCE_CLICKS) {
    const clickId = method === 'click_id' ? conversion.clickId : conversion.cookieClickId;
    if (!clickId || (method === 'cookie' && clickId === conversion.clickId)) continue;
    const found = sources.clicks.get(clickId);
    // A higher-ranked click still on its way decides over whatever ranks below it: wait for it.
    if (!found && waitForClicks && clickMayStillArrive(clickId)) throw new ClickNotStoredYetError(clickId);
    const credit = creditFor(conversion, sources, found, method);
    if (credit) return credit;
  }
  if (conversion.promoCode) {
    const partnerMemberId = sources.promoCodePartners.get(promoCodeKey(conversion.programId, conversion.promoCode));
    if (partnerMemberId) return { method: 'promo_code', partnerMemberId, linkId: null, linkKind: null, click: null, marketCountry: marketOf(conversion, sources, null) };
  }
  return null;
}

const EVIDENCE_CLICKS = ['click_id', 'cookie'] as const;

/**
 * The credit of a customer's binding (lifetime recurring): the bound partner, through the link and
 * click of the conversion that bound them. Null when the partner may no longer be credited.
 */
function bindingCredit(conversion: ConversionRow, customer: CustomerRow, binding: BindingFacts | null, memberCountry: string | null): Credit | null {
  const eligible = binding?.link ? binding.link.eligible : (binding?.partnerEligible ?? false);
  if (!eligible) return null;
  // The click may have been pruned with its month; the binding holds without it.
  const click = binding?.click ?? null;
  const marketCountry = conversion.country ?? (click && click.country !== 'XX' ? click.country : null) ?? memberCountry ?? binding?.marketCountry ?? null;
  return { method: 'customer', partnerMemberId: customer.boundPartnerId!, linkId: binding?.linkId ?? null, linkKind: binding?.link?.kind ?? null, click, marketCountry };
}

/** The latest click (up to this conversion) that attributed one of the customer's other conversions. */
async function lastClickOf(tx: ServiceContext, conversion: ConversionRow, customer: CustomerRow): Promise<{ clickId: string; clickedAt: Date } | null> {
  const [row] = await tx.db
    .select({ clickId: conversions.attributedClickId, clickedAt: conversions.clickedAt })
    .from(conversions)
    .where(
      and(
        eq(conversions.customerId, customer.id),
        ne(conversions.id, conversion.id),
        isNotNull(conversions.processedAt),
        isNotNull(conversions.attributedClickId),
        lte(conversions.clickedAt, new Date(conversion.occurredAt.getTime() + CLOCK_SKEW_MS)),
      ),
    )
    .orderBy(desc(conversions.clickedAt))
    .limit(1);
  return row?.clickId && row.clickedAt ? { clickId: row.clickId, clickedAt: row.clickedAt } : null;
}
