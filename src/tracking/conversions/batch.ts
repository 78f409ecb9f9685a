import type { ServiceContext } from '../../context.js';
import type { NewCommission } from '../../payouts/commissions/plan.js';
import { OUTBOX_RECORD, outboxRow, type PreparedLogEntry } from '../../transparency/entries/append.js';
import type { Attribution } from './types.js';
import { programStamp } from './program-facts.js';
import { isoOrNull, rawRows, toDate, toDateOrNull, toNumber, toNumberOrNull } from './raw-sql.js';
import type { ConversionRow, CustomerRow } from './types.js';

/**
 * The reads and the write of a processing batch (process.ts): a handful of statements for the
 * whole batch, whatever its size, in place of a dozen per conversion.
 */

/** A conversion as the batch locked it, with what its program's cached facts are checked against. */
export interface LockedConversion {
  conversion: ConversionRow;
  tenantId: string;
  payoutCurrency: string;
  programStamp: string;
}

// Locked in id order, so concurrent batches never wait on each other in a cycle; customers are
// locked after their conversions, as the per-conversion path did.
const LOCK_CONVERSIONS = `select c.id, c.program_id, c.external_id, c.kind, c.status, c.occurred_at, c.completed_at, c.cancelled_at,
    c.amount, c.currency, c.refunded_amount, c.click_id, c.cookie_click_id, c.promo_code, c.customer_ref, c.email_hmac, c.ip_hash,
    c.country, c.metadata, c.request_hash, c.processed_at, c.attribution_method, c.attributed_click_id, c.clicked_at, c.link_id,
    c.partner_member_id, c.customer_id, c.market_country, c.fraud_reasons, c.created_at, c.updated_at,
    p.tenant_id, p.payout_currency, p.xmin::text as program_xmin,
    (select count(*) from commission_policy_versions v where v.program_id = c.program_id)::int as policy_versions
  from conversions c join programs p on p.id = c.program_id
  where c.id = any($1::text[])
  order by c.id
  for update of c`;

export async function lockConversions(tx: ServiceContext, ids: readonly string[]): Promise<LockedConversion[]> {
  const rows = await rawRows(tx.db, LOCK_CONVERSIONS, [ids]);
  return rows.map((r) => ({
    conversion: {
      id: r.id as string,
      programId: r.program_id as string,
      externalId: r.external_id as string,
      kind: r.kind as ConversionRow['kind'],
      status: r.status as ConversionRow['status'],
      occurredAt: toDate(r.occurred_at),
      completedAt: toDateOrNull(r.completed_at),
      cancelledAt: toDateOrNull(r.cancelled_at),
      amount: toNumberOrNull(r.amount),
      currency: (r.currency as string | null) ?? null,
      refundedAmount: toNumber(r.refunded_amount),
      clickId: (r.click_id as string | null) ?? null,
      cookieClickId: (r.cookie_click_id as string | null) ?? null,
      promoCode: (r.promo_code as string | null) ?? null,
      customerRef: (r.customer_ref as string | null) ?? null,
      emailHmac: (r.email_hmac as string | null) ?? null,
      // Boot re-hashed every unkeyed hash before this process took work.
      legacyEmailSha256: null,
      ipHash: (r.ip_hash as string | null) ?? null,
      country: (r.country as string | null) ?? null,
      metadata: (r.metadata as Record<string, string>) ?? {},
      requestHash: r.request_hash as string,
      processedAt: toDateOrNull(r.processed_at),
      attributionMethod: (r.attribution_method as ConversionRow['attributionMethod']) ?? null,
      attributedClickId: (r.attributed_click_id as string | null) ?? null,
      clickedAt: toDateOrNull(r.clicked_at),
      linkId: (r.link_id as string | null) ?? null,
      partnerMemberId: (r.partner_member_id as string | null) ?? null,
      customerId: (r.customer_id as string | null) ?? null,
      marketCountry: (r.market_country as string | null) ?? null,
      fraudReasons: (r.fraud_reasons as string[]) ?? [],
      createdAt: toDate(r.created_at),
      updatedAt: toDate(r.updated_at),
    },
    tenantId: r.tenant_id as string,
    payoutCurrency: r.payout_currency as string,
    programStamp: programStamp(r.program_xmin as string, toNumber(r.policy_versions)),
  }));
}

/** A locked customer with their member: the one they are, or the member with their reference who appeared since. */
export interface LockedCustomer {
  customer: CustomerRow;
  /** Set when the customer had no member and one with their external reference exists now. */
  newMemberId: string | null;
  memberCountry: string | null;
}

// The member match is the one linkCustomerMember makes in processing: by the merchant's reference.
const LOCK_CUSTOMERS = `select cu.id, cu.program_id, cu.external_ref, cu.email_hmac, cu.member_id, cu.bound_partner_id, cu.bound_at,
    cu.bound_conversion_id, cu.created_at, cu.updated_at, m.id as found_member_id, m.country as member_country
  from customers cu
  left join lateral (
    select m.id, m.country from members m where m.id = cu.member_id
    union all
    select m.id, m.country from members m
      where cu.member_id is null and cu.external_ref is not null and m.program_id = cu.program_id and m.external_id = cu.external_ref
    limit 1) m on true
  where cu.id = any($1::text[])
  order by cu.id
  for update of cu`;

export async function lockCustomers(tx: ServiceContext, ids: readonly string[]): Promise<Map<string, LockedCustomer>> {
  const out = new Map<string, LockedCustomer>();
  if (ids.length === 0) return out;
  for (const r of await rawRows(tx.db, LOCK_CUSTOMERS, [ids])) {
    const memberId = (r.member_id as string | null) ?? null;
    const found = (r.found_member_id as string | null) ?? null;
    out.set(r.id as string, {
      customer: {
        id: r.id as string,
        programId: r.program_id as string,
        externalRef: (r.external_ref as string | null) ?? null,
        emailHmac: (r.email_hmac as string | null) ?? null,
        legacyEmailSha256: null,
        memberId: memberId ?? found,
        boundPartnerId: (r.bound_partner_id as string | null) ?? null,
        boundAt: toDateOrNull(r.bound_at),
        boundConversionId: (r.bound_conversion_id as string | null) ?? null,
        createdAt: toDate(r.created_at),
        updatedAt: toDate(r.updated_at),
      },
      newMemberId: memberId ? null : found,
      memberCountry: (r.member_country as string | null) ?? null,
    });
  }
  return out;
}

/** What a processed conversion records: its decision, its customer's changes, its commission. */
export interface ProcessedRecord {
  conversion: ConversionRow;
  attribution: Attribution;
  fraudReasons: readonly string[];
}

// One statement for the batch's writes: the decisions on the conversions, the customers' new
// bindings and members, the commissions (computed in full beforehand), and their log entries (a
// commission's only when it was inserted). The ids again as arrays ($6, $7): the prepared
// statement's generic plan guesses 100 rows for a json_to_recordset, and against a table of a few
// thousand rows (a young program, the bench) it then hashes the whole table instead of probing
// the primary key per row; `= any(array)` makes it probe.
const RECORD_BATCH = `with decided as (
    update conversions c set attribution_method = x.method::attribution_method, attributed_click_id = x.click_id, clicked_at = x.clicked_at,
      link_id = x.link_id, partner_member_id = x.partner, customer_id = x.customer_id, market_country = x.market,
      fraud_reasons = x.reasons, processed_at = $4::timestamptz, updated_at = $4::timestamptz
    from json_to_recordset($1::text::json) as x(id text, method text, click_id text, clicked_at timestamptz, link_id text, partner text,
      customer_id text, market text, reasons text[])
    where c.id = x.id and c.id = any($6::text[])
    returning c.id),
  customers_changed as (
    update customers cu set member_id = coalesce(cu.member_id, x.member_id),
      bound_partner_id = coalesce(cu.bound_partner_id, x.bound_partner),
      bound_at = case when cu.bound_partner_id is null and x.bound_partner is not null then $4::timestamptz else cu.bound_at end,
      bound_conversion_id = case when cu.bound_partner_id is null and x.bound_partner is not null then x.bound_conversion else cu.bound_conversion_id end,
      updated_at = $4::timestamptz
    from json_to_recordset($2::text::json) as x(id text, member_id text, bound_partner text, bound_conversion text)
    where cu.id = x.id and cu.id = any($7::text[])
    returning cu.id),
  commissioned as (
    insert into commissions (id, program_id, conversion_id, partner_member_id, kind, status, policy_version_id, country, amount, currency,
      reversed_amount, payout_currency, payout_amount, payout_reversed_amount, fx_rate, fx_rate_id, multiplier_bps, hold_until, hold_reasons)
    select x.id, x.program_id, x.conversion_id, x.partner_member_id, x.kind::commission_kind, x.status::commission_status, x.policy_version_id,
      x.country, x.amount, x.currency, x.reversed_amount, x.payout_currency, x.payout_amount, x.payout_reversed_amount, x.fx_rate::numeric,
      x.fx_rate_id, x.multiplier_bps, x.hold_until, x.hold_reasons
    from json_to_recordset($3::text::json) as x(id text, program_id text, conversion_id text, partner_member_id text, kind text, status text,
      policy_version_id text, country text, amount int8, currency text, reversed_amount int8, payout_currency text, payout_amount int8,
      payout_reversed_amount int8, fx_rate text, fx_rate_id text, multiplier_bps int, hold_until timestamptz, hold_reasons text[])
    on conflict do nothing
    returning id),
  logged as (
    insert into log_outbox (entry, leaf_hash, type, tenant_id, program_id, partner_member_id, created_at)
    select o.entry, decode(o.leaf_hash, 'hex'), o.type, o.tenant_id, o.program_id, o.partner_member_id, $4::timestamptz
    from json_to_recordset($5::text::json) as o${OUTBOX_RECORD.replace(')', ', commission_id text)')}
    where o.commission_id is null or o.commission_id in (select id from commissioned)
    order by o.ord)
  select (select count(*) from decided)::int as decided, (select count(*) from customers_changed)::int as customers, (select count(*) from commissioned)::int as commissions`;

export interface CustomerChange {
  id: string;
  memberId: string | null;
  boundPartnerId: string | null;
  boundConversionId: string | null;
}

/** A log entry of the batch; one of a commission is written only if the commission is. */
export interface BatchLogEntry {
  logged: PreparedLogEntry;
  commissionId: string | null;
}

/** Writes the batch's decisions in one statement; returns how many conversions it recorded. */
export async function recordBatch(
  tx: ServiceContext,
  now: Date,
  decided: readonly ProcessedRecord[],
  customerChanges: readonly CustomerChange[],
  commissions: readonly NewCommission[],
  entries: readonly BatchLogEntry[],
): Promise<number> {
  const conversions = decided.map(({ conversion, attribution, fraudReasons }) => ({
    id: conversion.id,
    method: attribution.method,
    click_id: attribution.click?.id ?? null,
    clicked_at: isoOrNull(attribution.click?.clickedAt),
    link_id: attribution.linkId,
    partner: attribution.partnerMemberId,
    customer_id: attribution.customer?.id ?? conversion.customerId,
    market: attribution.marketCountry,
    reasons: fraudReasons,
  }));
  const customers = customerChanges.map((c) => ({ id: c.id, member_id: c.memberId, bound_partner: c.boundPartnerId, bound_conversion: c.boundConversionId }));
  const inserts = commissions.map((c) => ({
    id: c.id,
    program_id: c.programId,
    conversion_id: c.conversionId,
    partner_member_id: c.partnerMemberId,
    kind: c.kind,
    status: c.status,
    policy_version_id: c.policyVersionId,
    country: c.country,
    amount: c.amount,
    currency: c.currency,
    reversed_amount: c.reversedAmount,
    payout_currency: c.payoutCurrency,
    payout_amount: c.payoutAmount,
    payout_reversed_amount: c.payoutReversedAmount,
    fx_rate: c.fxRate,
    fx_rate_id: c.fxRateId,
    multiplier_bps: c.multiplierBps,
    hold_until: isoOrNull(c.holdUntil),
    hold_reasons: c.holdReasons,
  }));
  const logged = entries.map((e, ord) => ({ ...outboxRow(e.logged, ord), commission_id: e.commissionId }));
  const [row] = await rawRows<{ decided: number }>(tx.db, RECORD_BATCH, [
    JSON.stringify(conversions),
    JSON.stringify(customers),
    JSON.stringify(inserts),
    now.toISOString(),
    JSON.stringify(logged),
    conversions.map((c) => c.id),
    customers.map((c) => c.id),
  ]);
  return Number(row?.decided ?? 0);
}
