import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.js';
import { adjustPoints } from '../../../src/core/points/adjust.js';
import { getBalance } from '../../../src/core/points/balance.js';
import { earnPoints } from '../../../src/core/points/earn.js';
import { redeemPoints } from '../../../src/core/points/redeem.js';
import type { PointsEntryView } from '../../../src/core/points/views.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createMember, createWorld } from '../../helpers/factories.js';

// Standalone ledger writes share statements and commits (src/core/points/batch.ts). Writes started
// together queue behind the first ones and go as one batch; each must still get its own answer.
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ poolSize: 20 });
});
afterAll(async () => h?.close());

async function ledgerOf(memberId: string) {
  const [row] = await queryRows<Record<string, unknown>>(
    h.db,
    sql`select
          (select available + pending from points_accounts where member_id = ${memberId}) as account,
          (select coalesce(sum(remaining), 0) from points_lots where member_id = ${memberId}) as lots,
          (select coalesce(sum(amount), 0) from points_entries where member_id = ${memberId}) as entries`,
  );
  return { account: Number(row!.account), lots: Number(row!.lots), entries: Number(row!.entries) };
}

describe('ledger group commit', () => {
  it('concurrent writes on several members each get their own result, in shared commits', async () => {
    const w = await createWorld(h);
    const ctx = h.ctx();
    const programId = w.program.id;
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => createMember(h, programId)));
    for (const m of [a!, b!, c!]) await earnPoints(ctx, { programId, memberId: m.id, points: 100, idempotencyKey: `seed-${m.id}` });

    const earn = (memberId: string, points: number, key: string) => earnPoints(ctx, { programId, memberId, points, idempotencyKey: key });
    const redeem = (memberId: string, points: number, key: string) => redeemPoints(ctx, { programId, memberId, points, idempotencyKey: key });
    // Started in one tick: the first writes go at once, the rest wait and share the next batch.
    const burst = {
      fillers: [earn(d!.id, 1, 'filler-1'), earn(d!.id, 1, 'filler-2')],
      earns: [a!, b!, c!].map((m) => earn(m.id, 10, `earn-${m.id}`)),
      redeems: [a!, b!, c!].map((m) => redeem(m.id, 30, `redeem-${m.id}`)),
      tooMuch: redeem(a!.id, 1_000, 'too-much'),
      twins: [earn(b!.id, 5, 'twin'), earn(b!.id, 5, 'twin')],
      adjustUp: adjustPoints(ctx, { programId, memberId: c!.id, points: 7, idempotencyKey: 'adjust-up', reason: 'goodwill' }),
      adjustDown: adjustPoints(ctx, { programId, memberId: a!.id, points: -5, idempotencyKey: 'adjust-down', reason: 'correction' }),
    };
    const tooMuch = await burst.tooMuch.then(
      () => null,
      (err: { code?: string; details?: { requested?: number } }) => err,
    );
    expect(tooMuch?.code).toBe('insufficient_points');
    expect(tooMuch?.details?.requested).toBe(1_000);
    const [twin1, twin2] = await Promise.all(burst.twins);
    expect(twin2).toEqual(twin1);
    const written: PointsEntryView[] = [
      ...(await Promise.all(burst.fillers)),
      ...(await Promise.all(burst.earns)),
      ...(await Promise.all(burst.redeems)),
      twin1!,
      await burst.adjustUp,
      await burst.adjustDown,
    ];
    expect(written.map((e) => e.amount)).toEqual([1, 1, 10, 10, 10, -30, -30, -30, 5, 7, -5]);
    expect(new Set(written.map((e) => e.id)).size).toBe(written.length);

    const expected = { [a!.id]: 100 + 10 - 30 - 5, [b!.id]: 100 + 10 - 30 + 5, [c!.id]: 100 + 10 - 30 + 7, [d!.id]: 2 };
    for (const [memberId, points] of Object.entries(expected)) {
      expect((await getBalance(ctx, programId, memberId)).available).toBe(points);
      expect(await ledgerOf(memberId)).toEqual({ account: points, lots: points, entries: points });
    }
    // Adjustments keep their audit rows, written with the entry.
    const audits = await queryRows<{ entity_id: string; action: string }>(
      h.db,
      sql`select entity_id, action from audit_log where entity_id in (${written.at(-2)!.id}, ${written.at(-1)!.id})`,
    );
    expect(audits.map((r) => r.action)).toEqual(['points.adjust', 'points.adjust']);
    // Fewer transactions than entries: writes did share commits.
    const [tx] = await queryRows<{ transactions: unknown }>(
      h.db,
      sql`select count(distinct xmin::text) as transactions from points_entries where id in ${sql`(${sql.join(written.map((e) => sql`${e.id}`), sql`, `)})`}`,
    );
    expect(Number(tx!.transactions)).toBeLessThan(written.length);
  });

  it('a write that fails does not fail the others that shared its batch', async () => {
    const w = await createWorld(h);
    const ctx = h.ctx();
    const programId = w.program.id;
    const memberId = w.member.member.id;
    const results = await Promise.allSettled([
      earnPoints(ctx, { programId, memberId, points: 1, idempotencyKey: 'first-1' }),
      earnPoints(ctx, { programId, memberId, points: 1, idempotencyKey: 'first-2' }),
      earnPoints(ctx, { programId, memberId, points: 10, idempotencyKey: 'ok-1' }),
      // No such order: the foreign key fails the batch's statement; alone, only this write fails.
      earnPoints(ctx, { programId, memberId, points: 50, idempotencyKey: 'bad', orderId: 'ord_missing' }),
      earnPoints(ctx, { programId, memberId, points: 20, idempotencyKey: 'ok-2' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((await getBalance(ctx, programId, memberId)).available).toBe(32);
    expect(await ledgerOf(memberId)).toEqual({ account: 32, lots: 32, entries: 32 });
  });
});
