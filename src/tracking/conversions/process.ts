import { withTransaction, type ServiceContext } from '../../context.js';
import { grantReferralRewards } from '../../core/referrals/rewards.js';
import { NotFoundError } from '../../errors.js';
import type { FxQuote } from '../../payouts/fx.js';
import { mayOweCommission, plannedCommission, type NewCommission } from '../../payouts/commissions/plan.js';
import { fxNeedsOf, fxRatesAt, priceWithRates, type FxLookup } from '../../payouts/commissions/pricing.js';
import { fraudReasonsOf, VELOCITY_WINDOW_MS, type FraudCheck, type FraudReason } from '../fraud/rules.js';
import { attributeConversion, ClickNotStoredYetError } from './attribution.js';
import { lockConversions, lockCustomers, recordBatch, type CustomerChange, type LockedConversion, type LockedCustomer } from './batch.js';
import { findBindings, findClicks, findPartners, findPromoCodePartners, multiplierBpsOf, type PartnerFacts } from './evidence.js';
import { programFacts, type ProgramFacts } from './program-facts.js';
import { batchLogEntries } from './log-entries.js';
import type { Attribution, ConversionRow } from './types.js';

export interface ProcessedConversion {
  conversion: ConversionRow;
  /** Null when the conversion had been processed already (nothing was done this time). */
  attribution: Attribution | null;
}

/** What processing did with one conversion of a batch. */
export type ConversionOutcome =
  | { status: 'processed'; conversion: ConversionRow; attribution: Attribution }
  | { status: 'already_processed'; conversion: ConversionRow }
  | { status: 'not_found' }
  /** A click it names may still arrive: try again later (nothing was written for it). */
  | { status: 'retry'; error: ClickNotStoredYetError }
  | { status: 'failed'; error: unknown };

export interface ProcessOptions {
  /** Wait for (retry on) recent click ids not stored yet; default true. Per conversion when a function. */
  waitForClicks?: boolean | ((conversionId: string) => boolean);
}

/** Conversions per transaction: the batch's statements carry them all, as arrays and JSON row sets. */
export const MAX_BATCH = 250;

/**
 * Processes one reported conversion: attribution, fraud rules, the decision written on the
 * conversion, its commission and its member rewards, in one transaction. Idempotent: the
 * conversion row is locked and a processed one is left alone. Refunds and cancellations that came
 * first are on the row, and the commission is created from it as it is now.
 */
export async function processConversion(ctx: ServiceContext, conversionId: string, opts: ProcessOptions = {}): Promise<ProcessedConversion> {
  const outcome = (await processConversions(ctx, [conversionId], opts)).get(conversionId)!;
  switch (outcome.status) {
    case 'processed':
      return { conversion: outcome.conversion, attribution: outcome.attribution };
    case 'already_processed':
      return { conversion: outcome.conversion, attribution: null };
    case 'not_found':
      throw new NotFoundError('Conversion', conversionId);
    case 'retry':
    case 'failed':
      throw outcome.error;
  }
}

/**
 * Processes many conversions, a batch per transaction: all of a batch's money effects commit
 * together or not at all, and each conversion is still processed exactly once (locked, skipped
 * when processed). A batch that fails is retried one conversion per transaction, so one bad
 * conversion fails alone. Two conversions of one customer never share a batch: the later one
 * goes in the next, after the first has bound the customer.
 */
export async function processConversions(ctx: ServiceContext, conversionIds: readonly string[], opts: ProcessOptions = {}): Promise<Map<string, ConversionOutcome>> {
  const outcomes = new Map<string, ConversionOutcome>();
  let pending = [...new Set(conversionIds)];
  while (pending.length) {
    const batch = pending.slice(0, MAX_BATCH);
    pending = pending.slice(MAX_BATCH);
    try {
      const done = await withTransaction(ctx, (tx) => processBatch(tx, batch, opts));
      for (const [id, outcome] of done.outcomes) outcomes.set(id, outcome);
      pending = [...done.deferred, ...pending];
    } catch (err) {
      // Inside a caller's transaction nothing can be retried apart: it has failed as a whole.
      if (ctx.afterCommit) throw err;
      if (batch.length === 1) outcomes.set(batch[0]!, { status: 'failed', error: err });
      else for (const id of batch) outcomes.set(id, (await processConversions(ctx, [id], opts)).get(id)!);
    }
  }
  return outcomes;
}

interface Decided {
  locked: LockedConversion;
  attribution: Attribution;
  facts: ProgramFacts;
}

async function processBatch(tx: ServiceContext, ids: readonly string[], opts: ProcessOptions): Promise<{ outcomes: Map<string, ConversionOutcome>; deferred: string[] }> {
  const outcomes = new Map<string, ConversionOutcome>();
  const deferred: string[] = [];
  const locked = await lockConversions(tx, ids);
  const found = new Set(locked.map((l) => l.conversion.id));
  for (const id of ids) if (!found.has(id)) outcomes.set(id, { status: 'not_found' });
  const todo: LockedConversion[] = [];
  const customerIds = new Set<string>();
  for (const l of locked) {
    const { conversion } = l;
    if (conversion.processedAt) outcomes.set(conversion.id, { status: 'already_processed', conversion });
    else if (conversion.customerId && customerIds.has(conversion.customerId)) deferred.push(conversion.id);
    else {
      if (conversion.customerId) customerIds.add(conversion.customerId);
      todo.push(l);
    }
  }
  if (todo.length === 0) return { outcomes, deferred };

  // Everything the evidence points at, for the whole batch (sent together, answered in order).
  const clickIds = new Set<string>();
  const promoCodes = [];
  for (const { conversion } of todo) {
    if (conversion.clickId) clickIds.add(conversion.clickId);
    if (conversion.cookieClickId) clickIds.add(conversion.cookieClickId);
    if (conversion.promoCode) promoCodes.push({ programId: conversion.programId, code: conversion.promoCode });
  }
  const [programs, customers, clicks, promoCodePartners] = await Promise.all([
    programFacts(tx.db, new Map(todo.map((l) => [l.conversion.programId, l.programStamp]))),
    lockCustomers(tx, [...customerIds]),
    findClicks(tx.db, [...clickIds]),
    findPromoCodePartners(tx.db, promoCodes),
  ]);
  const bound = [...customers.values()]
    .filter(({ customer }) => customer.boundPartnerId && programs.get(customer.programId)?.conversions.recurring === 'lifetime')
    .map(({ customer }) => ({ customerId: customer.id, bindingConversionId: customer.boundConversionId, partnerMemberId: customer.boundPartnerId! }));
  const bindings = await findBindings(tx.db, bound);
  const now = tx.clock();
  const waitFor = (id: string) => (typeof opts.waitForClicks === 'function' ? opts.waitForClicks(id) : (opts.waitForClicks ?? true));

  const decided: Decided[] = [];
  for (const l of todo) {
    const { conversion } = l;
    const customer: LockedCustomer | undefined = conversion.customerId ? customers.get(conversion.customerId) : undefined;
    const facts = programs.get(conversion.programId)!;
    try {
      const attribution = await attributeConversion(
        tx,
        conversion,
        {
          program: facts,
          customer: customer?.customer ?? null,
          customerMemberCountry: customer?.memberCountry ?? null,
          clicks,
          promoCodePartners,
          binding: conversion.customerId ? (bindings.get(conversion.customerId) ?? null) : null,
          now,
        },
        { waitForClicks: waitFor(conversion.id) },
      );
      decided.push({ locked: l, attribution, facts });
    } catch (err) {
      if (!(err instanceof ClickNotStoredYetError)) throw err;
      outcomes.set(conversion.id, { status: 'retry', error: err });
    }
  }

  if (decided.length === 0) return { outcomes, deferred };
  const partners = await partnersOf(tx, decided, clicks);
  const fraudReasons = await fraudReasonsOf(tx, fraudChecks(decided, partners));
  const commissions = await plannedCommissions(tx, decided, fraudReasons, partners, now);
  const recorded = decided.map((d, i) => ({ conversion: d.locked.conversion, attribution: d.attribution, fraudReasons: fraudReasons[i]! }));
  const entries = await batchLogEntries(tx, now, recorded, commissions, new Map(decided.map((d) => [d.locked.conversion.id, d.locked.tenantId])));
  const written = await recordBatch(tx, now, recorded, customerChanges(decided, customers), commissions, entries);
  if (written !== decided.length) throw new Error(`recorded ${written} of ${decided.length} processed conversions`);

  for (const { conversion, attribution, fraudReasons: reasons } of recorded) {
    const processed: ConversionRow = {
      ...conversion,
      attributionMethod: attribution.method,
      attributedClickId: attribution.click?.id ?? null,
      clickedAt: attribution.click?.clickedAt ?? null,
      linkId: attribution.linkId,
      partnerMemberId: attribution.partnerMemberId,
      customerId: attribution.customer?.id ?? conversion.customerId,
      marketCountry: attribution.marketCountry,
      fraudReasons: [...reasons],
      processedAt: now,
      updatedAt: now,
    };
    // Member rewards go through the points ledger one conversion at a time (few conversions come through invite links).
    await grantReferralRewards(tx, processed, attribution);
    outcomes.set(conversion.id, { status: 'processed', conversion: processed, attribution });
  }
  return { outcomes, deferred };
}

/** The credited partners' facts: from their clicks where loaded, the rest in one query. */
async function partnersOf(tx: ServiceContext, decided: readonly Decided[], clicks: Awaited<ReturnType<typeof findClicks>>): Promise<Map<string, PartnerFacts>> {
  const partners = new Map<string, PartnerFacts>();
  for (const stored of clicks.values()) if (stored.partner) partners.set(stored.partner.memberId, stored.partner);
  const missing = new Set<string>();
  for (const { attribution } of decided) if (attribution.partnerMemberId && !partners.has(attribution.partnerMemberId)) missing.add(attribution.partnerMemberId);
  for (const [id, facts] of await findPartners(tx.db, [...missing])) partners.set(id, facts);
  return partners;
}

function fraudChecks(decided: readonly Decided[], partners: ReadonlyMap<string, PartnerFacts>): FraudCheck[] {
  // Earlier conversions of this batch on the same link are not written yet; the link count adds them.
  const onLink = new Map<string, number[]>();
  return decided.map(({ locked: { conversion, tenantId }, attribution, facts }) => {
    const partner = attribution.partnerMemberId ? partners.get(attribution.partnerMemberId) : undefined;
    let earlierOnLink = 0;
    if (attribution.linkId) {
      const at = conversion.occurredAt.getTime();
      const times = onLink.get(attribution.linkId) ?? [];
      earlierOnLink = times.filter((t) => t > at - VELOCITY_WINDOW_MS && t <= at).length;
      times.push(at);
      onLink.set(attribution.linkId, times);
    }
    return {
      conversion,
      tenantId,
      attribution,
      settings: facts.fraud,
      // Only a member of the conversion's program is compared by email.
      partnerEmail: partner && partner.programId === conversion.programId ? partner.emailNormalized : null,
      earlierOnLink,
    };
  });
}

/** The batch's commissions, priced with the rates they need (one query for all of them, if any). */
async function plannedCommissions(
  tx: ServiceContext,
  decided: readonly Decided[],
  fraudReasons: readonly FraudReason[][],
  partners: ReadonlyMap<string, PartnerFacts>,
  now: Date,
): Promise<NewCommission[]> {
  const priceable = [];
  const lookups: FxLookup[] = [];
  for (let i = 0; i < decided.length; i++) {
    const { locked, attribution, facts } = decided[i]!;
    const { conversion } = locked;
    if (!mayOweCommission(conversion, attribution)) continue;
    const version = facts.policies.inForce(attribution.marketCountry, conversion.occurredAt);
    if (!version) continue;
    const partner = partners.get(attribution.partnerMemberId!);
    const multiplierBps = partner ? multiplierBpsOf(partner, conversion.programId, now) : 10_000;
    const input = { version, conversion, multiplierBps, payoutCurrency: locked.payoutCurrency };
    const needs = fxNeedsOf(input);
    priceable.push({ i, input, needs, firstLookup: lookups.length });
    for (const need of needs) lookups.push({ tenantId: locked.tenantId, base: need.base, quote: need.quote, at: conversion.occurredAt });
  }
  const rates: (FxQuote | null)[] = await fxRatesAt(tx.db, lookups);
  const planned: NewCommission[] = [];
  for (const { i, input, needs, firstLookup } of priceable) {
    const pricing = priceWithRates(input, (base, quote) => {
      const at = needs.findIndex((n) => n.base === base && n.quote === quote);
      return at < 0 ? null : rates[firstLookup + at]!;
    });
    const commission = plannedCommission({ ...input, attribution: decided[i]!.attribution, fraudReasons: fraudReasons[i]!, pricing });
    if (commission) planned.push(commission);
  }
  return planned;
}

/** The customers' changes: a member found since (linked), and first bindings. */
function customerChanges(decided: readonly Decided[], customers: ReadonlyMap<string, LockedCustomer>): CustomerChange[] {
  const changes: CustomerChange[] = [];
  for (const { locked, attribution } of decided) {
    const customerId = locked.conversion.customerId;
    const known = customerId ? customers.get(customerId) : undefined;
    if (!known) continue;
    const bound = attribution.boundNow ? attribution.customer : null;
    if (!known.newMemberId && !bound) continue;
    changes.push({ id: known.customer.id, memberId: known.newMemberId, boundPartnerId: bound?.boundPartnerId ?? null, boundConversionId: bound ? locked.conversion.id : null });
  }
  return changes;
}
