import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, commissions, payoutRuns, payouts } from '../../../db/schema/index.js';
import { createProgram, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { refundConversion } from '../../../src/tracking/conversions/refund.js';
import { entriesOf, newAffiliate, owed, type Affiliate } from './payout-fixtures.js';

/** Manual mode (no STRIPE_SECRET_KEY): runs make pending payouts and an admin marks them paid. */

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ env: { TRANSPARENCY_SEQUENCE_INTERVAL_MS: '86400000', STRIPE_SECRET_KEY: '' } });
});
afterAll(async () => h?.close());

const manualWorld = () => createWorld(h, { settings: { payouts: { schedule: 'manual' } } });

async function run(w: World, headers: Record<string, string> = {}) {
  const res = await h.request('POST', `/v1/programs/${w.program.id}/payout-runs`, { token: w.admin.token, headers });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  await h.jobs.idle();
  return (await h.request('GET', `/v1/programs/${w.program.id}/payout-runs/${res.body.id}`, { token: w.admin.token })).body;
}

const ada = (w: World): Affiliate => w.affiliate;

describe('payout settings', () => {
  it('shows the effective settings with defaults: 50.00 of the payout currency', async () => {
    const w = await manualWorld();
    const res = await h.request('GET', `/v1/programs/${w.program.id}/payout-settings`, { token: w.admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ schedule: 'manual', dayOfMonth: 1, minimumAmount: 5000, currency: 'EUR' });
    const { program: yen } = await createProgram(h, { tenantId: w.tenant.id, payoutCurrency: 'JPY' });
    const jp = await h.request('GET', `/v1/programs/${yen.id}/payout-settings`, { token: w.admin.token });
    expect(jp.body).toEqual({ schedule: 'monthly', dayOfMonth: 1, minimumAmount: 50, currency: 'JPY' });
  });

  it('validates the payouts namespace on program updates', async () => {
    const w = await manualWorld();
    const bad = await h.request('PATCH', `/v1/programs/${w.program.id}`, { token: w.admin.token, body: { settings: { payouts: { dayOfMonth: 29, schedule: 'weekly' } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: any) => i.field).sort()).toEqual(['settings.payouts.dayOfMonth', 'settings.payouts.schedule']);
    const ok = await h.request('PATCH', `/v1/programs/${w.program.id}`, { token: w.admin.token, body: { settings: { payouts: { minimumAmount: 2000, dayOfMonth: 15 } } } });
    expect(ok.status).toBe(200);
    const res = await h.request('GET', `/v1/programs/${w.program.id}/payout-settings`, { token: w.admin.token });
    expect(res.body).toEqual({ schedule: 'manual', dayOfMonth: 15, minimumAmount: 2000, currency: 'EUR' });
  });
});

describe('a manual payout run', () => {
  it('makes pending manual payouts above the minimum, carries the rest, and mark-paid settles them with their log entries', async () => {
    const w = await manualWorld();
    const bob = await newAffiliate(h, w);
    const cleo = await newAffiliate(h, w);
    const a1 = await owed(h, w, ada(w), 3000);
    const a2 = await owed(h, w, ada(w), 2500);
    const b1 = await owed(h, w, bob, 4000); // below 50.00: carried
    await owed(h, w, cleo, 9000, 'EUR', { approvedAt: new Date(h.clock().getTime() + 60_000) }); // after the cutoff

    const result = await run(w);
    expect(result).toMatchObject({ status: 'completed', trigger: 'admin', method: 'manual' });
    expect(result.payouts).toHaveLength(1);
    const payout = result.payouts[0];
    expect(payout).toMatchObject({ partnerMemberId: ada(w).member.id, currency: 'EUR', amount: 5500, commissionCount: 2, method: 'manual', status: 'pending' });
    expect(result.summary.payouts).toEqual({ count: 1, byCurrency: { EUR: { count: 1, amount: 5500 } } });
    expect(result.summary.carried.balances).toEqual([{ partnerMemberId: bob.member.id, currency: 'EUR', amount: 4000, commissionCount: 1, minimum: 5000, reason: 'below_minimum' }]);
    const [b1After] = await h.db.select().from(commissions).where(eq(commissions.id, b1.id));
    expect(b1After).toMatchObject({ status: 'approved', payoutId: null });

    // Bad input changes nothing.
    const bad = await h.request('POST', `/v1/programs/${w.program.id}/payouts/${payout.id}/mark-paid`, { token: w.admin.token, body: { reference: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('reference');
    expect((await h.db.select().from(payouts).where(eq(payouts.id, payout.id)))[0]!.status).toBe('pending');

    const paid = await h.request('POST', `/v1/programs/${w.program.id}/payouts/${payout.id}/mark-paid`, { token: w.admin.token, body: { reference: 'SEPA-0042' } });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', manualReference: 'SEPA-0042', paidBy: w.admin.user.id });
    expect(paid.body.items.map((i: any) => i.commissionId).sort()).toEqual([a1.id, a2.id].sort());
    expect(paid.body.items.every((i: any) => /^[0-9a-f]{64}$/.test(i.paidLeafHash))).toBe(true);
    const settled = await h.db.select().from(commissions).where(eq(commissions.payoutId, payout.id));
    expect(settled.map((c) => c.status)).toEqual(['paid', 'paid']);

    // Replays: same reference returns it, another is refused.
    const again = await h.request('POST', `/v1/programs/${w.program.id}/payouts/${payout.id}/mark-paid`, { token: w.admin.token, body: { reference: 'SEPA-0042' } });
    expect(again.status).toBe(200);
    expect(again.body.paidAt).toBe(paid.body.paidAt);
    const other = await h.request('POST', `/v1/programs/${w.program.id}/payouts/${payout.id}/mark-paid`, { token: w.admin.token, body: { reference: 'SEPA-0043' } });
    expect(other.status).toBe(409);

    await h.jobs.idle();
    const entries = await entriesOf(h, w.program.id, ['commission.paid', 'payout.paid']);
    const commissionPaid = entries.filter((e) => e.type === 'commission.paid');
    expect(commissionPaid.map((e) => e.commissionId).sort()).toEqual([a1.id, a2.id].sort());
    expect(commissionPaid.every((e) => e.payoutId === payout.id && e.status === 'paid' && e.reason === 'payout_paid')).toBe(true);
    const [payoutPaid] = entries.filter((e) => e.type === 'payout.paid');
    expect(payoutPaid).toMatchObject({ payoutId: payout.id, amount: 5500, method: 'manual', transferId: null, commissionIds: [a1.id, a2.id].sort() });
    expect(commissionPaid.reduce((s, e) => s + e.payoutAmount - e.payoutReversedAmount, 0)).toBe(payoutPaid.amount);
    expect(JSON.stringify(payoutPaid)).not.toContain('SEPA');
    const audits = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, payout.id), eq(auditLog.action, 'payout.paid')));
    expect(audits).toHaveLength(1);
  });

  it('carries a balance below the minimum over, and the next run pays it with the new commissions', async () => {
    const w = await manualWorld();
    await owed(h, w, ada(w), 3000);
    const first = await run(w);
    expect(first.payouts).toEqual([]);
    expect(first.summary.carried.balances[0]).toMatchObject({ amount: 3000, reason: 'below_minimum' });
    const balance = await h.request('GET', `/v1/programs/${w.program.id}/affiliates/${ada(w).member.id}/balance`, { token: w.affiliate.token });
    expect(balance.status).toBe(200);
    expect(balance.body.balances).toEqual([{ currency: 'EUR', approved: 3000, inPayout: 0, pending: 0, held: 0, minimum: 5000, nextRunPays: false, carryReason: 'below_minimum' }]);

    await owed(h, w, ada(w), 2500);
    const second = await run(w);
    expect(second.payouts).toHaveLength(1);
    expect(second.payouts[0]).toMatchObject({ amount: 5500, commissionCount: 2 });
    const after = await h.request('GET', `/v1/programs/${w.program.id}/affiliates/${ada(w).member.id}/balance`, { token: w.affiliate.token });
    expect(after.body.balances[0]).toMatchObject({ approved: 0, inPayout: 5500 });
  });

  it('nets a clawback against what is owed', async () => {
    const w = await manualWorld();
    const sale = await owed(h, w, ada(w), 8000);
    const clawback = await owed(h, w, ada(w), -2000);
    const result = await run(w);
    expect(result.payouts[0]).toMatchObject({ amount: 6000, commissionCount: 2 });
    const got = await h.request('GET', `/v1/programs/${w.program.id}/payouts/${result.payouts[0].id}`, { token: w.admin.token });
    expect(got.body.items).toEqual(
      expect.arrayContaining([
        { commissionId: sale.id, amount: 8000, paidLeafHash: null },
        { commissionId: clawback.id, amount: -2000, paidLeafHash: null },
      ]),
    );
    // A clawback alone (nothing to net it against) is not paid: it waits for the next commissions.
    const w2 = await manualWorld();
    await owed(h, w2, ada(w2), -2000);
    const lone = await run(w2);
    expect(lone.payouts).toEqual([]);
    expect(lone.summary.carried.balances[0]).toMatchObject({ amount: -2000, reason: 'not_positive' });
  });

  it('takes a refund of a commission in a payout being paid back by a clawback, so the payout still adds up', async () => {
    const w = await manualWorld();
    // createCommission's sale is 100.00 EUR; this commission is 60.00 of it.
    const sale = await owed(h, w, ada(w), 6000);
    const first = await run(w);
    const payout = first.payouts[0];
    expect(payout).toMatchObject({ amount: 6000, status: 'pending' });

    // Half the sale is refunded while the payout waits for the admin.
    await refundConversion(h.ctx(), w.program.id, sale.conversionId, { refundId: 'refund-half', amount: 5000 });
    const [after] = await h.db.select().from(commissions).where(eq(commissions.id, sale.id));
    expect(after).toMatchObject({ status: 'approved', payoutId: payout.id, reversedAmount: 0, payoutReversedAmount: 0 });
    const [clawback] = await h.db.select().from(commissions).where(and(eq(commissions.clawbackOf, sale.id), eq(commissions.kind, 'clawback')));
    expect(clawback).toMatchObject({ status: 'approved', amount: -3000, payoutAmount: -3000, payoutId: null });

    // The payout pays what was assembled, and its entries add up to it.
    const paid = await h.request('POST', `/v1/programs/${w.program.id}/payouts/${payout.id}/mark-paid`, { token: w.admin.token, body: { reference: 'SEPA-77' } });
    expect(paid.status).toBe(200);
    const entries = await entriesOf(h, w.program.id, ['commission.paid', 'payout.paid']);
    const lines = entries.filter((e) => e.type === 'commission.paid' && e.payoutId === payout.id);
    expect(lines.reduce((sum, e) => sum + e.payoutAmount - e.payoutReversedAmount, 0)).toBe(6000);

    // The clawback waits for the next payout, netted against new commissions.
    await owed(h, w, ada(w), 9000);
    const second = await run(w);
    expect(second.payouts[0]).toMatchObject({ amount: 6000, commissionCount: 2 });
  });

  it('does not pay an affiliate who is not approved', async () => {
    const w = await manualWorld();
    const pending = await newAffiliate(h, w, 'pending');
    await owed(h, w, pending, 9000);
    const result = await run(w);
    expect(result.payouts).toEqual([]);
    expect(result.summary.carried.balances[0]).toMatchObject({ partnerMemberId: pending.member.id, reason: 'affiliate_not_approved' });
  });
});

describe('starting runs', () => {
  it('replays an Idempotency-Key and refuses a second run while one is in progress', async () => {
    const w = await manualWorld();
    const first = await h.request('POST', `/v1/programs/${w.program.id}/payout-runs`, { token: w.admin.token, headers: { 'idempotency-key': 'nov-run' } });
    expect(first.status).toBe(202);
    const replay = await h.request('POST', `/v1/programs/${w.program.id}/payout-runs`, { token: w.admin.token, headers: { 'idempotency-key': 'nov-run' } });
    expect(replay.status).toBe(202);
    expect(replay.body.id).toBe(first.body.id);
    await h.jobs.idle();
    expect(await h.db.select().from(payoutRuns).where(eq(payoutRuns.programId, w.program.id))).toHaveLength(1);

    await h.db.insert(payoutRuns).values({ programId: w.program.id, trigger: 'admin', method: 'manual', cutoffAt: h.clock() });
    const busy = await h.request('POST', `/v1/programs/${w.program.id}/payout-runs`, { token: w.admin.token });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('payout_run_in_progress');
  });

  it('starts one run when two requests race', async () => {
    const w = await manualWorld();
    const answers = await Promise.all([1, 2, 3].map(() => h.request('POST', `/v1/programs/${w.program.id}/payout-runs`, { token: w.admin.token })));
    await h.jobs.idle();
    const statuses = answers.map((a) => a.status).sort();
    // A run already assembled no longer blocks the next one, so a slow request may start a second.
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
    const runs = await h.db.select().from(payoutRuns).where(eq(payoutRuns.programId, w.program.id));
    expect(runs).toHaveLength(statuses.filter((s) => s === 202).length);
  });

  it('lets only admins start runs or mark payouts paid; affiliates see only their own payouts', async () => {
    const w = await manualWorld();
    const bob = await newAffiliate(h, w);
    await owed(h, w, ada(w), 6000);
    await owed(h, w, bob, 7000);
    for (const token of [w.manager.token, w.affiliate.token, w.member.token, w.apiKey]) {
      const res = await h.request('POST', `/v1/programs/${w.program.id}/payout-runs`, { token });
      expect(res.status).toBe(403);
    }
    const result = await run(w);
    const adas = result.payouts.find((p: any) => p.partnerMemberId === ada(w).member.id);
    const bobs = result.payouts.find((p: any) => p.partnerMemberId === bob.member.id);
    expect((await h.request('POST', `/v1/programs/${w.program.id}/payouts/${adas.id}/mark-paid`, { token: w.manager.token, body: { reference: 'x' } })).status).toBe(403);
    expect((await h.request('POST', `/v1/programs/${w.program.id}/payouts/${adas.id}/mark-paid`, { token: w.affiliate.token, body: { reference: 'x' } })).status).toBe(403);

    expect((await h.request('GET', `/v1/programs/${w.program.id}/payouts/${adas.id}`, { token: w.affiliate.token })).status).toBe(200);
    expect((await h.request('GET', `/v1/programs/${w.program.id}/payouts/${bobs.id}`, { token: w.affiliate.token })).status).toBe(404);
    expect((await h.request('GET', `/v1/programs/${w.program.id}/payouts`, { token: w.affiliate.token })).status).toBe(403);
    const own = await h.request('GET', `/v1/programs/${w.program.id}/affiliates/${ada(w).member.id}/payouts`, { token: w.affiliate.token });
    expect(own.body.data.map((p: any) => p.id)).toEqual([adas.id]);
    expect((await h.request('GET', `/v1/programs/${w.program.id}/affiliates/${bob.member.id}/payouts`, { token: w.affiliate.token })).status).toBe(404);
    expect((await h.request('GET', `/v1/programs/${w.program.id}/affiliates/${bob.member.id}/balance`, { token: w.affiliate.token })).status).toBe(404);

    // Another tenant's admin sees nothing of it.
    const other = await manualWorld();
    expect((await h.request('GET', `/v1/programs/${w.program.id}/payouts/${adas.id}`, { token: other.admin.token })).status).toBe(404);

    const list = await h.request('GET', `/v1/programs/${w.program.id}/payouts?partnerMemberId=${bob.member.id}&status=pending`, { token: w.admin.token });
    expect(list.body.data.map((p: any) => p.id)).toEqual([bobs.id]);
    const runs = await h.request('GET', `/v1/programs/${w.program.id}/payout-runs?limit=1`, { token: w.admin.token });
    expect(runs.body.data).toHaveLength(1);
  });
});
