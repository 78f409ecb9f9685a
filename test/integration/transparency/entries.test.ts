import { createHash, createHmac } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.js';
import { commissions } from '../../../db/schema/index.js';
import { withTransaction } from '../../../src/context.js';
import { createCommissionForConversion } from '../../../src/payouts/commissions/effects.js';
import { approveDueCommissions } from '../../../src/payouts/commissions/lifecycle.js';
import { setCommissionPolicy } from '../../../src/payouts/policies/service.js';
import { leafHash } from '../../../src/transparency/merkle.js';
import { verifyReceipt } from '../../../src/transparency/log/receipts.js';
import { parseLogEntry } from '../../../src/transparency/entries/schemas.js';
import { createLink, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { attributionTo, createPolicy, DAY_MS, insertConversion, markProcessed } from '../commissions/fixtures.js';
import { merchant, plantClick, sale, signup, track } from '../conversions/fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

interface Logged {
  outboxId: number;
  type: string;
  partnerMemberId: string | null;
  text: string;
  entry: Record<string, any>;
}

/**
 * Every entry of a program (or of no program), in outbox order: still in the outbox or already
 * sequenced (the sequencer runs every second in the tests too).
 */
async function loggedOf(programId: string | null): Promise<Logged[]> {
  const rows = await queryRows<{ outbox_id: number; type: string; partner_member_id: string | null; entry: string }>(
    h.db,
    sql`select * from (
          select id as outbox_id, type, partner_member_id, entry, program_id from log_outbox
          union all select outbox_id, type, partner_member_id, entry, program_id from log_entries) x
        where ${programId === null ? sql`program_id is null` : sql`program_id = ${programId}`}
        order by outbox_id`,
  );
  return rows.map((r) => ({ outboxId: Number(r.outbox_id), type: r.type, partnerMemberId: r.partner_member_id, text: r.entry, entry: parseLogEntry(r.entry) as Record<string, any> }));
}

/** The entries a step adds, besides statistics. */
async function addedBy(programId: string | null, step: () => Promise<unknown>): Promise<Logged[]> {
  const before = new Set((await loggedOf(programId)).map((e) => e.outboxId));
  await step();
  return (await loggedOf(programId)).filter((e) => !before.has(e.outboxId) && !e.type.startsWith('stats.'));
}

const types = (entries: Logged[]) => entries.map((e) => e.type);

/** DE pays 10% of completed sales, held 14 days. */
const tenPercentInDE = (w: World) => createPolicy(h, w.program.id, 'DE', { percentBps: 1000, holdDays: 14 });

async function attributedSale(w: World, body: Record<string, unknown> = {}) {
  const link = await createLink(h, w);
  const click = await plantClick(h, link, { country: 'DE' });
  const res = await track(h, w, sale({ clickId: click.id, ...body }));
  expect(res.status).toBe(202);
  await h.jobs.idle();
  return res.body as { id: string; externalId: string; receipt: string };
}

describe('conversion entries', () => {
  it('logs the accepted conversion with its receipt, its decision and its commission; a replay logs nothing and answers the same receipt', async () => {
    const w = await createWorld(h, { links: {} });
    await tenPercentInDE(w);
    const link = await createLink(h, w);
    const click = await plantClick(h, link, { country: 'DE' });
    const body = sale({ clickId: click.id, amount: 20_000, customer: { externalId: 'cust-ada-7', email: 'Ada@Example.com' } });

    let res: Awaited<ReturnType<typeof track>> | undefined;
    const added = await addedBy(w.program.id, async () => {
      res = await track(h, w, body);
      await h.jobs.idle();
    });
    expect(res!.status).toBe(202);
    expect(types(added)).toEqual(['conversion.accepted', 'conversion.decided', 'commission.created']);
    const [entry, decided, created] = added;
    expect(entry!.partnerMemberId).toBeNull();
    expect(entry!.entry).toMatchObject({ type: 'conversion.accepted', v: 1, conversionId: res!.body.id, programId: w.program.id, kind: 'sale', amount: 20_000, currency: 'EUR', completed: true });
    expect(entry!.entry.recordedAt).toBe(res!.body.createdAt);

    // The receipt names exactly this entry, signed by the log's key.
    const claims = verifyReceipt(res!.body.receipt, await h.log.publicJwks());
    expect(claims).not.toBeNull();
    expect(Buffer.from(claims!.leafHash).equals(Buffer.from(leafHash(new TextEncoder().encode(entry!.text))))).toBe(true);
    expect(claims!.recordedAt.toISOString()).toBe(res!.body.createdAt);

    const replayed = await addedBy(w.program.id, async () => {
      const again = await track(h, w, body);
      expect(again.status).toBe(202);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.receipt).toBe(res!.body.receipt);
      await h.jobs.idle();
    });
    expect(replayed).toEqual([]);

    expect(decided!.partnerMemberId).toBe(w.affiliate.member.id);
    expect(decided!.entry).toMatchObject({ conversionId: res!.body.id, partnerMemberId: w.affiliate.member.id, method: 'click_id', market: 'DE', fraudReasons: [] });
    expect(created!.entry).toMatchObject({
      type: 'commission.created',
      conversionId: res!.body.id,
      partnerMemberId: w.affiliate.member.id,
      status: 'pending',
      amount: 2_000,
      currency: 'EUR',
      payoutAmount: 2_000,
      payoutCurrency: 'EUR',
      fxRate: '1',
      reason: 'conversion_processed',
    });
    const [commission] = await h.db.select().from(commissions).where(eq(commissions.conversionId, res!.body.id));
    expect(created!.entry).toMatchObject({ commissionId: commission!.id, policyVersionId: commission!.policyVersionId });

    // References are hashed under the right salts: the affiliate's for the customer, the program's for the order.
    const salt = await h.request('GET', `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}/log-salt`, { token: w.tokens.affiliate });
    expect(salt.status).toBe(200);
    const hmac = (key: string, value: string) => createHmac('sha256', Buffer.from(key, 'hex')).update(value).digest('hex');
    expect(decided!.entry.customerRefHash).toBe(hmac(salt.body.salt, 'cust-ada-7'));
    // The email as conversions store it (keyed with the tenant's secret) under the salt: the
    // affiliate can tell entries of one customer apart, not test a list of addresses against them.
    const [stored] = await queryRows<{ email_hmac: string }>(h.db, sql`select email_hmac from conversions where id = ${res!.body.id}`);
    expect(decided!.entry.customerEmailHash).toBe(hmac(salt.body.salt, stored!.email_hmac));
    expect(decided!.entry.customerEmailHash).not.toBe(hmac(salt.body.salt, createHash('sha256').update('ada@example.com').digest('hex')));
    expect(entry!.entry.externalIdHash).not.toBe(hmac(salt.body.salt, body.externalId));

    // Nothing personal in clear: not the email, its plain hash, the customer's reference or the order id.
    const everything = (await loggedOf(w.program.id)).map((e) => e.text).join('\n');
    for (const secret of ['ada@example.com', 'Ada@Example.com', createHash('sha256').update('ada@example.com').digest('hex'), 'cust-ada-7', body.externalId]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('logs a conversion that takes the transactional path (a customer named both ways) once, with its receipt', async () => {
    const w = await createWorld(h);
    await track(h, w, signup({ customer: { email: 'grace@example.com' } }));
    await h.jobs.idle();
    let res: Awaited<ReturnType<typeof track>> | undefined;
    const added = await addedBy(w.program.id, async () => {
      res = await track(h, w, sale({ customer: { externalId: 'grace-ref', email: 'grace@example.com' } }));
      const again = await track(h, w, sale({ externalId: res.body.externalId, customer: { externalId: 'grace-ref', email: 'grace@example.com' } }));
      expect(again.body.receipt).toBe(res.body.receipt);
    });
    const accepted = added.filter((e) => e.type === 'conversion.accepted');
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.entry.conversionId).toBe(res!.body.id);
    const claims = verifyReceipt(res!.body.receipt, await h.log.publicJwks());
    expect(Buffer.from(claims!.leafHash).equals(Buffer.from(leafHash(new TextEncoder().encode(accepted[0]!.text))))).toBe(true);
  });

  it('logs an unattributed conversion under the program’s salt, and no commission', async () => {
    const w = await createWorld(h);
    const res = await track(h, w, signup({ customer: { externalId: 'who-knows' } }));
    const added = await addedBy(w.program.id, () => h.jobs.idle());
    expect(types(added)).toEqual(['conversion.decided']);
    expect(added[0]!.entry).toMatchObject({ conversionId: res.body.id, partnerMemberId: null, method: 'none' });
    expect(added[0]!.entry.customerRefHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes the entries of a processing batch together, one decision per conversion', async () => {
    const w = await createWorld(h, { links: {} });
    await tenPercentInDE(w);
    const link = await createLink(h, w);
    const clicks = await Promise.all([1, 2, 3].map(() => plantClick(h, link, { country: 'DE' })));
    const added = await addedBy(w.program.id, async () => {
      await Promise.all(clicks.map((c) => track(h, w, sale({ clickId: c.id }))));
      await h.jobs.idle();
    });
    expect(types(added).filter((t) => t === 'conversion.accepted')).toHaveLength(3);
    expect(types(added).filter((t) => t === 'conversion.decided')).toHaveLength(3);
    expect(types(added).filter((t) => t === 'commission.created')).toHaveLength(3);
  });
});

describe('commission entries', () => {
  it('logs partial and full reversals by refunds, and nothing for a replayed refund or a completion', async () => {
    const w = await createWorld(h, { links: {} });
    await tenPercentInDE(w);
    const conversion = await attributedSale(w, { amount: 10_000, completed: false });

    expect(await addedBy(w.program.id, () => merchant(h, w, conversion.id, 'complete'))).toEqual([]);
    const partial = await addedBy(w.program.id, async () => {
      expect((await merchant(h, w, conversion.id, 'refunds', { refundId: 'r-1', amount: 2_500 })).status).toBe(201);
    });
    expect(types(partial)).toEqual(['commission.reversed']);
    expect(partial[0]!.entry).toMatchObject({ status: 'pending', amount: 1_000, reversedAmount: 250, reversedNow: 250, payoutReversedNow: 250, reason: 'refund' });

    expect(await addedBy(w.program.id, () => merchant(h, w, conversion.id, 'refunds', { refundId: 'r-1', amount: 2_500 }))).toEqual([]);

    const rest = await addedBy(w.program.id, () => merchant(h, w, conversion.id, 'refunds', { refundId: 'r-2', amount: 7_500 }));
    expect(types(rest)).toEqual(['commission.reversed']);
    expect(rest[0]!.entry).toMatchObject({ status: 'reversed', reversedAmount: 1_000, reversedNow: 750 });
  });

  it('logs a cancellation, and a clawback once paid', async () => {
    const w = await createWorld(h, { links: {} });
    await tenPercentInDE(w);
    const first = await attributedSale(w);
    const cancelled = await addedBy(w.program.id, () => merchant(h, w, first.id, 'cancel', { reason: 'customer changed their mind' }));
    expect(types(cancelled)).toEqual(['commission.reversed']);
    expect(cancelled[0]!.entry).toMatchObject({ status: 'reversed', reason: 'cancel', reversedNow: 1_000 });
    expect(cancelled[0]!.text).not.toContain('changed their mind');

    const second = await attributedSale(w);
    await h.db.update(commissions).set({ status: 'paid', paidAt: h.clock() }).where(eq(commissions.conversionId, second.id));
    const clawed = await addedBy(w.program.id, () => merchant(h, w, second.id, 'refunds', { refundId: 'r-paid', amount: 5_000 }));
    expect(types(clawed)).toEqual(['commission.clawback']);
    expect(clawed[0]!.entry).toMatchObject({ kind: 'clawback', status: 'approved', amount: -500, reason: 'refund' });
    expect(await addedBy(w.program.id, () => merchant(h, w, second.id, 'refunds', { refundId: 'r-paid', amount: 5_000 }))).toEqual([]);
  });

  it('logs managers’ decisions with a reason code (not their words), and the approvals of the due job', async () => {
    const w = await createWorld(h);
    await createPolicy(h, w.program.id, 'DE', { percentBps: 1000, holdDays: 30 });
    const held = async (daysAgo: number) => {
      const attribution = attributionTo(w.affiliate.member.id, { marketCountry: 'DE' });
      const conversion = await markProcessed(h, await insertConversion(h, w.program.id, { occurredAt: new Date(h.clock().getTime() - daysAgo * DAY_MS) }), attribution);
      return (await withTransaction(h.ctx(), (tx) => createCommissionForConversion(tx, conversion, attribution, ['velocity_ip'])))!;
    };
    const old = await held(40);
    const fresh = await held(0);
    const bad = await held(0);

    const approved = await addedBy(w.program.id, () => h.request('POST', `/v1/commissions/${old.id}/approve`, { token: w.tokens.admin, body: { reason: 'Known office IP' } }));
    expect(types(approved)).toEqual(['commission.approved']);
    expect(approved[0]!.entry).toMatchObject({ commissionId: old.id, status: 'approved', reason: 'manager_approved', holdReasons: ['velocity_ip'] });
    expect(approved[0]!.text).not.toContain('Known office IP');

    const released = await addedBy(w.program.id, () => h.request('POST', `/v1/commissions/${fresh.id}/approve`, { token: w.tokens.admin, body: { reason: 'ok' } }));
    expect(types(released)).toEqual(['commission.released']);
    expect(released[0]!.entry).toMatchObject({ status: 'pending', reason: 'manager_approved' });
    // The same decision again is a replay: nothing new.
    expect(await addedBy(w.program.id, () => h.request('POST', `/v1/commissions/${fresh.id}/approve`, { token: w.tokens.admin, body: { reason: 'ok' } }))).toEqual([]);

    const rejected = await addedBy(w.program.id, () => h.request('POST', `/v1/commissions/${bad.id}/reject`, { token: w.tokens.admin, body: { reason: 'fraud' } }));
    expect(types(rejected)).toEqual(['commission.rejected']);
    expect(rejected[0]!.entry).toMatchObject({ status: 'rejected', reason: 'manager_rejected' });

    h.clock.advance(31 * DAY_MS);
    try {
      const due = await addedBy(w.program.id, () => approveDueCommissions({ db: h.db, clock: h.clock }));
      expect(due.map((e) => [e.type, e.entry.commissionId, e.entry.reason])).toEqual([['commission.approved', fresh.id, 'hold_period_over']]);
    } finally {
      h.clock.advance(-31 * DAY_MS);
    }
  });
});

describe('policy and key entries', () => {
  it('logs a saved policy version with the role of who saved it, once', async () => {
    const w = await createWorld(h);
    const terms = { mode: 'per_transaction', percentBps: 1200, holdDays: 10, note: 'mail ada@example.com for questions' };
    const added = await addedBy(w.program.id, async () => {
      expect((await h.request('PUT', `/v1/programs/${w.program.id}/commission-policies/DE`, { token: w.tokens.regional_manager, body: terms })).status).toBe(201);
    });
    expect(types(added)).toEqual(['policy.version']);
    expect(added[0]!.entry).toMatchObject({ market: 'DE', version: 1, mode: 'per_transaction', percentBps: 1200, holdDays: 10, savedByRole: 'regional_manager' });
    expect(added[0]!.text).not.toContain('@');
    expect(added[0]!.text).not.toContain(w.manager.user.id);
    // The same terms again change nothing.
    expect(await addedBy(w.program.id, () => h.request('PUT', `/v1/programs/${w.program.id}/commission-policies/DE`, { token: w.tokens.regional_manager, body: terms }))).toEqual([]);
  });

  it('logs an access-token key rotation', async () => {
    const w = await createWorld(h);
    let kid = '';
    const added = await addedBy(null, async () => {
      const res = await h.request('POST', '/v1/auth/keys/rotate', { token: w.tokens.admin });
      expect(res.status).toBe(200);
      kid = res.body.kid;
    });
    const rotations = added.filter((e) => e.type === 'auth.key_rotated');
    expect(rotations).toHaveLength(1);
    expect(rotations[0]!.entry).toMatchObject({ newKeyId: kid, algorithm: 'EdDSA' });
    expect(rotations[0]!.entry.oldKeyIds).toHaveLength(1);
  });
});

describe('rolled back changes', () => {
  it('write no entries', async () => {
    const w = await createWorld(h);
    const added = await addedBy(w.program.id, async () => {
      await expect(
        withTransaction(h.ctx(), async (tx) => {
          await setCommissionPolicy(tx, w.program.id, 'DE', { mode: 'per_transaction', percentBps: 900 });
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
    });
    expect(added).toEqual([]);
    // A refund refused half-way (more than the sale) leaves nothing either.
    await tenPercentInDE(w);
    const conversion = await insertConversion(h, w.program.id);
    expect(await addedBy(w.program.id, () => merchant(h, w, conversion.id, 'refunds', { refundId: 'too-much', amount: 1_000_000 }))).toEqual([]);
  });
});

describe('an affiliate’s receipts', () => {
  it('lists their own entries newest first, with receipts and, once sequenced, indexes; others are not found', async () => {
    const w = await createWorld(h, { links: {} });
    await tenPercentInDE(w);
    const first = await attributedSale(w);
    await attributedSale(w);
    const path = `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}/receipts`;

    const page1 = await h.request('GET', `${path}?limit=3`, { token: w.tokens.affiliate });
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((e: { type: string }) => e.type)).toEqual(['commission.created', 'conversion.decided', 'commission.created']);
    expect(page1.body.nextCursor).not.toBeNull();
    const page2 = await h.request('GET', `${path}?limit=3&cursor=${page1.body.nextCursor}`, { token: w.tokens.affiliate });
    expect(page2.body.data.map((e: { type: string }) => e.type)).toEqual(['conversion.decided']);
    expect(page2.body.nextCursor).toBeNull();
    const oldest = page2.body.data[0];
    expect(JSON.parse(oldest.entry)).toMatchObject({ conversionId: first.id, partnerMemberId: w.affiliate.member.id });

    const jwks = await h.log.publicJwks();
    for (const item of [...page1.body.data, ...page2.body.data]) {
      expect(Buffer.from(leafHash(new TextEncoder().encode(item.entry))).toString('base64')).toBe(item.leafHash);
      const claims = verifyReceipt(item.receipt, jwks);
      expect(claims && Buffer.from(claims.leafHash).toString('base64')).toBe(item.leafHash);
      expect(item.index === null || Number.isInteger(item.index)).toBe(true);
    }
    // Staff in scope read them too; another affiliate, a member and a manager of other countries do not.
    expect((await h.request('GET', path, { token: w.tokens.admin })).status).toBe(200);
    expect((await h.request('GET', path, { token: w.tokens.regional_manager })).status).toBe(200);
    const other = await createWorld(h);
    expect((await h.request('GET', path, { token: other.tokens.affiliate })).status).toBe(404);
    expect((await h.request('GET', path, { token: other.tokens.admin })).status).toBe(404);
    expect((await h.request('GET', path, { token: w.tokens.member })).status).toBe(403);
    expect((await h.request('GET', `${path}?cursor=nope`, { token: w.tokens.affiliate })).status).toBe(400);
    const salt = await h.request('GET', `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}/log-salt`, { token: other.tokens.affiliate });
    expect(salt.status).toBe(404);
  });
});
