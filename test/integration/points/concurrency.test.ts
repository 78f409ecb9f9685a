import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.js';
import { getBalance } from '../../../src/core/points/balance.js';
import { earnPoints } from '../../../src/core/points/earn.js';
import { redeemPoints } from '../../../src/core/points/redeem.js';
import { withTransaction } from '../../../src/context.js';
import { loadProgramInScope } from '../../../src/core/auth/scope.js';
import { lockMember } from '../../../src/core/tiers/assignment.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createWorld } from '../../helpers/factories.js';

let h: Harness;
beforeAll(async () => {
  // A real pool on PostgreSQL, so the redemptions truly race; PGlite serialises them.
  h = await createHarness({ poolSize: 20 });
});
afterAll(async () => h?.close());

describe('points ledger under concurrency', () => {
  it('50 concurrent redemptions against one member leave the exact balance, never negative', async () => {
    const w = await createWorld(h);
    const ctx = h.ctx();
    const base = { programId: w.program.id, memberId: w.member.member.id };
    // Several lots with different expiries so redemptions draw across lots.
    for (let i = 0; i < 5; i++) {
      await earnPoints(ctx, { ...base, points: 100, idempotencyKey: `seed-${i}`, expiresAt: i === 4 ? null : new Date(h.clock().getTime() + (i + 1) * 86_400_000) });
    }
    // 500 points; 50 redemptions of 13 ask for 650, so exactly floor(500 / 13) = 38 must succeed.
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => redeemPoints(ctx, { ...base, points: 13, idempotencyKey: `r-${i}` })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failed.map((f) => (f.reason as { code?: string }).code ?? String(f.reason))).toEqual(Array(12).fill('insufficient_points'));
    expect(ok).toHaveLength(38);
    const balance = await getBalance(ctx, w.program.id, base.memberId);
    expect(balance.available).toBe(500 - 38 * 13);
    const [row] = await queryRows<{ lots: unknown; entries: unknown; allocated: unknown }>(
      h.db,
      sql`select (select sum(remaining) from points_lots where member_id = ${base.memberId}) as lots,
                 (select sum(amount) from points_entries where member_id = ${base.memberId}) as entries,
                 (select sum(a.amount) from points_allocations a join points_entries e on e.id = a.entry_id where e.member_id = ${base.memberId}) as allocated`,
    );
    expect(Number(row!.lots)).toBe(balance.available);
    expect(Number(row!.entries)).toBe(balance.available);
    expect(Number(row!.allocated)).toBe(38 * 13);
  });

  it('two identical requests at once earn once and both get the same answer', async () => {
    const w = await createWorld(h);
    const ctx = h.ctx();
    const input = { programId: w.program.id, memberId: w.member.member.id, points: 77, idempotencyKey: 'twin' };
    const [a, b, c] = await Promise.all([earnPoints(ctx, input), earnPoints(ctx, input), earnPoints(ctx, input)]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect((await getBalance(ctx, w.program.id, input.memberId)).available).toBe(77);
  });

  it('the same key racing for two members: one wins, the other is told the key is taken', async () => {
    const w = await createWorld(h);
    const ctx = h.ctx();
    const results = await Promise.allSettled([
      earnPoints(ctx, { programId: w.program.id, memberId: w.member.member.id, points: 5, idempotencyKey: 'shared' }),
      earnPoints(ctx, { programId: w.program.id, memberId: w.affiliate.member.id, points: 5, idempotencyKey: 'shared' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect((rejected!.reason as { code: string }).code).toBe('idempotency_key_reused');
  });

  it('a tier change holding the member row and a plain earn for that member both complete (no deadlock)', async () => {
    const w = await createWorld(h);
    const base = { programId: w.program.id, memberId: w.member.member.id };
    let earn: Promise<unknown> | undefined;
    // The tier path: member row first, then the points account (for the upgrade gift). A plain
    // earn takes the account first, then a KEY SHARE on the member row through its foreign key.
    await withTransaction(h.ctx(), async (tx) => {
      const program = await loadProgramInScope(tx, base.programId);
      await lockMember(tx, program, base.memberId);
      earn = earnPoints(h.ctx(), { ...base, points: 5, idempotencyKey: 'plain-earn' });
      await new Promise((r) => setTimeout(r, 300));
      await earnPoints(tx, { ...base, points: 7, idempotencyKey: 'gift-like', reason: 'tier_gift' });
    });
    await earn;
    expect(await getBalance(h.ctx(), base.programId, base.memberId)).toMatchObject({ available: 12 });
  });
});
