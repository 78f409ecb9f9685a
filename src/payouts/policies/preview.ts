import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.js';
import type { ServiceContext } from '../../context.js';
import { DAY_MS } from '../../core/points/calculations.js';
import { parseInput } from '../../core/validation.js';
import { linkSettingsOf } from '../../tracking/links/settings.js';
import { commissionFor, refundReversal } from '../commission-math.js';
import { FxBook, FxRateMissing } from '../fx.js';
import { assertWithinBounds, resolvePolicyMarket } from './service.js';
import { completeTerms, PolicyTermsInputSchema, type PolicyTermsInput } from './terms.js';

/**
 * What a proposed change would have paid: the last 30 days of the market's processed, attributed
 * conversions priced under the proposed terms, next to the commissions they actually have. Nothing
 * is written. Each conversion keeps the tier multiplier its commission was made with (else the
 * partner's current tier); refunds and cancellations are netted as the lifecycle nets them; a
 * rejected commission stays rejected under any terms, so it counts on neither side.
 */

export const PREVIEW_DAYS = 30;

export interface MoneyTotal {
  currency: string;
  amount: number;
}

export interface PreviewSide {
  /** Conversions that earn (or earned) a commission. */
  commissions: number;
  /** Net of refunds, cancellations and clawbacks, per commission currency. */
  totals: MoneyTotal[];
  /** The same in the program's payout currency. */
  payoutAmount: number;
}

export interface PolicyPreview {
  market: string;
  country: string | null;
  from: Date;
  to: Date;
  payoutCurrency: string;
  conversions: { total: number; signups: number; sales: number; rejected: number };
  proposed: PreviewSide & { /** Conversions left out for lack of an FX rate at their time. */ unpriced: number };
  current: PreviewSide;
  /** proposed.payoutAmount - current.payoutAmount. */
  difference: { payoutAmount: number };
}

interface PreviewRow extends Record<string, unknown> {
  kind: 'signup' | 'sale';
  status: string;
  amount: string | null;
  currency: string | null;
  refunded: string;
  occurred_ms: string;
  held_multiplier_bps: number;
  commission_status: string | null;
  commission_currency: string | null;
  commission_multiplier_bps: number | null;
  commission_net: string | null;
  commission_payout_net: string | null;
}

class Totals {
  count = 0;
  payout = 0n;
  private readonly byCurrency = new Map<string, bigint>();
  add(currency: string, amount: bigint, payout: bigint) {
    this.count++;
    this.byCurrency.set(currency, (this.byCurrency.get(currency) ?? 0n) + amount);
    this.payout += payout;
  }
  side(): PreviewSide {
    const totals = [...this.byCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ currency, amount: Number(amount) }));
    return { commissions: this.count, totals, payoutAmount: Number(this.payout) };
  }
}

export async function previewCommissionPolicy(ctx: ServiceContext, programId: string, market: string, raw: PolicyTermsInput): Promise<PolicyPreview> {
  const target = await resolvePolicyMarket(ctx, programId, market, 'change');
  const input = parseInput(PolicyTermsInputSchema, raw);
  const { program, country } = target;
  const terms = completeTerms(input, { currency: target.currency, attributionWindowDays: linkSettingsOf(program).attributionWindowDays });
  // Terms that could not be saved are not priced either: the editor hears of the bound at once.
  await assertWithinBounds(ctx, target, terms);
  const payoutCurrency = program.payoutCurrency;
  const to = ctx.clock();
  const from = new Date(to.getTime() - PREVIEW_DAYS * DAY_MS);

  // The default policy pays the conversions of markets that had no policy of their own then.
  const inMarket =
    country === null
      ? sql`(c.market_country is null or not exists (select 1 from commission_policy_versions v where v.program_id = c.program_id and v.country = c.market_country and v.effective_from <= c.occurred_at))`
      : sql`c.market_country = ${country}`;
  // Money as text and times as epoch ms (and times passed as ISO text): exact and the same on both
  // database drivers; postgres.js does not serialise a Date inside raw SQL.
  const [fromText, toText] = [from.toISOString(), to.toISOString()];
  const rows = await queryRows<PreviewRow>(
    ctx.db,
    sql`select c.kind, c.status, c.amount::text as amount, c.currency, c.refunded_amount::text as refunded,
               (extract(epoch from c.occurred_at) * 1000)::bigint::text as occurred_ms,
               -- the partner's tier now, as heldTier reads it (a lapsed paid tier is none)
               case when t.id is null or (t.kind = 'paid' and (m.tier_expires_at is null or m.tier_expires_at <= ${toText}::timestamptz)) then 10000
                    else t.commission_multiplier_bps end as held_multiplier_bps,
               cm.status::text as commission_status, cm.currency as commission_currency, cm.multiplier_bps as commission_multiplier_bps,
               (cm.amount - cm.reversed_amount + coalesce(cb.amount, 0))::text as commission_net,
               (cm.payout_amount - cm.payout_reversed_amount + coalesce(cb.payout_amount, 0))::text as commission_payout_net
        from conversions c
        join members m on m.id = c.partner_member_id
        left join tiers t on t.id = m.tier_id and t.deleted_at is null
        left join commissions cm on cm.conversion_id = c.id and cm.kind <> 'clawback'
        left join lateral (select sum(x.amount) as amount, sum(x.payout_amount) as payout_amount from commissions x where x.clawback_of = cm.id) cb on true
        where c.program_id = ${program.id} and c.processed_at is not null and c.partner_member_id is not null
          and c.occurred_at >= ${fromText}::timestamptz and c.occurred_at < ${toText}::timestamptz and ${inMarket}`,
  );

  const currencies = new Set<string>([terms.currency]);
  for (const r of rows) if (r.currency) currencies.add(r.currency);
  const pairs: [string, string][] = [];
  for (const c of currencies) pairs.push([terms.currency, c], [c, payoutCurrency]);
  const book = await FxBook.load(ctx.db, program.tenantId, pairs, from, to);

  const counts = { total: rows.length, signups: 0, sales: 0, rejected: 0 };
  const proposed = new Totals();
  const current = new Totals();
  let unpriced = 0;
  for (const r of rows) {
    counts[r.kind === 'signup' ? 'signups' : 'sales']++;
    if (r.commission_status === 'rejected') {
      counts.rejected++;
      continue;
    }
    if (r.commission_status !== null) current.add(r.commission_currency!, BigInt(r.commission_net!), BigInt(r.commission_payout_net!));

    const occurredAt = new Date(Number(r.occurred_ms));
    const convert = book.converterAt(occurredAt);
    const saleAmount = r.amount === null ? null : Number(r.amount);
    try {
      const earned = commissionFor(terms, { kind: r.kind, amount: saleAmount, currency: r.currency, occurredAt }, Number(r.commission_multiplier_bps ?? r.held_multiplier_bps), convert);
      if (!earned || earned.amount === 0) continue;
      const refunded = Number(r.refunded);
      const net =
        r.status === 'cancelled' ? 0 : saleAmount !== null && refunded > 0 ? earned.amount - refundReversal(earned.amount, saleAmount, 0, refunded) : earned.amount;
      const payout = convert(net, earned.currency, payoutCurrency);
      proposed.add(earned.currency, BigInt(net), BigInt(payout));
    } catch (err) {
      if (!(err instanceof FxRateMissing)) throw err;
      unpriced++;
    }
  }
  const proposedSide = proposed.side();
  const currentSide = current.side();
  return {
    market: target.market,
    country,
    from,
    to,
    payoutCurrency,
    conversions: counts,
    proposed: { ...proposedSide, unpriced },
    current: currentSide,
    difference: { payoutAmount: proposedSide.payoutAmount - currentSide.payoutAmount },
  };
}
