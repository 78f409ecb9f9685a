import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/ids.js';
import { affiliateProfiles, commissionPolicyVersions, commissions, conversions, customers, programs, promoCodes } from '../../../db/schema/index.js';
import { loadPolicyBooks, policyInForce } from '../../../src/payouts/policies/in-force.js';
import { processConversion, processConversions } from '../../../src/tracking/conversions/process.js';
import { createPolicy, insertConversion, insertCustomer } from '../commissions/fixtures.js';
import { createLink, createMember, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { affiliateWithLink, clickIdAt, conversionRow, MINUTE, plantClick } from './fixtures.js';

/**
 * Processing in batches (process.ts): many conversions per transaction must decide exactly what
 * processing them one at a time decides, keep each conversion's effects whole, and never let one
 * conversion's trouble hold the others back.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

/** A world with a 10% policy (min 1.00, max 500.00 EUR) for every market and a link of its affiliate. */
async function worldWithPolicy(settings?: Record<string, unknown>) {
  const w = await createWorld(h, { links: {}, settings });
  await createPolicy(h, w.program.id, null, { percentBps: 1000, minAmount: 100, maxAmount: 50_000 });
  const link = await createLink(h, w);
  return { w, link };
}

/** A sale as intake stores it: attributed by a stored click on `link`, for a new customer. */
async function clickedSale(w: World, link: Awaited<ReturnType<typeof createLink>>, attrs: Partial<typeof conversions.$inferInsert> = {}) {
  const click = await plantClick(h, link, { agoMs: 30 * MINUTE, country: 'DE' });
  const customer = await insertCustomer(h, w.program.id);
  return insertConversion(h, w.program.id, { clickId: click.id, customerId: customer.id, customerRef: customer.externalRef, ...attrs });
}

const decisionOf = (row: typeof conversions.$inferSelect) => ({
  attributionMethod: row.attributionMethod,
  partnerMemberId: row.partnerMemberId,
  marketCountry: row.marketCountry,
  fraudReasons: row.fraudReasons,
});

async function commissionOf(conversionId: string) {
  const [row] = await h.db.select().from(commissions).where(eq(commissions.conversionId, conversionId));
  return row;
}

describe('processing conversions in batches', () => {
  it('decides for each conversion of a batch what processing it alone decides', async () => {
    // The same mix twice: one world processed in one batch, the other one conversion at a time.
    const mixes = [];
    for (let n = 0; n < 2; n++) {
      const { w, link } = await worldWithPolicy();
      const other = await affiliateWithLink(h, w, 'FR');
      const rows = [
        await clickedSale(w, link, { amount: 12_345, country: 'US' }),
        await clickedSale(w, other.link, { amount: 500 }),
        await clickedSale(w, link, { amount: 900_000, kind: 'sale' }),
        await insertConversion(h, w.program.id, { kind: 'signup', amount: null, currency: null, clickId: (await plantClick(h, link, { agoMs: 2 * MINUTE })).id }),
        await insertConversion(h, w.program.id, { clickId: clickIdAt(Date.now() - 3 * 86_400_000) }),
      ];
      mixes.push({ w, rows });
    }
    const [batched, single] = mixes as [(typeof mixes)[number], (typeof mixes)[number]];
    const outcomes = await processConversions(h.ctx(), batched.rows.map((r) => r.id));
    expect([...outcomes.values()].map((o) => o.status)).toEqual(['processed', 'processed', 'processed', 'processed', 'processed']);
    for (const row of single.rows) await processConversion(h.ctx(), row.id);

    for (let i = 0; i < batched.rows.length; i++) {
      const a = await conversionRow(h, batched.rows[i]!.id);
      const b = await conversionRow(h, single.rows[i]!.id);
      expect(a.processedAt).not.toBeNull();
      const partnerOf = (mix: typeof batched, id: string | null) => (id === mix.w.affiliate.member.id ? 'affiliate' : id === null ? null : 'other');
      expect({ ...decisionOf(a), partnerMemberId: partnerOf(batched, a.partnerMemberId) }).toEqual({ ...decisionOf(b), partnerMemberId: partnerOf(single, b.partnerMemberId) });
      // The hold counts from each conversion's own completion.
      const commissionTerms = async (row: typeof a) => {
        const c = await commissionOf(row.id);
        const holdMs = c?.holdUntil ? c.holdUntil.getTime() - row.completedAt!.getTime() : null;
        return c && { amount: c.amount, status: c.status, holdReasons: c.holdReasons, payoutAmount: c.payoutAmount, multiplierBps: c.multiplierBps, holdMs };
      };
      expect(await commissionTerms(a)).toEqual(await commissionTerms(b));
    }
    // 10% of 123.45 EUR, the minimum for 5.00 EUR, the maximum for 9,000.00 EUR; a click-id signup earns nothing here.
    expect((await commissionOf(batched.rows[0]!.id))?.amount).toBe(1_235);
    expect((await commissionOf(batched.rows[1]!.id))?.amount).toBe(100);
    expect((await commissionOf(batched.rows[2]!.id))?.amount).toBe(50_000);
    expect(await commissionOf(batched.rows[3]!.id)).toBeUndefined();
    // Processing again changes nothing.
    const again = await processConversions(h.ctx(), batched.rows.map((r) => r.id));
    expect([...again.values()].every((o) => o.status === 'already_processed')).toBe(true);
    expect(await h.db.select().from(commissions).where(inArray(commissions.conversionId, batched.rows.map((r) => r.id)))).toHaveLength(3);
  });

  it('lets the first of a customer’s conversions bind them before the next is decided', async () => {
    const { w, link } = await worldWithPolicy();
    const other = await affiliateWithLink(h, w);
    const customer = await insertCustomer(h, w.program.id);
    const first = await insertConversion(h, w.program.id, { clickId: (await plantClick(h, link)).id, customerId: customer.id });
    const second = await insertConversion(h, w.program.id, { clickId: (await plantClick(h, other.link)).id, customerId: customer.id });
    const outcomes = await processConversions(h.ctx(), [second.id, first.id]);
    expect(outcomes.get(first.id)?.status).toBe('processed');
    expect(outcomes.get(second.id)?.status).toBe('processed');
    const [bound] = await h.db.select().from(customers).where(eq(customers.id, customer.id));
    expect(bound).toMatchObject({ boundPartnerId: w.affiliate.member.id, boundConversionId: first.id });
    // Lifetime recurring: the bound partner keeps the later sale, whatever its click says.
    expect(await conversionRow(h, second.id)).toMatchObject({ attributionMethod: 'customer', partnerMemberId: w.affiliate.member.id });
  });

  it('keeps a bound customer with their partner while that partner may be credited, a promo-code binding too', async () => {
    const { w, link } = await worldWithPolicy();
    const byCode = await affiliateWithLink(h, w);
    await h.db.insert(promoCodes).values({ programId: w.program.id, code: 'BATCH10', partnerMemberId: byCode.member.id });
    const viaCode = await insertCustomer(h, w.program.id);
    const viaLink = await insertCustomer(h, w.program.id);
    const firsts = [
      await insertConversion(h, w.program.id, { promoCode: 'BATCH10', customerId: viaCode.id }),
      await insertConversion(h, w.program.id, { clickId: (await plantClick(h, link, { country: 'FR' })).id, customerId: viaLink.id, country: null }),
    ];
    await processConversions(h.ctx(), firsts.map((c) => c.id));
    const later = async () => {
      const rows = [
        await insertConversion(h, w.program.id, { customerId: viaCode.id, clickId: (await plantClick(h, link)).id }),
        await insertConversion(h, w.program.id, { customerId: viaLink.id, country: null }),
      ];
      await processConversions(h.ctx(), rows.map((c) => c.id));
      return Promise.all(rows.map((c) => conversionRow(h, c.id)));
    };
    const [code, linked] = await later();
    expect(code).toMatchObject({ attributionMethod: 'customer', partnerMemberId: byCode.member.id, linkId: null });
    // The binding's click gives the market when the sale names none.
    expect(linked).toMatchObject({ attributionMethod: 'customer', partnerMemberId: w.affiliate.member.id, linkId: link.id, marketCountry: 'FR' });

    // A banned affiliate's binding credits nobody: this sale's own evidence decides.
    await h.db.update(affiliateProfiles).set({ status: 'banned' }).where(eq(affiliateProfiles.memberId, byCode.member.id));
    const [afterBan] = await later();
    expect(afterBan).toMatchObject({ attributionMethod: 'click_id', partnerMemberId: w.affiliate.member.id, fraudReasons: ['duplicate_customer'] });
  });

  it('links a customer to the member who appeared since, and takes the market from them', async () => {
    const { w } = await worldWithPolicy();
    const customer = await insertCustomer(h, w.program.id);
    const member = await createMember(h, w.program.id, { externalId: customer.externalRef, country: 'AT' });
    const promo = await insertConversion(h, w.program.id, { customerId: customer.id, country: null });
    await processConversions(h.ctx(), [promo.id]);
    const [linked] = await h.db.select().from(customers).where(eq(customers.id, customer.id));
    expect(linked!.memberId).toBe(member.id);
    expect(await conversionRow(h, promo.id)).toMatchObject({ attributionMethod: 'none', marketCountry: 'AT' });
  });

  it('holds back only a conversion whose click may still arrive, and one that fails', async () => {
    const { w, link } = await worldWithPolicy();
    const waiting = await insertConversion(h, w.program.id, { clickId: clickIdAt(Date.now() - 1_000) });
    const ok = await clickedSale(w, link);
    const broken = await clickedSale(w, link, { externalId: `boom-${newId('x')}` });
    // A database that refuses one conversion's decision: the batch fails, then each goes alone.
    await h.db.execute(sql.raw(`create or replace function refuse_boom() returns trigger language plpgsql as $$
      begin if new.external_id like 'boom-%' and new.processed_at is not null then raise exception 'refused %', new.external_id; end if; return new; end $$`));
    await h.db.execute(sql.raw('create trigger refuse_boom before update on conversions for each row execute function refuse_boom()'));
    try {
      const outcomes = await processConversions(h.ctx(), [waiting.id, ok.id, broken.id]);
      expect(outcomes.get(waiting.id)?.status).toBe('retry');
      expect(outcomes.get(ok.id)?.status).toBe('processed');
      expect(outcomes.get(broken.id)).toMatchObject({ status: 'failed', error: expect.objectContaining({ message: expect.stringContaining('refused') }) });
    } finally {
      await h.db.execute(sql.raw('drop trigger refuse_boom on conversions'));
    }
    expect((await conversionRow(h, waiting.id)).processedAt).toBeNull();
    expect((await conversionRow(h, broken.id)).processedAt).toBeNull();
    expect(await commissionOf(broken.id)).toBeUndefined();
    expect(await commissionOf(ok.id)).toMatchObject({ status: 'pending' });
    // Once the click may no longer arrive, the waiting conversion is recorded unattributed.
    const last = await processConversions(h.ctx(), [waiting.id], { waitForClicks: false });
    expect(last.get(waiting.id)?.status).toBe('processed');
    expect(await conversionRow(h, waiting.id)).toMatchObject({ attributionMethod: 'none', partnerMemberId: null });
  });

  it('counts the batch’s earlier conversions on a link for the link velocity rule', async () => {
    const { w, link } = await worldWithPolicy({ fraud: { maxConversionsPerLinkPerHour: 2, maxConversionsPerIpPerHour: null } });
    const at = h.clock().getTime();
    const rows = [];
    for (let i = 0; i < 4; i++) rows.push(await clickedSale(w, link, { occurredAt: new Date(at - (4 - i) * MINUTE), completedAt: new Date(at - (4 - i) * MINUTE) }));
    await processConversions(h.ctx(), rows.map((r) => r.id));
    const reasons = await Promise.all(rows.map(async (r) => (await conversionRow(h, r.id)).fraudReasons));
    expect(reasons).toEqual([[], [], ['velocity_link'], ['velocity_link']]);
  });

  it('sees a new policy version and changed settings in the very next batch', async () => {
    const { w, link } = await worldWithPolicy();
    const before = await clickedSale(w, link, { amount: 10_000 });
    await processConversions(h.ctx(), [before.id]);
    expect((await commissionOf(before.id))?.amount).toBe(1_000);

    // Written straight into the database, as another process would: no message reaches this one.
    const [policy] = await h.db.select({ policyId: commissionPolicyVersions.policyId }).from(commissionPolicyVersions).where(eq(commissionPolicyVersions.programId, w.program.id));
    await h.db.insert(commissionPolicyVersions).values({
      policyId: policy!.policyId,
      programId: w.program.id,
      country: null,
      version: 2,
      effectiveFrom: new Date(h.clock().getTime() - MINUTE),
      mode: 'per_transaction',
      currency: 'EUR',
      percentBps: 2000,
      holdDays: 30,
      attributionWindowDays: 30,
    });
    const after = await clickedSale(w, link, { amount: 10_000 });
    await processConversions(h.ctx(), [after.id]);
    expect((await commissionOf(after.id))?.amount).toBe(2_000);

    await h.db
      .update(programs)
      .set({ settings: sql`jsonb_set(${programs.settings}, '{fraud}', '{"minClickToConversionSeconds": 86400}')` })
      .where(eq(programs.id, w.program.id));
    const injected = await clickedSale(w, link);
    await processConversions(h.ctx(), [injected.id]);
    expect((await conversionRow(h, injected.id)).fraudReasons).toEqual(['click_injection']);
  });

  it('finds in a loaded policy book the version policyInForce finds in the database', async () => {
    const w = await createWorld(h);
    const day = 86_400_000;
    const base = h.clock().getTime() - 100 * day;
    for (const [country, offsets] of [[null, [0, 30, 30, 60]], ['DE', [10, 50]], ['FR', [70, 70]]] as const) {
      for (const [i, offset] of offsets.entries()) {
        await createPolicy(h, w.program.id, country, { version: i + 1, effectiveFrom: new Date(base + offset * day), percentBps: 100 * (i + 1) });
      }
    }
    const book = (await loadPolicyBooks(h.db, [w.program.id])).get(w.program.id)!;
    for (const country of [null, 'DE', 'FR', 'US']) {
      for (let d = -5; d <= 100; d += 5) {
        const at = new Date(base + d * day);
        expect(book.inForce(country, at)?.id ?? null, `${country} day ${d}`).toBe((await policyInForce(h.db, w.program.id, country, at))?.id ?? null);
      }
    }
  });

  it('processes conversions enqueued together, one job or many', async () => {
    const { w, link } = await worldWithPolicy();
    const rows = await Promise.all(Array.from({ length: 6 }, () => clickedSale(w, link)));
    await Promise.all(rows.slice(0, 4).map((r) => h.jobs.enqueue('conversions.process', { conversionId: r.id }, { jobId: r.id })));
    await h.jobs.enqueue('conversions.process', { conversionIds: [rows[4]!.id, rows[5]!.id, newId('cnv')] });
    await h.jobs.idle();
    for (const r of rows) expect(await commissionOf(r.id)).toMatchObject({ status: 'pending', partnerMemberId: w.affiliate.member.id });
  });
});
