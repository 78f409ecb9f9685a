import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commissions, jobFailures, payoutRuns, payouts } from '../../../db/schema/index.js';
import { systemActor } from '../../../src/core/auth/actor.js';
import { assemblePayoutRun } from '../../../src/payouts/payouts/assemble.js';
import { transferPayout } from '../../../src/payouts/payouts/transfer.js';
import { createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { startFakeStripe, stripeEnvOf, type FakeStripe } from '../../helpers/stripe-server.js';
import { connect, entriesOf, owed, type Affiliate } from './payout-fixtures.js';

/** Transfers: crash and rerun, permanent and transient Stripe failures. */

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

const ada = (w: World): Affiliate => w.affiliate;
const transfersOf = (payoutId: string) => [...fake.transfers.values()].filter((t) => t.transfer_group === payoutId);
const createsOf = (payoutId: string) => fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/transfers' && r.params.transfer_group === payoutId);
const payoutRow = async (id: string) => (await h.db.select().from(payouts).where(eq(payouts.id, id)))[0]!;

/** A world whose affiliate is owed `amount` EUR, with a connected account. */
async function owedWorld(amount = 6000) {
  const w = await createWorld(h, { settings: { payouts: { schedule: 'manual' } } });
  await connect(h, fake, w, ada(w));
  const commission = await owed(h, w, ada(w), amount);
  return { w, commission };
}

async function run(w: World) {
  const res = await h.request('POST', `/v1/programs/${w.program.id}/payout-runs`, { token: w.admin.token });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  await h.jobs.idle();
  return (await h.request('GET', `/v1/programs/${w.program.id}/payout-runs/${res.body.id}`, { token: w.admin.token })).body;
}

describe('a crash between Stripe and the database', () => {
  it('is rerun without paying twice: the rerun adopts the transfer Stripe made', async () => {
    const { w, commission } = await owedWorld();
    const ctx = h.ctx(systemActor('test'));
    // Assemble without the jobs, then crash right after Stripe answered.
    const [runRow] = await h.db.insert(payoutRuns).values({ programId: w.program.id, trigger: 'admin', method: 'stripe', cutoffAt: h.clock() }).returning();
    const { transferPayoutIds } = await assemblePayoutRun(ctx, runRow!.id);
    expect(transferPayoutIds).toHaveLength(1);
    const payoutId = transferPayoutIds[0]!;
    await expect(
      transferPayout(ctx, payoutId, {
        config: h.config,
        afterTransfer: () => {
          throw new Error('crash');
        },
      }),
    ).rejects.toThrow('crash');
    expect(transfersOf(payoutId)).toHaveLength(1);
    expect(await payoutRow(payoutId)).toMatchObject({ status: 'processing', stripeTransferId: null, attempts: 1 });
    expect((await h.db.select().from(commissions).where(eq(commissions.id, commission.id)))[0]!.status).toBe('approved');

    // Assembling again assembles nothing; resuming the run settles the payout with the same transfer.
    expect((await assemblePayoutRun(ctx, runRow!.id)).transferPayoutIds).toEqual([payoutId]);
    const resumed = await h.request('POST', `/v1/programs/${w.program.id}/payout-runs/${runRow!.id}/resume`, { token: w.admin.token });
    expect(resumed.status).toBe(202);
    expect(resumed.body.resumedPayoutIds).toEqual([payoutId]);
    await h.jobs.idle();
    const paid = await payoutRow(payoutId);
    expect(paid).toMatchObject({ status: 'paid', stripeTransferId: transfersOf(payoutId)[0].id, attempts: 2 });
    expect(transfersOf(payoutId)).toHaveLength(1);
    expect(createsOf(payoutId)).toHaveLength(1);
    expect(await h.db.select().from(payouts).where(eq(payouts.programId, w.program.id))).toHaveLength(1);
    expect((await h.db.select().from(commissions).where(eq(commissions.id, commission.id)))[0]!.status).toBe('paid');

    // Settling once more (a late duplicate job) changes nothing and logs nothing.
    await transferPayout(ctx, payoutId, { config: h.config });
    await h.jobs.idle();
    const entries = await entriesOf(h, w.program.id, ['commission.paid', 'payout.paid']);
    expect(entries.map((e) => e.type).sort()).toEqual(['commission.paid', 'payout.paid']);
  });

  it('adopts a transfer whose answer was lost on the way back (same idempotency key, found by its transfer group)', async () => {
    const { w } = await owedWorld();
    fake.failTransfers({ status: 'network', count: 2, afterExecution: true });
    const result = await run(w);
    const [p] = result.payouts;
    expect(p).toMatchObject({ status: 'paid' });
    expect(transfersOf(p.id)).toHaveLength(1);
    expect(p.stripeTransferId).toBe(transfersOf(p.id)[0].id);
  });
});

describe('transfer failures', () => {
  it('fails for good on a Stripe refusal: reason shown, commissions back in the pool, the next run pays them', async () => {
    const { w, commission } = await owedWorld();
    fake.failTransfers({ status: 400, type: 'invalid_request_error', code: 'account_invalid', message: 'The destination account cannot receive transfers.' });
    const first = await run(w);
    const [failed] = first.payouts;
    expect(failed).toMatchObject({ status: 'failed', failureCode: 'account_invalid', failureMessage: 'The destination account cannot receive transfers.', attempts: 1 });
    expect(createsOf(failed.id)).toHaveLength(1); // not retried
    const [c] = await h.db.select().from(commissions).where(eq(commissions.id, commission.id));
    expect(c).toMatchObject({ status: 'approved', payoutId: null });
    const failures = await h.db.select().from(jobFailures).where(and(eq(jobFailures.jobName, 'payouts.transfer'), eq(jobFailures.jobId, failed.id)));
    expect(failures).toMatchObject([{ permanent: true }]);

    // The affiliate sees it with its reason.
    const mine = await h.request('GET', `/v1/programs/${w.program.id}/affiliates/${ada(w).member.id}/payouts`, { token: w.affiliate.token });
    expect(mine.body.data[0]).toMatchObject({ id: failed.id, status: 'failed', failureCode: 'account_invalid' });
    const admin = await h.request('GET', `/v1/programs/${w.program.id}/payouts?status=failed`, { token: w.admin.token });
    expect(admin.body.data.map((p: any) => p.id)).toEqual([failed.id]);

    await h.jobs.idle();
    const [failedEntry] = await entriesOf(h, w.program.id, ['payout.failed']);
    expect(failedEntry).toMatchObject({ payoutId: failed.id, failureCode: 'account_invalid', amount: 6000 });

    const second = await run(w);
    expect(second.payouts[0]).toMatchObject({ status: 'paid', amount: 6000 });
    expect((await h.db.select().from(commissions).where(eq(commissions.id, commission.id)))[0]).toMatchObject({ status: 'paid', payoutId: second.payouts[0].id });
  });

  it('retries network errors, 5xx and 429 with backoff and pays once', async () => {
    const { w } = await owedWorld();
    fake.failTransfers({ status: 500, count: 1 });
    fake.failTransfers({ status: 429, type: 'invalid_request_error', code: 'rate_limit', count: 1 });
    fake.failTransfers({ status: 'network', count: 2 });
    const result = await run(w);
    const [p] = result.payouts;
    expect(p).toMatchObject({ status: 'paid', attempts: 4 });
    expect(transfersOf(p.id)).toHaveLength(1);
  });

  it('keeps the payout open with the reason once the retries are spent, and a resume pays it once', async () => {
    const { w, commission } = await owedWorld();
    fake.failTransfers({ status: 503, count: 5 });
    const result = await run(w);
    const [p] = result.payouts;
    // Stripe may have made the transfer behind a lost answer: the commissions stay with this payout.
    expect(p).toMatchObject({ status: 'processing', failureCode: 'stripe_unavailable', attempts: 5 });
    expect(transfersOf(p.id)).toHaveLength(0);
    expect((await h.db.select().from(commissions).where(eq(commissions.id, commission.id)))[0]!.payoutId).toBe(p.id);
    const seen = await h.request('GET', `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}/payouts`, { token: w.affiliate.token });
    expect(seen.body.data[0]).toMatchObject({ id: p.id, status: 'processing', failureCode: 'stripe_unavailable' });

    const resumed = await h.request('POST', `/v1/programs/${w.program.id}/payout-runs/${result.id}/resume`, { token: w.admin.token });
    expect(resumed.status, JSON.stringify(resumed.body)).toBeLessThan(300);
    await h.jobs.idle();
    const after = await h.request('GET', `/v1/programs/${w.program.id}/payouts/${p.id}`, { token: w.admin.token });
    expect(after.body).toMatchObject({ status: 'paid', failureCode: null, attempts: 6 });
    expect(transfersOf(p.id)).toHaveLength(1);
  });
});
