import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, commissionPolicies, commissionPolicyVersions, commissions, conversionRefunds } from '../../../db/schema/index.js';
import { processConversion } from '../../../src/tracking/conversions/process.js';
import { createConversion, createLink, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { conversionRow, DAY, merchant, plantClick, sale, signup, track } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

async function tracked(w: World, body: Record<string, unknown>) {
  const res = await track(h, w, body);
  expect(res.status).toBe(202);
  return res.body as { id: string; externalId: string };
}

const refundsOf = (conversionId: string) => h.db.select().from(conversionRefunds).where(eq(conversionRefunds.conversionId, conversionId));

/** DE pays 10% of completed sales, held 14 days. */
async function tenPercentInDE(w: World) {
  const [policy] = await h.db.insert(commissionPolicies).values({ programId: w.program.id, country: 'DE' }).returning();
  await h.db.insert(commissionPolicyVersions).values({
    policyId: policy!.id,
    programId: w.program.id,
    country: 'DE',
    version: 1,
    effectiveFrom: new Date(Date.now() - 30 * DAY),
    mode: 'per_transaction',
    currency: 'EUR',
    percentBps: 1000,
    holdDays: 14,
    attributionWindowDays: 30,
  });
}

describe('merchant calls on a conversion', () => {
  it('completes a pending sale once, by our id or the externalId', async () => {
    const w = await createWorld(h);
    const conversion = await tracked(w, sale({ completed: false }));
    const done = await merchant(h, w, conversion.externalId, 'complete', {});
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: conversion.id, status: 'completed' });
    const completedAt = done.body.completedAt;
    const again = await merchant(h, w, conversion.id, 'complete');
    expect(again.status).toBe(200);
    expect(again.body.completedAt).toBe(completedAt);
    expect((await merchant(h, w, 'no-such-order', 'complete')).status).toBe(404);
    // Another program's key finds nothing.
    const other = await createWorld(h);
    expect((await merchant(h, other, conversion.id, 'complete')).status).toBe(404);
    const early = await tracked(w, sale({ completed: false, occurredAt: new Date(h.clock().getTime() - DAY).toISOString() }));
    const before = await merchant(h, w, early.id, 'complete', { completedAt: new Date(h.clock().getTime() - 2 * DAY).toISOString() });
    expect(before.status).toBe(400);
    expect(before.body.error.details.issues[0].field).toBe('completedAt');
    expect((await conversionRow(h, early.id)).status).toBe('pending');
    await h.jobs.idle();
  });

  it('refunds in parts; the refundId replays, and refuses another amount (409) or too much (400), changing nothing', async () => {
    const w = await createWorld(h);
    const conversion = await tracked(w, sale({ amount: 10_000 }));
    const part = await merchant(h, w, conversion.id, 'refunds', { refundId: 'r-1', amount: 2_500 });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({ refundId: 'r-1', conversionId: conversion.id, amount: 2_500, currency: 'EUR', conversion: { status: 'partially_refunded', refundedAmount: 2_500 } });
    const replay = await merchant(h, w, conversion.externalId, 'refunds', { refundId: 'r-1', amount: 2_500 });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(part.body.id);

    const reused = await merchant(h, w, conversion.id, 'refunds', { refundId: 'r-1', amount: 1_000 });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    const tooMuch = await merchant(h, w, conversion.id, 'refunds', { refundId: 'r-2', amount: 7_501 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.details.issues[0]).toMatchObject({ field: 'amount' });
    expect(await refundsOf(conversion.id)).toHaveLength(1);
    expect(await conversionRow(h, conversion.id)).toMatchObject({ refundedAmount: 2_500, status: 'partially_refunded' });

    const rest = await merchant(h, w, conversion.id, 'refunds', { refundId: 'r-2', amount: 7_500 });
    expect(rest.body.conversion).toMatchObject({ status: 'refunded', refundedAmount: 10_000 });
    // The same refundId on another sale of the program is another refund: refused.
    const second = await tracked(w, sale());
    expect((await merchant(h, w, second.id, 'refunds', { refundId: 'r-2', amount: 7_500 })).status).toBe(409);
    expect((await merchant(h, w, conversion.id, 'refunds', { refundId: 'r-3', amount: 1 })).status).toBe(400);
    await h.jobs.idle();
  });

  it('refuses refunds of signups, of sales not completed and of cancelled sales (422)', async () => {
    const w = await createWorld(h);
    const joined = await tracked(w, signup());
    const pending = await tracked(w, sale({ completed: false }));
    const cancelled = await tracked(w, sale());
    expect((await merchant(h, w, cancelled.id, 'cancel', { reason: 'fraudulent order' })).status).toBe(200);
    for (const c of [joined, pending, cancelled]) {
      const res = await merchant(h, w, c.id, 'refunds', { refundId: `r-${c.id}`, amount: 100 });
      expect(res.status).toBe(422);
      expect(await refundsOf(c.id)).toEqual([]);
    }
    expect((await merchant(h, w, cancelled.id, 'complete')).status).toBe(422);
    await h.jobs.idle();
  });

  it('cancels once, keeping the reason in the audit log', async () => {
    const w = await createWorld(h);
    const conversion = await tracked(w, signup());
    const first = await merchant(h, w, conversion.id, 'cancel', { reason: 'test account' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'cancelled' });
    const again = await merchant(h, w, conversion.externalId, 'cancel');
    expect(again.body.cancelledAt).toBe(first.body.cancelledAt);
    const audits = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, conversion.id), eq(auditLog.action, 'conversion.cancelled')));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorType: 'api_key', before: { status: 'completed' }, after: { status: 'cancelled', reason: 'test account' } });
    await h.jobs.idle();
  });

  it('moves the commission: refunds shrink it pro rata, and what came before processing is honoured', async () => {
    const w = await createWorld(h, { links: {} });
    await tenPercentInDE(w);
    const link = await createLink(h, w);
    const click = await plantClick(h, link, { agoMs: DAY, country: 'DE' });
    const conversion = await tracked(w, sale({ amount: 20_000, clickId: click.id, completed: false }));
    await h.jobs.idle();
    const [pending] = await h.db.select().from(commissions).where(eq(commissions.conversionId, conversion.id));
    expect(pending).toMatchObject({ status: 'pending', amount: 2_000, holdUntil: null });
    await merchant(h, w, conversion.id, 'complete');
    await merchant(h, w, conversion.id, 'refunds', { refundId: 'half', amount: 10_000 });
    const [after] = await h.db.select().from(commissions).where(eq(commissions.conversionId, conversion.id));
    expect(after!.holdUntil).not.toBeNull();
    expect(after).toMatchObject({ status: 'pending', reversedAmount: 1_000 });

    // Refunded before processing (a conversion the job has not reached yet): the commission starts
    // with the refund taken off.
    const early = await createConversion(h, w, {
      amount: 20_000,
      cookieClickId: click.id,
      processedAt: null,
      attributionMethod: null,
      partnerMemberId: null,
      marketCountry: null,
    });
    await merchant(h, w, early.id, 'refunds', { refundId: 'early', amount: 5_000 });
    const first = await processConversion(h.ctx(), early.id);
    expect(first.attribution).toMatchObject({ method: 'cookie', partnerMemberId: w.affiliate.member.id, marketCountry: 'DE' });
    const [reduced] = await h.db.select().from(commissions).where(eq(commissions.conversionId, early.id));
    expect(reduced).toMatchObject({ amount: 2_000, reversedAmount: 500 });
    // Processing again does nothing.
    expect((await processConversion(h.ctx(), early.id)).attribution).toBeNull();
    expect(await h.db.select().from(commissions).where(eq(commissions.conversionId, early.id))).toHaveLength(1);
  });
});
