import type { ServiceContext } from '../../context.js';
import { utcDay } from '../clicks/classify.js';
import { customerEmailHmac } from '../conversions/email-hash.js';
import { hashEmail } from '../conversions/input.js';
import { rawRows } from '../conversions/raw-sql.js';
import type { Attribution, AttributionMethodName, ConversionRow } from '../conversions/types.js';
import { fraudSettingsOf, type FraudSettings } from './settings.js';

/**
 * Fraud rules (issue 4). Each gives a stable reason code both the partner and the manager read;
 * any reason holds the conversion's commission for a manager's decision. The codes are documented
 * in docs/conversions.md ("Fraud reason codes"); never rename one, add new ones instead.
 */
export const FRAUD_REASONS = ['self_referral', 'duplicate_customer', 'click_injection', 'no_click', 'velocity_ip', 'velocity_link', 'bot_click'] as const;
export type FraudReason = (typeof FRAUD_REASONS)[number];

export const VELOCITY_WINDOW_MS = 60 * 60_000;

/** What the rules look at, gathered from the conversion, its attribution and the database. */
export interface FraudFacts {
  kind: 'signup' | 'sale';
  method: AttributionMethodName;
  occurredAt: Date;
  /** The click behind the attribution, if any. */
  click: { clickedAt: Date; status: 'counted' | 'duplicate' | 'bot' } | null;
  /** The customer is the partner themself (the same member), or has their email. */
  customerIsPartner: boolean;
  /** The click's or the conversion's IP hash is one the partner logged in from that day. */
  partnerIpMatch: boolean;
  /** A signup: the customer signed up through an earlier (not cancelled) conversion of the program. */
  repeatSignup: boolean;
  /** A sale: the customer is bound to another partner and arrives with this one's evidence. */
  boundToOtherPartner: boolean;
  /** Other conversions within the hour before this one from the same IP hash; null when not counted. */
  recentFromIp: number | null;
  /** Other conversions within the hour before this one on the same link; null when not counted. */
  recentOnLink: number | null;
}

/** A click this close before the conversion (or after it) was injected, not followed. */
export function isClickInjection(clickedAt: Date, occurredAt: Date, minSeconds: number): boolean {
  return minSeconds > 0 && occurredAt.getTime() - clickedAt.getTime() < minSeconds * 1000;
}

/** `others` earlier conversions plus this one make more than `max`. */
export function exceedsVelocity(others: number | null, max: number | null): boolean {
  return max !== null && others !== null && others + 1 > max;
}

/** The rules themselves, pure: the reasons that apply, in FRAUD_REASONS order. */
export function fraudReasonsFromFacts(facts: FraudFacts, settings: FraudSettings): FraudReason[] {
  const viaClick = facts.method === 'click_id' || facts.method === 'cookie';
  const hits: Record<FraudReason, boolean> = {
    self_referral: facts.customerIsPartner || facts.partnerIpMatch,
    duplicate_customer: facts.kind === 'signup' ? facts.repeatSignup : facts.boundToOtherPartner,
    // The binding's click of a recurring sale is long past by design; only the click that brought this conversion counts.
    click_injection: viaClick && facts.click !== null && isClickInjection(facts.click.clickedAt, facts.occurredAt, settings.minClickToConversionSeconds),
    no_click: settings.flagNoClick && facts.click === null,
    velocity_ip: exceedsVelocity(facts.recentFromIp, settings.maxConversionsPerIpPerHour),
    velocity_link: exceedsVelocity(facts.recentOnLink, settings.maxConversionsPerLinkPerHour),
    bot_click: facts.click?.status === 'bot',
  };
  return FRAUD_REASONS.filter((reason) => hits[reason]);
}

/**
 * The IP hash the velocity rule counts by: the customer's at conversion when the merchant sent it,
 * else the click's. Hashes only match within one UTC day (daily secret), so an hour spanning
 * midnight undercounts; that errs towards paying.
 */
export const velocityIpHash = (conversion: Pick<ConversionRow, 'ipHash'>, attribution: Pick<Attribution, 'click'>): string | null =>
  conversion.ipHash ?? attribution.click?.ipHash ?? null;

/** One attributed conversion to check, with what the caller already knows. */
export interface FraudCheck {
  conversion: ConversionRow;
  /** The conversion's tenant, whose key its email hash is keyed with. */
  tenantId: string;
  attribution: Attribution;
  settings: FraudSettings;
  /** The partner's normalised email (a customer with it is the partner themself). */
  partnerEmail: string | null;
  /**
   * Conversions on the same link in the hour before this one that were attributed earlier in the
   * same processing batch: not written yet, so the link count cannot see them.
   */
  earlierOnLink?: number;
}

// Per check, one row of json_to_recordset. Each count stops at its threshold (LIMIT), so a busy
// IP or link costs no more than a quiet one; the checks run as one statement for a whole batch.
const FRAUD_FACTS = `select x.i,
    exists (select 1 from partner_ip_hashes h where h.member_id = x.partner
            and ((h.day = x.click_day and h.ip_hash = x.click_hash) or (h.day = x.conv_day and h.ip_hash = x.conv_hash))) as partner_ip,
    case when x.repeat_customer is null then false else exists (
      select 1 from conversions o where o.customer_id = x.repeat_customer and o.program_id = x.program and o.kind = 'signup'
        and o.status <> 'cancelled' and (o.occurred_at, o.id) < (x.occurred_at, x.id)) end as repeat_signup,
    case when x.max_ip is null then null else (select count(*)::int from (
      select 1 from conversions o where o.program_id = x.program and o.ip_hash = x.ip_hash and o.occurred_at > x.since
        and o.occurred_at <= x.occurred_at and o.id <> x.id limit x.max_ip) r) end as from_ip,
    case when x.max_link is null then null else (select count(*)::int from (
      select 1 from conversions o where o.link_id = x.link and o.occurred_at > x.since
        and o.occurred_at <= x.occurred_at and o.id <> x.id limit x.max_link) r) end as on_link
  from json_to_recordset($1::text::json) as x(i int, id text, program text, partner text, click_day date, click_hash text,
    conv_day date, conv_hash text, repeat_customer text, ip_hash text, max_ip int, link text, max_link int, occurred_at timestamptz, since timestamptz)`;

/**
 * The reasons that apply to each conversion, in FRAUD_REASONS order; [] when clean or
 * unattributed. What the database must tell (partner logins, earlier signups, the hour's
 * conversions per IP and link) is read for all of them in one statement.
 */
export async function fraudReasonsOf(tx: ServiceContext, checks: readonly FraudCheck[]): Promise<FraudReason[][]> {
  const params = [];
  for (const [i, { conversion, attribution, settings }] of checks.entries()) {
    if (!attribution.partnerMemberId) continue;
    const customer = attribution.customer;
    const ipHash = velocityIpHash(conversion, attribution);
    const countIp = settings.maxConversionsPerIpPerHour !== null && ipHash !== null;
    const countLink = settings.maxConversionsPerLinkPerHour !== null && attribution.linkId !== null;
    params.push({
      i,
      id: conversion.id,
      program: conversion.programId,
      partner: attribution.partnerMemberId,
      // Each IP hash is compared with the partner's logins of the day it was hashed on: the
      // click's day, and for the conversion's own hash the day intake received it.
      click_day: attribution.click ? utcDay(attribution.click.clickedAt) : null,
      click_hash: attribution.click?.ipHash ?? null,
      conv_day: conversion.ipHash ? utcDay(conversion.createdAt) : null,
      conv_hash: conversion.ipHash,
      repeat_customer: conversion.kind === 'signup' && customer ? customer.id : null,
      ip_hash: ipHash,
      max_ip: countIp ? settings.maxConversionsPerIpPerHour : null,
      link: attribution.linkId,
      max_link: countLink ? settings.maxConversionsPerLinkPerHour : null,
      occurred_at: conversion.occurredAt.toISOString(),
      since: new Date(conversion.occurredAt.getTime() - VELOCITY_WINDOW_MS).toISOString(),
    });
  }
  const rows = params.length
    ? await rawRows<{ i: number; partner_ip: boolean; repeat_signup: boolean; from_ip: number | null; on_link: number | null }>(tx.db, FRAUD_FACTS, [JSON.stringify(params)])
    : [];
  const byIndex = new Map(rows.map((r) => [Number(r.i), r]));
  const results: FraudReason[][] = [];
  for (const [i, { conversion, tenantId, attribution, settings, partnerEmail, earlierOnLink = 0 }] of checks.entries()) {
    const partnerId = attribution.partnerMemberId;
    const row = byIndex.get(i);
    if (!partnerId || !row) {
      results.push([]);
      continue;
    }
    const customer = attribution.customer;
    const emailHmac = conversion.emailHmac ?? customer?.emailHmac ?? null;
    // The partner's email keyed as the customer's is: equal hashes, same address.
    const partnerEmailHmac = emailHmac !== null && partnerEmail ? await customerEmailHmac(tx, tenantId, hashEmail(partnerEmail)) : null;
    const facts: FraudFacts = {
      kind: conversion.kind,
      method: attribution.method,
      occurredAt: conversion.occurredAt,
      click: attribution.click ? { clickedAt: attribution.click.clickedAt, status: attribution.click.status } : null,
      customerIsPartner: customer?.memberId === partnerId || (emailHmac !== null && partnerEmailHmac === emailHmac),
      partnerIpMatch: row.partner_ip === true,
      repeatSignup: row.repeat_signup === true,
      boundToOtherPartner: conversion.kind === 'sale' && !!customer?.boundPartnerId && customer.boundPartnerId !== partnerId,
      recentFromIp: row.from_ip === null ? null : Number(row.from_ip),
      recentOnLink: row.on_link === null ? null : Number(row.on_link) + earlierOnLink,
    };
    results.push(fraudReasonsFromFacts(facts, settings));
  }
  return results;
}

/** The reasons that apply to one attributed conversion, in FRAUD_REASONS order; [] when clean or unattributed. */
export async function fraudReasonsFor(tx: ServiceContext, conversion: ConversionRow, attribution: Attribution): Promise<FraudReason[]> {
  const partnerId = attribution.partnerMemberId;
  if (!partnerId) return [];
  const [base] = await rawRows<{ settings: Record<string, unknown> | null; partner_email: string | null; tenant_id: string }>(
    tx.db,
    `select p.settings, m.email_normalized as partner_email, p.tenant_id
     from programs p left join members m on m.id = $1 and m.program_id = p.id
     where p.id = $2`,
    [partnerId, conversion.programId],
  );
  // The program exists (a foreign key); its tenant's key hashes the emails compared.
  const settings = fraudSettingsOf({ settings: base!.settings ?? {} });
  const [reasons] = await fraudReasonsOf(tx, [{ conversion, tenantId: base!.tenant_id, attribution, settings, partnerEmail: base!.partner_email ?? null }]);
  return reasons!;
}
