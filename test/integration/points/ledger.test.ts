import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.js';
import { adjustPoints } from '../../../src/core/points/adjust.js';
import { getBalance, listEntries } from '../../../src/core/points/balance.js';
import { earnPoints } from '../../../src/core/points/earn.js';
import { redeemPoints } from '../../../src/core/points/redeem.js';
import { reverseEntry } from '../../../src/core/points/reverse.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createWorld } from '../../helpers/factories.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const DAY = 86_400_000;

/** The ledger's core invariant: the account equals its open lots equals the sum of its entries. */
async function expectConsistent(memberId: string) {
  const [row] = await queryRows<Record<string, unknown>>(
    h.db,
    sql`select
          (select available + pending from points_accounts where member_id = ${memberId}) as account,
          (select coalesce(sum(remaining), 0) from points_lots where member_id = ${memberId}) as lots,
          (select coalesce(sum(amount), 0) from points_entries where member_id = ${memberId}) as entries`,
  );
  expect(Number(row!.account)).toBe(Number(row!.lots));
  expect(Number(row!.entries)).toBe(Number(row!.lots));
}

async function allocationsOf(entryId: string) {
  const rows = await queryRows<{ lot_entry: string; amount: unknown }>(
    h.db,
    sql`select l.entry_id as lot_entry, a.amount from points_allocations a join points_lots l on l.id = a.lot_id where a.entry_id = ${entryId} order by l.expires_at nulls last, l.id`,
  );
  return rows.map((r) => ({ lotOf: r.lot_entry, amount: Number(r.amount) }));
}

describe('points ledger', () => {
  it('earns, redeems and reports the balance', async () => {
    const w = await createWorld(h);
    const ctx = h.ctx();
    const memberId = w.member.member.id;
    const earn = await earnPoints(ctx, { programId: w.program.id, memberId, points: 500, idempotencyKey: 'e1', reason: 'welcome' });
    expect(earn).toMatchObject({ kind: 'earn', amount: 500, memberId, reason: 'welcome' });
    const redeem = await redeemPoints(ctx, { programId: w.program.id, memberId, points: 120, idempotencyKey: 'r1' });
    expect(redeem).toMatchObject({ kind: 'redeem', amount: -120 });
    const balance = await getBalance(ctx, w.program.id, memberId);
    expect(balance).toMatchObject({ available: 380, pending: 0, lifetimeEarned: 500 });
    const page = await listEntries(ctx, w.program.id, memberId, { limit: 1 });
    expect(page.data.map((e) => e.id)).toEqual([earn.id]);
    const next = await listEntries(ctx, w.program.id, memberId, { limit: 1, cursor: page.nextCursor! });
    expect(next.data.map((e) => e.id)).toEqual([redeem.id]);
    await expectConsistent(memberId);
  });

  it('spends the soonest-expiring lots first and never-expiring ones last, recording allocations', async () => {
    const w = await createWorld(h);
    const ctx = h.ctx();
    const base = { programId: w.program.id, memberId: w.member.member.id };
    const now = h.clock().getTime();
    const never = await earnPoints(ctx, { ...base, points: 100, idempotencyKey: 'never', expiresAt: null });
    const late = await earnPoints(ctx, { ...base, points: 100, idempotencyKey: 'late', expiresAt: new Date(now + 90 * DAY) });
    const soon = await earnPoints(ctx, { ...base, points: 100, idempotencyKey: 'soon', expiresAt: new Date(now + 10 * DAY) });
    const redeem = await redeemPoints(ctx, { ...base, points: 250, idempotencyKey: 'spend' });
    expect(await allocationsOf(redeem.id)).toEqual([
      { lotOf: soon.id, amount: 100 },
      { lotOf: late.id, amount: 100 },
      { lotOf: never.id, amount: 50 },
    ]);
    const balance = await getBalance(ctx, w.program.id, base.memberId);
    expect(balance.available).toBe(50);
    expect(balance.expiringSoon).toEqual([]);
    await expectConsistent(base.memberId);
  });

  it('refuses to redeem more than is spendable with 422 and writes nothing', async () => {
    const w = await createWorld(h);
    const ctx = h.ctx();
    const base = { programId: w.program.id, memberId: w.member.member.id };
    await earnPoints(ctx, { ...base, points: 100, idempotencyKey: 'e' });
    await expect(redeemPoints(ctx, { ...base, points: 101, idempotencyKey: 'too-much' })).rejects.toMatchObject({ code: 'insufficient_points' });
    const entries = await listEntries(ctx, w.program.id, base.memberId);
    expect(entries.data).toHaveLength(1);
    expect((await getBalance(ctx, w.program.id, base.memberId)).available).toBe(100);
    // The key was not consumed by the failure.
    await earnPoints(ctx, { ...base, points: 1, idempotencyKey: 'e2' });
    await expect(redeemPoints(ctx, { ...base, points: 101, idempotencyKey: 'too-much' })).resolves.toMatchObject({ amount: -101 });
  });

  it('replays an idempotency key with the first result and refuses it for another payload', async () => {
    const w = await createWorld(h);
    const ctx = h.ctx();
    const base = { programId: w.program.id, memberId: w.member.member.id };
    const first = await earnPoints(ctx, { ...base, points: 70, idempotencyKey: 'k' });
    const again = await earnPoints(ctx, { ...base, points: 70, idempotencyKey: 'k' });
    expect(again).toEqual(first);
    await expect(earnPoints(ctx, { ...base, points: 71, idempotencyKey: 'k' })).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    await expect(redeemPoints(ctx, { ...base, points: 70, idempotencyKey: 'k' })).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    expect((await getBalance(ctx, w.program.id, base.memberId)).available).toBe(70);
  });

  it('adjusts both ways, never below zero, and requires a reason', async () => {
    const w = await createWorld(h);
    const ctx = h.ctx();
    const base = { programId: w.program.id, memberId: w.member.member.id };
    await adjustPoints(ctx, { ...base, points: 40, idempotencyKey: 'a1', reason: 'goodwill' });
    await adjustPoints(ctx, { ...base, points: -15, idempotencyKey: 'a2', reason: 'correction' });
    await expect(adjustPoints(ctx, { ...base, points: -26, idempotencyKey: 'a3', reason: 'too much' })).rejects.toMatchObject({ code: 'insufficient_points' });
    await expect(adjustPoints(ctx, { ...base, points: 5, idempotencyKey: 'a4' } as never)).rejects.toMatchObject({
      code: 'validation_failed',
      details: { issues: [{ field: 'reason' }] },
    });
    expect(await getBalance(ctx, w.program.id, base.memberId)).toMatchObject({ available: 25, lifetimeEarned: 0 });
    await expectConsistent(base.memberId);
  });

  it('reverses an earn (what is left of its lot) and a redemption (back into its lots), once', async () => {
    const w = await createWorld(h);
    const ctx = h.ctx();
    const base = { programId: w.program.id, memberId: w.member.member.id };
    const earnA = await earnPoints(ctx, { ...base, points: 100, idempotencyKey: 'a', expiresAt: new Date(h.clock().getTime() + 5 * DAY) });
    await earnPoints(ctx, { ...base, points: 100, idempotencyKey: 'b', expiresAt: null });
    const spend = await redeemPoints(ctx, { ...base, points: 130, idempotencyKey: 'spend' });
    // Lot A was fully spent: reversing it takes nothing and records the shortfall.
    const revA = await reverseEntry(ctx, { programId: w.program.id, entryId: earnA.id, idempotencyKey: 'rev-a', reason: 'fraud' });
    expect(revA).toMatchObject({ kind: 'reverse', amount: 0, shortfall: 100, reversesEntryId: earnA.id });
    const revSpend = await reverseEntry(ctx, { programId: w.program.id, entryId: spend.id, idempotencyKey: 'rev-s', reason: 'cancelled' });
    expect(revSpend).toMatchObject({ amount: 130, shortfall: 0 });
    expect(await getBalance(ctx, w.program.id, base.memberId)).toMatchObject({ available: 200, lifetimeEarned: 100 });
    await expect(reverseEntry(ctx, { programId: w.program.id, entryId: spend.id, idempotencyKey: 'rev-s2', reason: 'again' })).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(reverseEntry(ctx, { programId: w.program.id, entryId: revSpend.id, idempotencyKey: 'rev-rev', reason: 'x' })).rejects.toMatchObject({
      code: 'unprocessable',
    });
    // Replaying the reversal's key returns it.
    await expect(reverseEntry(ctx, { programId: w.program.id, entryId: spend.id, idempotencyKey: 'rev-s', reason: 'cancelled' })).resolves.toEqual(revSpend);
    await expectConsistent(base.memberId);
  });

  it('keeps pending points out of reach until the release job runs', async () => {
    const w = await createWorld(h, { settings: { points: { pendingDays: 14 } } });
    const ctx = h.ctx();
    const base = { programId: w.program.id, memberId: w.member.member.id };
    await earnPoints(ctx, { ...base, points: 300, idempotencyKey: 'p' });
    expect(await getBalance(ctx, w.program.id, base.memberId)).toMatchObject({ available: 0, pending: 300 });
    await expect(redeemPoints(ctx, { ...base, points: 1, idempotencyKey: 'r' })).rejects.toMatchObject({ code: 'insufficient_points' });
    await h.jobs.enqueue('points.release-pending', {});
    await h.jobs.idle();
    expect(await getBalance(ctx, w.program.id, base.memberId)).toMatchObject({ available: 0, pending: 300 });
    h.clock.advance(15 * DAY);
    try {
      await h.jobs.enqueue('points.release-pending', {});
      await h.jobs.idle();
      expect(await getBalance(ctx, w.program.id, base.memberId)).toMatchObject({ available: 300, pending: 0 });
      await expectConsistent(base.memberId);
    } finally {
      h.clock.advance(-15 * DAY);
    }
  });

  it('expires lots with an expire entry for what is left, once', async () => {
    const w = await createWorld(h);
    const ctx = h.ctx();
    const base = { programId: w.program.id, memberId: w.member.member.id };
    const now = h.clock().getTime();
    await earnPoints(ctx, { ...base, points: 100, idempotencyKey: 'old', expiresAt: new Date(now + 2 * DAY) });
    await earnPoints(ctx, { ...base, points: 50, idempotencyKey: 'new', expiresAt: null });
    await redeemPoints(ctx, { ...base, points: 30, idempotencyKey: 'r' });
    expect((await getBalance(ctx, w.program.id, base.memberId)).expiringSoon).toEqual([{ points: 70, expiresAt: new Date(now + 2 * DAY).toISOString() }]);
    h.clock.advance(3 * DAY);
    try {
      await h.jobs.enqueue('points.expire-lots', {});
      await h.jobs.idle();
      await h.jobs.enqueue('points.expire-lots', {});
      await h.jobs.idle();
    } finally {
      h.clock.advance(-3 * DAY);
    }
    const entries = await listEntries(ctx, w.program.id, base.memberId);
    expect(entries.data.filter((e) => e.kind === 'expire').map((e) => e.amount)).toEqual([-70]);
    expect(await getBalance(ctx, w.program.id, base.memberId)).toMatchObject({ available: 50 });
    await expectConsistent(base.memberId);
  });
});
