import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, commissions, payoutRuns, payouts } from '../../../db/schema/index.js';
import { systemActor } from '../../../src/core/auth/actor.js';
import { assemblePayoutRun } from '../../../src/payouts/payouts/assemble.js';
import { tickPayoutSchedule } from '../../../src/payouts/payouts/schedule.js';
import { createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { startFakeStripe, stripeEnvOf, type FakeStripe } from '../../helpers/stripe-server.js';
import { connect, entriesOf, newAffiliate, owed, type Affiliate } from './payout-fixtures.js';

/** Payout runs through Stripe Connect, against the local Stripe-compatible server. */

let h: Harness;
let fake: FakeStripe;
beforeAll(async () => {
  fake = await startFakeStripe();
  h = await createHarness({
    env: { TRANSPARENCY_SEQUENCE_INTERVAL_MS: '86400000', ...stripeEnvOf(fake) },
  });
});
afterAll(async () => {
  await h?.close();
  await fake?.close();
});

const manualSchedule = () => createWorld(h, { settings: { payouts: { schedule: 'manual' } } });
const ada = (w: World): Affiliate => w.affiliate;
const transfersOf = (payoutId: string) => [...fake.transfers.values()].filter((t) => t.transfer_group === payoutId);

async function run(w: World) {
  const res = await h.request('POST', `/v1/programs/${w.program.id}/payout-runs`, { token: w.admin.token });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  await h.jobs.idle();
  return (await h.request('GET', `/v1/programs/${w.program.id}/payout-runs/${res.body.id}`, { token: w.admin.token })).body;
}

describe('a Stripe payout run', () => {
  it('pays several affiliates in two currencies with one transfer each, and carries those who cannot be paid', async () => {
    const w = await manualSchedule();
    const bob = await newAffiliate(h, w);
    const noAccount = await newAffiliate(h, w);
    const notReady = await newAffiliate(h, w);
    const adaAccount = await connect(h, fake, w, ada(w));
    const bobAccount = await connect(h, fake, w, bob);
    await connect(h, fake, w, notReady, false);
    const adaEur = [await owed(h, w, ada(w), 4000), await owed(h, w, ada(w), 2000)];
    const adaUsd = [await owed(h, w, ada(w), 7500, 'USD')];
    const bobEur = [await owed(h, w, bob, 12_345)];
    await owed(h, w, noAccount, 9000);
    await owed(h, w, notReady, 9000);
    fake.reset();

    const result = await run(w);
    expect(result.method).toBe('stripe');
    expect(result.payouts.map((p: any) => [p.partnerMemberId, p.currency, p.amount, p.status]).sort()).toEqual(
      [
        [ada(w).member.id, 'EUR', 6000, 'paid'],
        [ada(w).member.id, 'USD', 7500, 'paid'],
        [bob.member.id, 'EUR', 12_345, 'paid'],
      ].sort(),
    );
    expect(result.summary.payouts.byCurrency).toEqual({ EUR: { count: 2, amount: 18_345 }, USD: { count: 1, amount: 7500 } });
    expect(result.summary.carried.balances.map((b: any) => [b.partnerMemberId, b.reason]).sort()).toEqual(
      [
        [noAccount.member.id, 'payout_account_missing'],
        [notReady.member.id, 'payout_account_not_ready'],
      ].sort(),
    );

    // What Stripe received: one create per payout, with the payout's deterministic key.
    const creates = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/transfers');
    expect(creates).toHaveLength(3);
    expect(creates.every((r) => r.authorized)).toBe(true);
    const [payoutRows] = [await h.db.select().from(payouts).where(eq(payouts.runId, result.id))];
    for (const p of payoutRows) {
      const create = creates.find((r) => r.params.transfer_group === p.id)!;
      expect(create.idempotencyKey).toBe(p.idempotencyKey);
      expect(p.idempotencyKey).toBe(`payout:${result.id}:${p.partnerMemberId}:${p.currency}`);
      expect(create.params).toMatchObject({
        amount: String(p.amount),
        currency: p.currency.toLowerCase(),
        destination: p.partnerMemberId === bob.member.id ? bobAccount.stripeAccountId : adaAccount.stripeAccountId,
        metadata: { payoutId: p.id, runId: result.id, programId: w.program.id, partnerMemberId: p.partnerMemberId },
      });
      const transfers = transfersOf(p.id);
      expect(transfers).toHaveLength(1);
      expect(p.stripeTransferId).toBe(transfers[0].id);
      expect(p.attempts).toBe(1);
    }
    // Reconciliation comes first: each payout listed its transfer group before creating.
    expect(fake.requests.filter((r) => r.method === 'GET' && r.path === '/v1/transfers')).toHaveLength(3);

    const paidIds = [...adaEur, ...adaUsd, ...bobEur].map((c) => c.id).sort();
    const paid = await h.db.select().from(commissions).where(eq(commissions.status, 'paid'));
    expect(paid.filter((c) => paidIds.includes(c.id))).toHaveLength(4);

    await h.jobs.idle();
    const entries = await entriesOf(h, w.program.id, ['commission.paid', 'payout.paid']);
    expect(entries.filter((e) => e.type === 'commission.paid').map((e) => e.commissionId).sort()).toEqual(paidIds);
    for (const p of payoutRows) {
      const entry = entries.find((e) => e.type === 'payout.paid' && e.payoutId === p.id);
      expect(entry).toMatchObject({ amount: p.amount, currency: p.currency, method: 'stripe', transferId: p.stripeTransferId });
      const sum = entries.filter((e) => e.type === 'commission.paid' && e.payoutId === p.id).reduce((s, e) => s + e.payoutAmount - e.payoutReversedAmount, 0);
      expect(sum).toBe(p.amount);
    }
    expect(await h.db.select().from(auditLog).where(and(eq(auditLog.action, 'payout.paid'), eq(auditLog.programId, w.program.id)))).toHaveLength(3);

    // A Stripe payout cannot be marked paid by hand.
    const byHand = await h.request('POST', `/v1/programs/${w.program.id}/payouts/${payoutRows[0]!.id}/mark-paid`, { token: w.admin.token, body: { reference: 'SEPA-1' } });
    expect(byHand.status).toBe(409);

    // A run with nothing new pays nothing and calls Stripe for nothing.
    fake.reset();
    const again = await run(w);
    expect(again.payouts).toEqual([]);
    expect(fake.requests.filter((r) => r.path === '/v1/transfers')).toEqual([]);
  });

  it('nets a clawback against the next payout', async () => {
    const w = await manualSchedule();
    await connect(h, fake, w, ada(w));
    await owed(h, w, ada(w), 6000);
    const first = await run(w);
    expect(first.payouts[0]).toMatchObject({ amount: 6000, status: 'paid' });
    // A refund after payment claws 1,500 back; new sales bring 7,000.
    await owed(h, w, ada(w), -1500);
    await owed(h, w, ada(w), 7000);
    const second = await run(w);
    expect(second.payouts[0]).toMatchObject({ amount: 5500, status: 'paid', commissionCount: 2 });
    expect(transfersOf(second.payouts[0].id)[0].amount).toBe(5500);
  });
});

describe('the monthly schedule', () => {
  it('starts one run per period once the day has come, and resumes payouts left unsettled', async () => {
    const w = await createWorld(h, { settings: { payouts: { dayOfMonth: 1 } } });
    await connect(h, fake, w, ada(w));
    await owed(h, w, ada(w), 6000);
    const ctx = h.ctx(systemActor('test'));
    const first = await tickPayoutSchedule(ctx, h.config);
    const mine = (ids: string[]) => h.db.select().from(payoutRuns).where(eq(payoutRuns.programId, w.program.id)).then((rows) => rows.filter((r) => ids.includes(r.id)));
    expect(await mine(first.started)).toHaveLength(1);
    await h.jobs.idle();
    const second = await tickPayoutSchedule(ctx, h.config);
    expect(await mine(second.started)).toHaveLength(0);
    const runs = await h.db.select().from(payoutRuns).where(eq(payoutRuns.programId, w.program.id));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'schedule', periodKey: h.clock().toISOString().slice(0, 7), status: 'completed' });
    const [p] = await h.db.select().from(payouts).where(eq(payouts.runId, runs[0]!.id));
    expect(p!.status).toBe('paid');

    // A Stripe payout stuck in processing for more than 10 minutes (its job lost) is resumed.
    const w2 = await manualSchedule();
    await connect(h, fake, w2, ada(w2));
    await owed(h, w2, ada(w2), 6000);
    const [run2] = await h.db.insert(payoutRuns).values({ programId: w2.program.id, trigger: 'admin', method: 'stripe', cutoffAt: h.clock() }).returning();
    const { transferPayoutIds } = await assemblePayoutRun(ctx, run2!.id);
    await h.db.update(payouts).set({ status: 'processing', lastAttemptAt: new Date(h.clock().getTime() - 11 * 60_000) }).where(eq(payouts.id, transferPayoutIds[0]!));
    const tick = await tickPayoutSchedule(ctx, h.config);
    expect(tick.resumedPayouts).toContain(transferPayoutIds[0]);
    await h.jobs.idle();
    const [resumed] = await h.db.select().from(payouts).where(eq(payouts.id, transferPayoutIds[0]!));
    expect(resumed!.status).toBe('paid');
    expect(transfersOf(resumed!.id)).toHaveLength(1);
  });
});
