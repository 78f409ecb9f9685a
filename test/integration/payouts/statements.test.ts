import { parse } from 'csv-parse/sync';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.js';
import type { Db } from '../../../db/client.js';
import { logEntries, logOutbox, markets, members, payoutItems, payouts, programs } from '../../../db/schema/index.js';
import { appendLogEntries } from '../../../src/transparency/entries/append.js';
import { commissionEntry } from '../../../src/transparency/entries/commission.js';
import { payoutEntry } from '../../../src/transparency/entries/payout.js';
import { guardCell, STATEMENT_CSV_COLUMNS } from '../../../src/payouts/statements/csv.js';
import { decimalOf, formatMoney } from '../../../src/payouts/statements/format.js';
import { sequenceLog } from '../../../src/transparency/log/sequencer.js';
import { createAffiliate, createUser, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { buildPaidPayout, type PaidPayout } from './statement-fixtures.js';

/**
 * Payout statements: every line of a paid payout with its status history, each change carrying the
 * index the sequencer gave its log entry, in HTML (affiliate's locale) and CSV (formula-guarded).
 */

let h: Harness;
beforeAll(async () => {
  // The sequencer runs only when a test calls it, so entries can be left pending on purpose.
  h = await createHarness({ env: { TRANSPARENCY_SEQUENCE_INTERVAL_MS: '86400000' } });
  await h.jobs.idle();
});
afterAll(async () => h?.close());

const HOSTILE_PROGRAM = '<script>alert("p")</script> & Partners';
const HOSTILE_AFFILIATE = `=cmd|' /C calc'!A0 <img src=x onerror=alert(1)>`;
const HOSTILE_ORDER = '=HYPERLINK("https://evil.example","click")';

const statementUrl = (p: PaidPayout, format?: 'html' | 'csv') => `/v1/programs/${p.payout.programId}/payouts/${p.payout.id}/statement${format ? `?format=${format}` : ''}`;
/** Intl separates the amount from the sign with a no-break space; tests write plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

/** The log entries (sequenced) of a commission, in log order, as the statement must show them. */
async function sequencedEntriesOf(memberId: string, commissionId: string) {
  return await queryRows<{ idx: string | number; type: string }>(
    h.db,
    sql`select idx, type from log_entries where partner_member_id = ${memberId} and type like 'commission.%' and (entry::jsonb ->> 'commissionId') = ${commissionId} order by idx`,
  );
}

/** The table row of a commission in the HTML (rows are one line each). */
function rowOf(html: string, commissionId: string): string {
  const row = html.split('<tr>').find((r) => r.includes(`>${commissionId}</th>`));
  expect(row, commissionId).toBeDefined();
  return row!.split('</tr>')[0]!;
}

/**
 * Labels follow the affiliate's market's default language unless the reader chooses one: these
 * worlds' DE market is run in English, so the labels are English and the amounts the affiliate's own.
 */
async function englishWorld(): Promise<World> {
  const w = await createWorld(h);
  await h.db.update(markets).set({ defaultLocale: 'en' }).where(eq(markets.programId, w.program.id));
  return w;
}

async function hostileWorld(): Promise<World> {
  const w = await englishWorld();
  await h.db.update(programs).set({ name: HOSTILE_PROGRAM }).where(eq(programs.id, w.program.id));
  await h.db.update(members).set({ name: HOSTILE_AFFILIATE, locale: 'de-DE' }).where(eq(members.id, w.affiliate.member.id));
  return w;
}

describe('payout statement', () => {
  let w: World;
  let p: PaidPayout;
  beforeAll(async () => {
    w = await hostileWorld();
    p = await buildPaidPayout(h, w, { firstExternalId: HOSTILE_ORDER });
  });

  it('HTML: every line with its status history and log indexes, totals, de-DE formatting, escaped names', async () => {
    const res = await h.request('GET', statementUrl(p), { token: w.affiliate.token });
    expect(res.status, String(res.body)).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="trellis-statement-${p.payout.id}.html"`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html: string = res.body;

    // A standalone, accessible page.
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<caption>Commissions settled by this payout (4 lines)</caption>');
    expect(html.match(/<th scope="col">/g)).toHaveLength(11);
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;p&quot;)&lt;/script&gt; &amp; Partners');
    expect(html).toContain('=cmd|&#39; /C calc&#39;!A0 &lt;img src=x onerror=alert(1)&gt;');

    // Lines in conversion order (the clawback's conversion is the earliest).
    const positions = p.lines.map((l) => html.indexOf(`>${l.commission.id}</th>`));
    expect(positions.every((x) => x > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    // The affiliate's locale: de-DE amounts, in the payout currency and in the sale's.
    const text = plain(html);
    const [clawback, de, us, signup] = p.lines.map((l) => plain(rowOf(html, l.commission.id)));
    expect(de).toContain('12.345,67 €'); // sale
    expect(de).toContain('1.234,56 €'); // commission and amount paid
    expect(us).toContain('500,00 $'); // the USD sale, de-DE style
    expect(us).toContain('40,00 $'); // commission net of the refund before payment
    expect(us).toContain('0,92'); // FX rate
    expect(us).toContain('36,80 €');
    expect(signup).toContain('10,00 €');
    expect(clawback).toContain('-0,50 €');
    expect(clawback).toContain('Clawback');
    expect(text).toContain('Total</th><td class="num">1.280,86 €</td>');
    expect(p.total).toBe(128_086);
    expect(p.payout.amount).toBe(p.total);
    expect(html).not.toContain('role="alert"');
    expect(text).toContain('BANK-REF-a');

    // Status history: every log entry of each commission, with the index log_entries gave it.
    for (const l of p.lines) {
      const row = rowOf(html, l.commission.id);
      const entries = await sequencedEntriesOf(w.affiliate.member.id, l.commission.id);
      expect(entries.length).toBeGreaterThanOrEqual(2);
      for (const e of entries) expect(row).toContain(`>log index ${e.idx}</a>`);
      expect(row.match(/<li>/g)).toHaveLength(entries.length);
      expect(row).not.toContain('pending (not yet in the log)');
      // The paid entry, found through the item's leaf hash.
      const [item] = await h.db.select().from(payoutItems).where(and(eq(payoutItems.payoutId, p.payout.id), eq(payoutItems.commissionId, l.commission.id)));
      const [paid] = await h.db.select({ idx: logEntries.idx, type: logEntries.type }).from(logEntries).where(eq(logEntries.leafHash, item!.paidLeafHash!));
      expect(paid!.type).toBe('commission.paid');
      expect(row).toContain(`<td><a href="${h.config.PUBLIC_URL}/v1/log/proofs/inclusion?index=${paid!.idx}">log index ${paid!.idx}</a></td>`);
    }
    const us2 = rowOf(html, p.lines[2]!.commission.id);
    expect(us2).toMatch(/Created · .*Reversed · .*refund.*Approved · .*hold period over.*Paid · .*payout paid/);

    // The payout's own entry in the header, and the footer telling how to check a line.
    const [payoutPaid] = await queryRows<{ idx: number | string }>(
      h.db,
      sql`select idx from log_entries where type = 'payout.paid' and (entry::jsonb ->> 'payoutId') = ${p.payout.id}`,
    );
    expect(html).toContain(`<dt>Log entry of this payout</dt><dd><a href="${h.config.PUBLIC_URL}/v1/log/proofs/inclusion?index=${payoutPaid!.idx}">log index ${payoutPaid!.idx}</a></dd>`);
    expect(html).toContain(`origin (the first line of its checkpoints) is ${h.config.TRANSPARENCY_ORIGIN}`);
    expect(html).toContain(`<code>${h.config.PUBLIC_URL}/log/checkpoint</code>`);
    expect(html).toContain(`<code>${h.config.PUBLIC_URL}/v1/log/proofs/inclusion?index=N</code>`);
    expect(html).toContain(`npx trellis-verify ${h.config.PUBLIC_URL}/log`);
  });

  it('CSV: one row per line, amounts as plain numbers, log indexes, formula-guarded text', async () => {
    const res = await h.request('GET', statementUrl(p, 'csv'), { token: w.admin.token });
    expect(res.status, String(res.body)).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="trellis-statement-${p.payout.id}.csv"`);
    const rows: Record<string, string>[] = parse(res.body, { columns: true });
    expect(Object.keys(rows[0]!)).toEqual([...STATEMENT_CSV_COLUMNS]);
    expect(rows.map((r) => r.commission_id)).toEqual(p.lines.map((l) => l.commission.id));
    expect(rows.map((r) => r.amount)).toEqual(['-0.50', '1234.56', '36.80', '10.00']);
    expect(rows.map((r) => r.kind)).toEqual(['clawback', 'sale', 'sale', 'signup']);
    expect(rows.map((r) => r.sale_amount)).toEqual(['20.00', '12345.67', '500.00', '']);
    expect(rows.map((r) => r.commission_amount)).toEqual(['-0.50', '1234.56', '40.00', '10.00']);
    expect(rows.map((r) => r.fx_rate)).toEqual(['1', '1', '0.92', '1']);
    const cents = rows.reduce((s, r) => s + Math.round(Number(r.amount) * 100), 0);
    expect(cents).toBe(p.payout.amount);

    // Formula guard: text a spreadsheet would run gets a leading quote; numbers stay numbers.
    expect(rows[1]!.conversion_external_id).toBe(`'${HOSTILE_ORDER}`);
    expect(rows[0]!.affiliate).toBe(`'${HOSTILE_AFFILIATE}`);
    expect(rows[0]!.program).toBe(HOSTILE_PROGRAM);
    expect(res.body).toContain(',-0.50,');

    for (const [i, r] of rows.entries()) {
      const l = p.lines[i]!;
      const entries = await sequencedEntriesOf(w.affiliate.member.id, l.commission.id);
      const paid = entries.find((e) => e.type === 'commission.paid')!;
      expect(r.paid_log_index).toBe(String(paid.idx));
      expect(r.status_history!.split('; ')).toHaveLength(entries.length);
      for (const e of entries) expect(r.status_history).toContain(`${e.type} #${e.idx} `);
      expect(r.payout_log_index).toMatch(/^\d+$/);
      expect(r.conversion_at).toBe(l.conversion.occurredAt.toISOString());
    }
  });

  it('guards exactly the cells that start like a formula', () => {
    expect(guardCell('-500')).toBe('-500');
    expect(guardCell(-500)).toBe('-500');
    expect(guardCell('12.50')).toBe('12.50');
    for (const bad of ['=1+2', '+1', '-1+2', '@SUM(A1)', '\tx', '\rx', '-', '=']) expect(guardCell(bad)).toBe(`'${bad}`);
    expect(guardCell('order-1')).toBe('order-1');
    expect(guardCell(null)).toBe('');
  });

  it('turns minor units into exact decimals and locale amounts', () => {
    const cases: [number, string, string, string][] = [
      [123_456, 'EUR', '1234.56', '1.234,56 €'],
      [-50, 'EUR', '-0.50', '-0,50 €'],
      [5, 'EUR', '0.05', '0,05 €'],
      [-500, 'JPY', '-500', '-500 ¥'],
      [1_234_567, 'BHD', '1234.567', '1.234,567 BHD'],
      [9_007_199_254_740_991, 'EUR', '90071992547409.91', '90.071.992.547.409,91 €'],
    ];
    for (const [minor, currency, decimal, de] of cases) {
      expect(decimalOf(minor, currency)).toBe(decimal);
      expect(plain(formatMoney(minor, currency, 'de-DE'))).toBe(de);
    }
  });

  it('only admins of the program and the paid affiliate may read it', async () => {
    const other = await createAffiliate(h, w.program.id, { name: 'Other Affiliate' });
    const otherUser = await createUser(h, { tenantId: w.tenant.id, role: 'affiliate', memberId: other.id, programId: w.program.id });
    const stranger = await createWorld(h);

    expect((await h.request('GET', statementUrl(p, 'csv'), { token: otherUser.token })).status).toBe(404);
    expect((await h.request('GET', statementUrl(p), { token: stranger.admin.token })).status).toBe(404);
    expect((await h.request('GET', statementUrl(p), { token: stranger.affiliate.token })).status).toBe(404);
    for (const token of [w.manager.token, w.member.token, w.apiKey]) {
      const res = await h.request('GET', statementUrl(p), { token });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBeTruthy();
    }
    expect((await h.request('GET', statementUrl(p))).status).toBe(401);
    expect((await h.request('GET', statementUrl(p), { token: w.admin.token })).status).toBe(200);

    const missing = await h.request('GET', `/v1/programs/${w.program.id}/payouts/pay_doesNotExist/statement`, { token: w.admin.token });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const bad = await h.request('GET', `${statementUrl(p)}?format=pdf`, { token: w.admin.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['query.format']);
  });
});

describe('a payout whose entries the sequencer has not placed yet', () => {
  it('shows every change, the paid entry and the payout entry as pending; locale falls back to the program', async () => {
    const w = await createWorld(h);
    // No market of the program for the affiliate's country: the program's language applies.
    await h.db.update(members).set({ country: 'FR' }).where(eq(members.id, w.affiliate.member.id));
    await h.db.update(programs).set({ defaultLocale: 'en-US' }).where(eq(programs.id, w.program.id));
    const p = await buildPaidPayout(h, w, { sequence: false });
    const waiting = await h.db.select({ id: logOutbox.id }).from(logOutbox).where(eq(logOutbox.partnerMemberId, w.affiliate.member.id)).orderBy(asc(logOutbox.id));
    // 3 created, 1 reversed, 3 approved, 1 clawback, 4 paid, 1 payout.paid.
    expect(waiting).toHaveLength(13);

    const html: string = (await h.request('GET', statementUrl(p), { token: w.affiliate.token })).body;
    for (const l of p.lines) {
      const row = rowOf(html, l.commission.id);
      expect(row).not.toContain('log index');
      expect(row.match(/pending \(not yet in the log\)/g)!.length).toBe((row.match(/<li>/g)?.length ?? 0) + 1);
    }
    expect(html).toContain('<dt>Log entry of this payout</dt><dd><span title=');
    expect(plain(html)).toContain('Total</th><td class="num">€1,280.86</td>');
    expect(plain(html)).toContain('€1,234.56');

    const csv: Record<string, string>[] = parse((await h.request('GET', statementUrl(p, 'csv'), { token: w.affiliate.token })).body, { columns: true });
    expect(csv.map((r) => r.paid_log_index)).toEqual(['pending', 'pending', 'pending', 'pending']);
    expect(csv.every((r) => r.payout_log_index === 'pending' && r.status_history!.includes('commission.paid #pending'))).toBe(true);

    // Once sequenced, the same statement names the indexes.
    await sequenceLog({ db: h.db, clock: h.clock, keys: h.log });
    const after: Record<string, string>[] = parse((await h.request('GET', statementUrl(p, 'csv'), { token: w.affiliate.token })).body, { columns: true });
    expect(after.every((r) => /^\d+$/.test(r.paid_log_index!) && /^\d+$/.test(r.payout_log_index!) && !r.status_history!.includes('#pending'))).toBe(true);
  });
});

describe('a payout Stripe reversed after it was paid', () => {
  it('keeps its lines and shows the reversal entries of the payout and of each commission with their indexes', async () => {
    const w = await englishWorld();
    const p = await buildPaidPayout(h, w);
    const at = new Date(p.paidAt.getTime() + 86_400_000);
    await h.db.transaction(async (raw) => {
      const tx = raw as unknown as Db;
      const [payout] = await tx.update(payouts).set({ status: 'reversed', reversedAmount: p.payout.amount, reversedAt: at }).where(eq(payouts.id, p.payout.id)).returning();
      await appendLogEntries({ db: tx, clock: h.clock }, [
        ...p.lines.map((l) => commissionEntry('unpaid', { ...l.commission, status: 'approved' }, at, 'payout_reversed', w.tenant.id, { payoutId: p.payout.id })),
        payoutEntry(payout!, { type: 'payout.reversed', reversedAmount: p.payout.amount, full: true }, at, w.tenant.id),
      ]);
    });
    await sequenceLog({ db: h.db, clock: h.clock, keys: h.log });

    const html = plain((await h.request('GET', statementUrl(p), { token: w.admin.token })).body as string);
    const [reversal] = await queryRows<{ idx: number | string }>(
      h.db,
      sql`select idx from log_entries where type = 'payout.reversed' and (entry::jsonb ->> 'payoutId') = ${p.payout.id}`,
    );
    expect(html).toContain('<dt>Status</dt><dd>Reversed</dd>');
    expect(html).toContain('<dt>Reversed by Stripe</dt><dd>€1,280.86</dd>');
    expect(html).toMatch(new RegExp(`<dt>Later log entries of this payout</dt><dd><ol class="history"><li>Reversed · .*log index ${reversal!.idx}</a></li></ol></dd>`));
    for (const l of p.lines) {
      const row = rowOf(html, l.commission.id);
      const entries = await sequencedEntriesOf(w.affiliate.member.id, l.commission.id);
      expect(entries.at(-1)!.type).toBe('commission.unpaid');
      expect(row).toMatch(new RegExp(`Payout reversed · .* payout reversed · <a [^>]+>log index ${entries.at(-1)!.idx}</a></li></ol>`));
    }
    expect(html).toContain('Total</th><td class="num">€1,280.86</td>');
  });
});


describe('the statement’s language', () => {
  it('is the affiliate’s market’s default unless the reader asks for another', async () => {
    // The world's affiliate is in DE, whose market speaks German.
    const w = await createWorld(h);
    const p = await buildPaidPayout(h, w);
    const german = plain((await h.request('GET', statementUrl(p), { token: w.affiliate.token })).body as string);
    expect(german).toMatch(/^<!doctype html>\n<html lang="de">/);
    expect(german).toContain('1.234,56 €');
    const english = await h.request('GET', statementUrl(p), { token: w.affiliate.token, headers: { 'accept-language': 'en' } });
    expect(english.body as string).toMatch(/^<!doctype html>\n<html lang="en">/);
  });
});
