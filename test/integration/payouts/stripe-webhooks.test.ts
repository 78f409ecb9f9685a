import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.js';
import { auditLog, commissions, payoutAccounts, payoutItems, payoutRuns, payouts, stripeEvents } from '../../../db/schema/index.js';
import { systemActor } from '../../../src/core/auth/actor.js';
import { handleStripeEvent } from '../../../src/payouts/stripe/jobs/handle-event.js';
import { verifyStripeEvent } from '../../../src/payouts/stripe/webhooks.js';
import { resumeUnprocessedStripeEvents, STALE_AFTER_MS } from '../../../src/payouts/stripe/jobs/sweep-events.js';
import { stripeClient } from '../../../src/payouts/stripe/client.js';
import { createCommission, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { startFakeStripe, stripeEnvOf, type FakeStripe } from '../../helpers/stripe-server.js';

// Stripe's webhooks, signed the way Stripe signs them (stripe.webhooks.generateTestHeaderString),
// delivered to the app and handled by the real job runner against a real database.
let h: Harness;
let unconfigured: Harness;
let fake: FakeStripe;

beforeAll(async () => {
  fake = await startFakeStripe();
  h = await createHarness({
    env: { TRANSPARENCY_SEQUENCE_INTERVAL_MS: '86400000', ...stripeEnvOf(fake) },
  });
  unconfigured = await createHarness({ env: { TRANSPARENCY_SEQUENCE_INTERVAL_MS: '86400000' } });
});
afterAll(async () => {
  await h?.close();
  await unconfigured?.close();
  await fake?.close();
});

async function deliver(target: Harness, d: { payload: string; signature?: string }) {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (d.signature !== undefined) headers['stripe-signature'] = d.signature;
  const res = await target.request('POST', '/v1/stripe/webhooks', { rawBody: d.payload, headers });
  await target.jobs.idle();
  return res;
}

const eventRow = async (id: string) => (await h.db.select().from(stripeEvents).where(eq(stripeEvents.id, id)))[0];

/** A connected account on the fake Stripe and its payout_accounts row. */
async function connect(w: World, enabled = false) {
  const account = fake.createAccount({ enabled, country: 'DE', metadata: { programId: w.program.id, memberId: w.affiliate.member.id } });
  const [row] = await h.db.insert(payoutAccounts).values({ programId: w.program.id, memberId: w.affiliate.member.id, stripeAccountId: account.id }).returning();
  return { account, row: row! };
}

/**
 * A payout paid by a real transfer on the fake Stripe, settling two sales and a clawback, with
 * its items, inserted as a payout run leaves it.
 */
async function paidPayout(w: World) {
  const { account } = await connect(w, true);
  const paidAt = new Date(h.clock().getTime() - 86_400_000);
  const [run] = await h.db.insert(payoutRuns).values({ programId: w.program.id, status: 'completed', trigger: 'admin', method: 'stripe', cutoffAt: paidAt }).returning();
  const amounts = [3_000, 2_500, -500];
  const [payout] = await h.db
    .insert(payouts)
    .values({
      runId: run!.id,
      programId: w.program.id,
      partnerMemberId: w.affiliate.member.id,
      currency: 'EUR',
      amount: 5_000,
      commissionCount: amounts.length,
      method: 'stripe',
      status: 'processing',
      idempotencyKey: `payout-${run!.id}-${w.affiliate.member.id}-EUR`,
      stripeAccountId: account.id,
    })
    .returning();
  const transfer = await stripeClient(h.config)!.transfers.create({ amount: 5_000, currency: 'eur', destination: account.id, transfer_group: payout!.id, metadata: { payoutId: payout!.id } });
  await h.db.update(payouts).set({ status: 'paid', paidAt, stripeTransferId: transfer.id }).where(eq(payouts.id, payout!.id));
  const rows = [];
  for (const amount of amounts) {
    const kind = amount < 0 ? ('clawback' as const) : ('sale' as const);
    const c = await createCommission(h, w, { status: 'paid', kind, amount, payoutAmount: amount, approvedAt: paidAt, paidAt, payoutId: payout!.id });
    rows.push(c);
  }
  await h.db.insert(payoutItems).values(rows.map((c) => ({ payoutId: payout!.id, commissionId: c.id, amount: c.payoutAmount })));
  return { account, payout: payout!, transfer, commissionIds: rows.map((c) => c.id) };
}

const outboxOf = async (programId: string) =>
  (await queryRows<{ type: string; entry: string }>(h.db, sql`select type, entry from log_outbox where program_id = ${programId} order by id`)).map((r) => ({ type: r.type, ...JSON.parse(r.entry) }));

describe('the Stripe webhook endpoint', () => {
  it('refuses a bad or missing signature with 400 and stores nothing', async () => {
    await h.jobs.idle();
    const before = (await h.db.select().from(stripeEvents)).length;
    const forged = fake.signedEvent('account.updated', { id: 'acct_x', object: 'account' }, { secret: 'whsec_not_ours' });
    const good = fake.signedEvent('account.updated', { id: 'acct_x', object: 'account' });
    const tampered = { payload: good.payload.replace('acct_x', 'acct_y'), signature: good.signature };
    for (const d of [forged, tampered, { payload: good.payload, signature: 'garbage' }, { payload: good.payload }]) {
      const res = await deliver(h, d);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_stripe_signature');
      expect(res.body.error.requestId).toBeTruthy();
    }
    expect(await h.db.select().from(stripeEvents)).toHaveLength(before);
    expect(await eventRow(good.event.id)).toBeUndefined();
  });

  it('answers 503 when no webhook secret is configured', async () => {
    const res = await deliver(unconfigured, fake.signedEvent('account.updated', { id: 'acct_x', object: 'account' }));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('stripe_webhooks_not_configured');
    expect(await unconfigured.db.select().from(stripeEvents)).toHaveLength(0);
  });

  it('accepts any of several comma-separated secrets (platform and Connect endpoints, rolled secrets)', () => {
    const connect = fake.signedEvent('account.updated', { id: 'acct_x', object: 'account' }, { secret: 'whsec_connect_endpoint' });
    const platform = fake.signedEvent('transfer.reversed', { id: 'tr_x', object: 'transfer' });
    const secrets = `${fake.webhookSecret}, whsec_connect_endpoint`;
    expect(verifyStripeEvent(secrets, Buffer.from(connect.payload), connect.signature).id).toBe(connect.event.id);
    expect(verifyStripeEvent(secrets, Buffer.from(platform.payload), platform.signature).id).toBe(platform.event.id);
    expect(() => verifyStripeEvent('whsec_a,whsec_b', Buffer.from(platform.payload), platform.signature)).toThrow(/does not verify/);
    expect(() => verifyStripeEvent(' , ', Buffer.from(platform.payload), platform.signature)).toThrow(/not configured/);
  });

  it('is not held back by the API rate limit or authentication', async () => {
    const d = fake.signedEvent('customer.created', { id: 'cus_1', object: 'customer' });
    const res = await deliver(h, { ...d });
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-limit')).toBeNull();
    expect(res.body).toEqual({ received: true, eventId: d.event.id, duplicate: false });
    // Types we do not act on are stored and marked processed as ignored.
    expect(await eventRow(d.event.id)).toMatchObject({ type: 'customer.created', error: 'ignored: unhandled_type' });
    expect((await eventRow(d.event.id))!.processedAt).not.toBeNull();
  });
});

describe('account.updated', () => {
  it('brings the payout account up to date, re-reading it from Stripe', async () => {
    const w = await createWorld(h);
    const { account, row } = await connect(w);
    fake.enableAccount(account.id);
    // The event carries an older copy; the handler reads the account as Stripe has it now.
    const d = fake.signedEvent('account.updated', { ...account, payouts_enabled: false }, { account: account.id });
    const res = await deliver(h, d);
    expect(res.status).toBe(200);
    const [after] = await h.db.select().from(payoutAccounts).where(eq(payoutAccounts.id, row.id));
    expect(after).toMatchObject({ status: 'enabled', payoutsEnabled: true, detailsSubmitted: true, requirementsDue: [], disabledReason: null });
    expect(after!.stripeUpdatedAt?.getTime()).toBe(d.event.created * 1000);
    expect(await eventRow(d.event.id)).toMatchObject({ type: 'account.updated', account: account.id, error: null });
    const audits = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, row.id), eq(auditLog.action, 'payout_account.status_changed')));
    expect(audits).toHaveLength(1);
  });

  it('handles a replayed delivery once', async () => {
    const w = await createWorld(h);
    const { account, row } = await connect(w);
    fake.enableAccount(account.id);
    const d = fake.signedEvent('account.updated', account, { account: account.id });
    expect((await deliver(h, d)).body.duplicate).toBe(false);
    // Someone changes the row meanwhile; handling the event again would overwrite it.
    await h.db.update(payoutAccounts).set({ status: 'restricted' }).where(eq(payoutAccounts.id, row.id));
    const replay = await deliver(h, d);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ received: true, eventId: d.event.id, duplicate: true });
    expect(await h.db.select().from(stripeEvents).where(eq(stripeEvents.id, d.event.id))).toHaveLength(1);
    expect((await h.db.select().from(payoutAccounts).where(eq(payoutAccounts.id, row.id)))[0]!.status).toBe('restricted');
    const ctx = { ...h.ctx(systemActor('test')) };
    expect(await handleStripeEvent(ctx, stripeClient(h.config), d.event.id)).toBe('already_processed');
  });

  it('never lets an older event overwrite a newer state (without a Stripe key, the event’s object is used)', async () => {
    const w = await createWorld(h);
    const { account, row } = await connect(w);
    const now = Math.floor(Date.now() / 1000);
    const enabled = { ...structuredClone(account), payouts_enabled: true, details_submitted: true, capabilities: { transfers: 'active' }, requirements: { ...account.requirements, currently_due: [], past_due: [], disabled_reason: null } };
    const store = async (object: Record<string, unknown>, created: number) => {
      const { event } = fake.signedEvent('account.updated', object, { account: account.id, created });
      await h.db.insert(stripeEvents).values({ id: event.id, type: event.type, account: account.id, payload: event, stripeCreatedAt: new Date(created * 1000) });
      return event.id as string;
    };
    const ctx = h.ctx(systemActor('test'));
    const newer = await store(enabled, now);
    const older = await store(account, now - 60);
    expect(await handleStripeEvent(ctx, null, newer)).toBe('updated');
    expect(await handleStripeEvent(ctx, null, older)).toBe('stale');
    const [after] = await h.db.select().from(payoutAccounts).where(eq(payoutAccounts.id, row.id));
    expect(after).toMatchObject({ status: 'enabled', payoutsEnabled: true });
    expect((await eventRow(older))!.processedAt).not.toBeNull();
    // An account that is not ours is stored, processed and ignored.
    const stranger = await store({ ...account, id: 'acct_notours' }, now);
    expect(await handleStripeEvent(ctx, null, stranger)).toBe('unknown_account');
    expect((await eventRow(stranger))!.error).toBe('ignored: unknown_account');
  });

  it('hands an event whose job was lost to a new job (the sweep)', async () => {
    const w = await createWorld(h);
    const { account, row } = await connect(w);
    fake.enableAccount(account.id);
    // Stored, as the webhook stores it, but its job never ran (a crash right after the commit).
    const { event } = fake.signedEvent('account.updated', account, { account: account.id });
    await h.db.insert(stripeEvents).values({ id: event.id, type: event.type, account: account.id, payload: event, stripeCreatedAt: new Date(event.created * 1000) });
    expect(await resumeUnprocessedStripeEvents(h)).toBe(0); // not stale yet
    h.clock.advance(STALE_AFTER_MS + 1_000);
    try {
      expect(await resumeUnprocessedStripeEvents(h)).toBeGreaterThanOrEqual(1);
      await h.jobs.idle();
    } finally {
      h.clock.advance(-(STALE_AFTER_MS + 1_000));
    }
    expect((await eventRow(event.id))!.processedAt).not.toBeNull();
    expect((await h.db.select().from(payoutAccounts).where(eq(payoutAccounts.id, row.id)))[0]!.status).toBe('enabled');
  });
});

describe('transfer.reversed', () => {
  it('reverses a paid payout in full: its commissions are owed again, logged and audited in one go', async () => {
    const w = await createWorld(h);
    const { payout, transfer, commissionIds } = await paidPayout(w);
    await h.jobs.idle();
    const outboxBefore = (await outboxOf(w.program.id)).length;
    const reversed = fake.reverseTransfer(transfer.id);
    const d = fake.signedEvent('transfer.reversed', reversed);
    expect((await deliver(h, d)).status).toBe(200);

    const [after] = await h.db.select().from(payouts).where(eq(payouts.id, payout.id));
    expect(after).toMatchObject({ status: 'reversed', reversedAmount: 5_000 });
    expect(after!.reversedAt).not.toBeNull();
    const rows = await h.db.select().from(commissions).where(inArray(commissions.id, commissionIds));
    for (const c of rows) expect(c).toMatchObject({ status: 'approved', payoutId: null, paidAt: null });
    // The statement keeps its lines.
    expect(await h.db.select().from(payoutItems).where(eq(payoutItems.payoutId, payout.id))).toHaveLength(3);

    const entries = (await outboxOf(w.program.id)).slice(outboxBefore);
    expect(entries.map((e) => e.type)).toEqual(['commission.unpaid', 'commission.unpaid', 'commission.unpaid', 'payout.reversed']);
    expect(entries.slice(0, 3).map((e) => e.commissionId).sort()).toEqual([...commissionIds].sort());
    for (const e of entries.slice(0, 3)) expect(e).toMatchObject({ status: 'approved', reason: 'payout_reversed', payoutId: payout.id });
    expect(entries[3]).toMatchObject({ payoutId: payout.id, amount: 5_000, reversedAmount: 5_000, full: true, transferId: transfer.id });
    const audits = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, payout.id), eq(auditLog.action, 'payout.reversed')));
    expect(audits).toHaveLength(1);

    // The same reversal again (a new event with the same amount) changes nothing.
    const again = fake.signedEvent('transfer.reversed', reversed);
    expect((await deliver(h, again)).status).toBe(200);
    expect((await eventRow(again.event.id))!.processedAt).not.toBeNull();
    expect(await outboxOf(w.program.id)).toHaveLength(outboxBefore + 4);
  });

  it('records a partial reversal: the payout stays paid, once per amount', async () => {
    const w = await createWorld(h);
    const { payout, transfer, commissionIds } = await paidPayout(w);
    await h.jobs.idle();
    const outboxBefore = (await outboxOf(w.program.id)).length;
    const partial = fake.reverseTransfer(transfer.id, 1_200);
    const d = fake.signedEvent('transfer.reversed', partial);
    await deliver(h, d);
    await deliver(h, d);
    const [after] = await h.db.select().from(payouts).where(eq(payouts.id, payout.id));
    expect(after).toMatchObject({ status: 'paid', reversedAmount: 1_200 });
    for (const c of await h.db.select().from(commissions).where(inArray(commissions.id, commissionIds))) expect(c).toMatchObject({ status: 'paid', payoutId: payout.id });
    const entries = (await outboxOf(w.program.id)).slice(outboxBefore);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ type: 'payout.reversed', reversedAmount: 1_200, full: false });

    // Then the rest is reversed: the payout is reversed in full.
    const rest = fake.reverseTransfer(transfer.id);
    await deliver(h, fake.signedEvent('transfer.reversed', rest));
    expect((await h.db.select().from(payouts).where(eq(payouts.id, payout.id)))[0]).toMatchObject({ status: 'reversed', reversedAmount: 5_000 });
    const later = (await outboxOf(w.program.id)).slice(outboxBefore + 1);
    expect(later.map((e) => e.type)).toEqual(['commission.unpaid', 'commission.unpaid', 'commission.unpaid', 'payout.reversed']);
    expect(later[3]).toMatchObject({ reversedAmount: 5_000, full: true });
  });

  it('treats the legacy transfer.failed as a full reversal, found by the transfer’s metadata', async () => {
    const w = await createWorld(h);
    const { payout, transfer } = await paidPayout(w);
    // The run has not recorded the transfer id: the metadata names the payout.
    await h.db.update(payouts).set({ stripeTransferId: null }).where(eq(payouts.id, payout.id));
    const d = fake.signedEvent('transfer.failed', { ...transfer });
    await deliver(h, d);
    expect((await h.db.select().from(payouts).where(eq(payouts.id, payout.id)))[0]).toMatchObject({ status: 'reversed', reversedAmount: 5_000 });
    expect((await eventRow(d.event.id))!.error).toBeNull();
  });
});

describe('transfer.reversed before the run has settled the payout', () => {
  it('waits (the job fails and retries) and leaves the event unprocessed; unknown transfers are ignored', async () => {
    const w = await createWorld(h);
    const { payout, transfer } = await paidPayout(w);
    await h.db.update(payouts).set({ status: 'processing', paidAt: null }).where(eq(payouts.id, payout.id));
    const reversed = fake.reverseTransfer(transfer.id);
    const store = async (object: Record<string, unknown>) => {
      const { event } = fake.signedEvent('transfer.reversed', object);
      await h.db.insert(stripeEvents).values({ id: event.id, type: event.type, payload: event, stripeCreatedAt: new Date(event.created * 1000) });
      return event.id as string;
    };
    const ctx = h.ctx(systemActor('test'));
    const early = await store(reversed);
    await expect(handleStripeEvent(ctx, null, early)).rejects.toThrow(/still being transferred/);
    expect((await eventRow(early))!.processedAt).toBeNull();
    expect((await h.db.select().from(payouts).where(eq(payouts.id, payout.id)))[0]!.status).toBe('processing');
    // Once settled, the same event applies.
    await h.db.update(payouts).set({ status: 'paid', paidAt: new Date() }).where(eq(payouts.id, payout.id));
    expect(await handleStripeEvent(ctx, null, early)).toBe('reversed');

    const stranger = await store({ ...reversed, id: 'tr_notours', metadata: {} });
    expect(await handleStripeEvent(ctx, null, stranger)).toBe('unknown_payout');
    expect((await eventRow(stranger))!.error).toBe('ignored: unknown_payout');
  });
});

describe('payout.failed and payout.paid (the affiliate’s bank payouts)', () => {
  it('shows a failed bank payout on the account until a later one succeeds', async () => {
    const w = await createWorld(h);
    const { account } = await connect(w, true);
    const created = Math.floor(Date.now() / 1000);
    const failed = fake.signedEvent(
      'payout.failed',
      { id: 'po_failed1', object: 'payout', amount: 5_000, currency: 'eur', status: 'failed', failure_code: 'account_closed', failure_message: 'The bank account has been closed.' },
      { account: account.id, created },
    );
    await deliver(h, failed);
    const path = `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}/payout-account`;
    const seen = await h.request('GET', path, { token: w.affiliate.token });
    expect(seen.body.bankPayoutFailure).toEqual({ stripePayoutId: 'po_failed1', code: 'account_closed', message: 'The bank account has been closed.', at: new Date(created * 1000).toISOString() });
    expect((await h.request('GET', path, { token: w.admin.token })).body.bankPayoutFailure.code).toBe('account_closed');

    // A payout that succeeded before the failure does not clear it; one after does.
    await deliver(h, fake.signedEvent('payout.paid', { id: 'po_old', object: 'payout', status: 'paid' }, { account: account.id, created: created - 3600 }));
    expect((await h.request('GET', path, { token: w.affiliate.token })).body.bankPayoutFailure).not.toBeNull();
    await deliver(h, fake.signedEvent('payout.paid', { id: 'po_new', object: 'payout', status: 'paid' }, { account: account.id, created: created + 60 }));
    expect((await h.request('GET', path, { token: w.affiliate.token })).body.bankPayoutFailure).toBeNull();
  });
});

