import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../../../db/client.js';
import { commissions, conversions, markets, members, payoutItems, payoutRuns, payouts } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import type { Actor } from '../../core/auth/actor.js';
import { loadProgramInScope } from '../../core/auth/scope.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { matchLocale, type Locale } from '../../i18n/locales.js';
import type { NegotiatedLocale } from '../../i18n/negotiate.js';
import { normalizeDecimal } from '../../transparency/entries/commission.js';

/**
 * The data of one payout's statement: the payout, and one line per commission it settled with that
 * commission's whole history in the transparency log, each change with its log index, so the
 * affiliate can prove every line (docs/statements.md). Read only; html.ts and csv.ts render it.
 */

/** Where an entry is in the log: its index, or null while it waits in the outbox for the sequencer. */
export interface LogPosition {
  index: number | null;
  /** base64 of the RFC 9162 leaf hash, for `/v1/log/proofs/inclusion?entryHash=`. */
  leafHash: string;
}

export interface StatementHistoryEntry extends LogPosition {
  /** The entry type, e.g. `commission.approved`. */
  type: string;
  /** The commission's status after the change. */
  status: string | null;
  reason: string | null;
  /** The business time the entry records (its `at`). */
  at: Date;
}

export interface StatementLine {
  commissionId: string;
  conversionId: string;
  /** The merchant's id of the conversion (their order number), as they sent it. */
  conversionExternalId: string;
  kind: 'signup' | 'sale' | 'clawback';
  market: string | null;
  conversionAt: Date;
  /** Minor units of `saleCurrency`; null for signups. */
  saleAmount: number | null;
  saleCurrency: string | null;
  /** Net of reversals before payment, minor units of `commissionCurrency` (the sale's). */
  commissionAmount: number;
  commissionCurrency: string;
  fxRate: string;
  /** The payout item: minor units of the payout currency, negative for a clawback. */
  amount: number;
  clawbackOf: string | null;
  /** This payout's `commission.paid` entry (through the item's leaf hash); null if the item has none or the log does not hold it. */
  paidEntry: LogPosition | null;
  /** Every log entry of the commission, in log order. */
  history: StatementHistoryEntry[];
}

export interface Statement {
  program: { id: string; name: string };
  affiliate: { memberId: string; name: string };
  /** The language of the labels: the reader's explicit choice, else the affiliate's market's default, the program's, English. */
  language: Locale;
  /** The Intl locale for amounts and dates: the affiliate's own (else the program's) unless the reader chose another language. */
  locale: string;
  payout: {
    id: string;
    runId: string;
    runPeriod: string | null;
    currency: string;
    amount: number;
    status: 'pending' | 'processing' | 'paid' | 'failed' | 'reversed';
    method: 'stripe' | 'manual';
    stripeTransferId: string | null;
    manualReference: string | null;
    paidAt: Date | null;
    reversedAmount: number;
  };
  /** The payout's `payout.paid` entry; null when there is none (not paid). */
  payoutEntry: LogPosition | null;
  /** Every `payout.*` entry of the payout (paid, failed, reversed), in log order. */
  payoutHistory: StatementHistoryEntry[];
  lines: StatementLine[];
  totals: { commissions: number; clawbacks: number; total: number };
  generatedAt: Date;
}

/** Admins (and jobs) read any payout of their programs; an affiliate only their own; nobody else. */
function assertMayRead(actor: Actor, partnerMemberId: string, payoutId: string): void {
  if (actor.kind === 'system') return;
  if (actor.kind === 'user' && actor.role === 'admin') return;
  if (actor.kind === 'user' && actor.role === 'affiliate') {
    // Another affiliate's payout looks absent, as their commissions do.
    if (actor.memberId !== partnerMemberId) throw new NotFoundError('Payout', payoutId);
    return;
  }
  throw new ForbiddenError('Only the program’s administrators and the paid affiliate may read a payout statement.');
}

/** A locale Intl understands, or English. */
export function statementLocale(...candidates: (string | null | undefined)[]): string {
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      const [canonical] = Intl.getCanonicalLocales(candidate.replace(/_/g, '-'));
      if (canonical && Intl.NumberFormat.supportedLocalesOf(canonical).length) return canonical;
    } catch {
      // Not a BCP 47 tag: try the next candidate.
    }
  }
  return 'en';
}

/**
 * The statement's language and formatting locale. A language the reader chose (`?lang=`, cookie,
 * Accept-Language) wins, keeping the affiliate's regional format when it is the same language
 * (`de-AT` amounts for a German statement). Without a choice the labels are in the affiliate's
 * market's default language (else the program's), the amounts in the affiliate's own locale.
 */
export function statementLanguage(
  requested: NegotiatedLocale | undefined,
  memberLocale: string | null,
  marketLocale: string | null,
  programLocale: string,
): { language: Locale; locale: string } {
  const regional = statementLocale(memberLocale, marketLocale, programLocale);
  if (requested?.explicit) {
    return { language: requested.locale, locale: matchLocale(regional) === requested.locale ? regional : requested.locale };
  }
  return { language: matchLocale(marketLocale) ?? matchLocale(programLocale) ?? 'en', locale: regional };
}

interface LogRow extends Record<string, unknown> {
  idx: number | string | null;
  ord: number | string;
  entry: string;
  leaf_hash: string;
  type: string;
}

const toDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

function historyEntry(row: LogRow, body: Record<string, unknown>): StatementHistoryEntry {
  return {
    type: row.type,
    index: row.idx === null ? null : Number(row.idx),
    leafHash: row.leaf_hash.replace(/\n/g, ''),
    status: typeof body.status === 'string' ? body.status : null,
    reason: typeof body.reason === 'string' ? body.reason : null,
    at: toDate(String(body.at)),
  };
}

/**
 * The partner's log entries about these commissions and this payout, sequenced or still in the
 * outbox, in log order (an outbox row keeps its id as `outbox_id` when sequenced). One statement,
 * so an entry the sequencer moves meanwhile is seen exactly once. `log_entries_partner_idx`
 * narrows to the partner; the JSON test runs on their entries only.
 */
async function partnerEntries(ctx: ServiceContext, partnerMemberId: string, commissionIds: string[], payoutId: string): Promise<LogRow[]> {
  const ids = JSON.stringify(commissionIds);
  const about = (t: SQL) =>
    sql`((${t}.type like 'commission.%' and (${t}.entry::jsonb ->> 'commissionId') in (select value from json_array_elements_text(${ids}::text::json)))
         or (${t}.type like 'payout.%' and (${t}.entry::jsonb ->> 'payoutId') = ${payoutId}))`;
  return await queryRows<LogRow>(
    ctx.db,
    sql`select e.idx, e.outbox_id as ord, e.entry, encode(e.leaf_hash, 'base64') as leaf_hash, e.type
          from log_entries e where e.partner_member_id = ${partnerMemberId} and ${about(sql.raw('e'))}
        union all
        select null::bigint, o.id, o.entry, encode(o.leaf_hash, 'base64'), o.type
          from log_outbox o where o.partner_member_id = ${partnerMemberId} and ${about(sql.raw('o'))}
        order by ord`,
  );
}

/** Leaf hashes not among the partner's entries (should not happen), looked up in the whole log. */
async function positionsOf(ctx: ServiceContext, leafHashes: string[]): Promise<Map<string, LogPosition>> {
  const found = new Map<string, LogPosition>();
  if (leafHashes.length === 0) return found;
  const hashes = JSON.stringify(leafHashes);
  const rows = await queryRows<{ idx: number | string | null; leaf_hash: string }>(
    ctx.db,
    sql`select e.idx, encode(e.leaf_hash, 'base64') as leaf_hash from log_entries e
          where e.leaf_hash in (select decode(value, 'base64') from json_array_elements_text(${hashes}::text::json))
        union all
        select null::bigint, encode(o.leaf_hash, 'base64') from log_outbox o
          where o.leaf_hash in (select decode(value, 'base64') from json_array_elements_text(${hashes}::text::json))`,
  );
  for (const r of rows) found.set(r.leaf_hash, { index: r.idx === null ? null : Number(r.idx), leafHash: r.leaf_hash });
  return found;
}

/**
 * The statement of payout `payoutId` of program `programId`, if the actor may read it, in the
 * reader's `locale` when they chose one (see statementLanguage).
 */
export async function buildStatement(ctx: ServiceContext, programId: string, payoutId: string, locale?: NegotiatedLocale): Promise<Statement> {
  const program = await loadProgramInScope(ctx, programId);
  const [row] = await ctx.db
    .select({
      payout: payouts,
      run: { id: payoutRuns.id, periodKey: payoutRuns.periodKey },
      member: { id: members.id, name: members.name, locale: members.locale },
      marketLocale: markets.defaultLocale,
    })
    .from(payouts)
    .innerJoin(payoutRuns, eq(payoutRuns.id, payouts.runId))
    .innerJoin(members, eq(members.id, payouts.partnerMemberId))
    .leftJoin(markets, and(eq(markets.programId, payouts.programId), eq(markets.country, members.country)))
    .where(and(eq(payouts.id, payoutId), eq(payouts.programId, program.id)));
  if (!row) throw new NotFoundError('Payout', payoutId);
  const { payout, run, member, marketLocale } = row;
  assertMayRead(ctx.actor, payout.partnerMemberId, payout.id);

  const items = await ctx.db
    .select({ item: payoutItems, commission: commissions, conversion: { id: conversions.id, externalId: conversions.externalId, occurredAt: conversions.occurredAt, amount: conversions.amount, currency: conversions.currency } })
    .from(payoutItems)
    .innerJoin(commissions, eq(commissions.id, payoutItems.commissionId))
    .innerJoin(conversions, eq(conversions.id, commissions.conversionId))
    .where(eq(payoutItems.payoutId, payout.id))
    .orderBy(asc(conversions.occurredAt), asc(commissions.createdAt), asc(commissions.id));

  const rows = await partnerEntries(ctx, payout.partnerMemberId, items.map((i) => i.commission.id), payout.id);
  const byCommission = new Map<string, StatementHistoryEntry[]>();
  const byLeafHash = new Map<string, LogPosition>();
  const payoutHistory: StatementHistoryEntry[] = [];
  for (const r of rows) {
    const body = JSON.parse(r.entry) as Record<string, unknown>;
    const entry = historyEntry(r, body);
    byLeafHash.set(entry.leafHash, { index: entry.index, leafHash: entry.leafHash });
    if (r.type.startsWith('payout.')) {
      payoutHistory.push(entry);
      continue;
    }
    const id = String(body.commissionId);
    byCommission.set(id, [...(byCommission.get(id) ?? []), entry]);
  }
  const paidHashes = items.map((i) => (i.item.paidLeafHash ? b64(i.item.paidLeafHash) : null));
  const elsewhere = await positionsOf(ctx, paidHashes.filter((h): h is string => h !== null && !byLeafHash.has(h)));

  const lines = items.map(({ item, commission, conversion }, n): StatementLine => {
    const paidHash = paidHashes[n];
    return {
      commissionId: commission.id,
      conversionId: conversion.id,
      conversionExternalId: conversion.externalId,
      kind: commission.kind,
      market: commission.country,
      conversionAt: conversion.occurredAt,
      saleAmount: commission.kind === 'signup' ? null : conversion.amount,
      saleCurrency: commission.kind === 'signup' ? null : conversion.currency,
      commissionAmount: commission.amount - commission.reversedAmount,
      commissionCurrency: commission.currency,
      fxRate: normalizeDecimal(commission.fxRate),
      amount: item.amount,
      clawbackOf: commission.clawbackOf,
      // Not in the outbox nor in the log: shown as missing, never as pending.
      paidEntry: paidHash ? (byLeafHash.get(paidHash) ?? elsewhere.get(paidHash) ?? null) : null,
      history: byCommission.get(commission.id) ?? [],
    };
  });

  const paidEntry = payoutHistory.filter((e) => e.type === 'payout.paid').at(-1) ?? null;
  const commissionsTotal = lines.filter((l) => l.amount >= 0).reduce((s, l) => s + l.amount, 0);
  const clawbacksTotal = lines.filter((l) => l.amount < 0).reduce((s, l) => s + l.amount, 0);
  return {
    program: { id: program.id, name: program.name },
    affiliate: { memberId: member.id, name: member.name },
    ...statementLanguage(locale, member.locale, marketLocale, program.defaultLocale),
    payout: {
      id: payout.id,
      runId: run.id,
      runPeriod: run.periodKey,
      currency: payout.currency,
      amount: payout.amount,
      status: payout.status,
      method: payout.method,
      stripeTransferId: payout.stripeTransferId,
      manualReference: payout.manualReference,
      paidAt: payout.paidAt,
      reversedAmount: payout.reversedAmount,
    },
    payoutEntry: paidEntry ? { index: paidEntry.index, leafHash: paidEntry.leafHash } : null,
    payoutHistory,
    lines,
    totals: { commissions: commissionsTotal, clawbacks: clawbacksTotal, total: commissionsTotal + clawbacksTotal },
    generatedAt: ctx.clock(),
  };
}
