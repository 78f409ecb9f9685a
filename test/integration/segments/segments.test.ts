import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, memberOrders, memberSegments, members } from '../../../db/schema/index.js';
import { classifyMember } from '../../../src/core/segments/classify.js';
import { recomputeProgramSegments } from '../../../src/core/segments/recompute.js';
import { segmentSettings } from '../../../src/core/segments/settings.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createMember, createWorld } from '../../helpers/factories.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(h.clock().getTime() - n * DAY);

/** Orders straight into the table: these tests are about reading them, not about the points rules. */
async function order(
  programId: string,
  memberId: string,
  o: { daysAgo: number; amount: number; currency?: string; refunded?: number },
) {
  const refunded = o.refunded ?? 0;
  await h.db.insert(memberOrders).values({
    programId,
    memberId,
    externalId: `ord-${randomBytes(6).toString('hex')}`,
    requestHash: 'test',
    amount: o.amount,
    currency: o.currency ?? 'EUR',
    refundedAmount: refunded,
    status: refunded === 0 ? 'completed' : refunded >= o.amount ? 'refunded' : 'partially_refunded',
    occurredAt: daysAgo(o.daysAgo),
  });
}

/** A member who joined `joinedDaysAgo` days ago (DE members spend EUR, US members USD). */
async function member(programId: string, joinedDaysAgo = 400, country = 'DE') {
  return createMember(h, programId, { country, createdAt: daysAgo(joinedDaysAgo) });
}

async function segmentOf(memberId: string) {
  const [row] = await h.db.select().from(memberSegments).where(eq(memberSegments.memberId, memberId));
  return row;
}

describe('segment recompute', () => {
  it('puts each member into the segment the RFM rules choose', async () => {
    const w = await createWorld(h);
    const p = w.program.id;
    const newcomer = await member(p, 3);
    const oneOrder = await member(p);
    await order(p, oneOrder.id, { daysAgo: 10, amount: 2_000 });
    const returning = await member(p);
    await order(p, returning.id, { daysAgo: 60, amount: 2_000 });
    await order(p, returning.id, { daysAgo: 5, amount: 2_000 });
    const loyal = await member(p);
    for (const d of [300, 200, 100, 50, 20]) await order(p, loyal.id, { daysAgo: d, amount: 1_000 });
    const bigSpender = await member(p);
    await order(p, bigSpender.id, { daysAgo: 30, amount: 60_000 });
    const atRisk = await member(p);
    for (const d of [200, 150, 100]) await order(p, atRisk.id, { daysAgo: d, amount: 90_000 });
    const churned = await member(p);
    await order(p, churned.id, { daysAgo: 200, amount: 1_000 });
    const neverBought = await member(p, 100);

    const result = await recomputeProgramSegments(h.ctx(), p);

    const expected = new Map([
      [newcomer.id, 'new'],
      [oneOrder.id, 'new'],
      [returning.id, 'returning'],
      [loyal.id, 'loyal'],
      [bigSpender.id, 'big_spender'],
      [atRisk.id, 'at_risk'],
      [churned.id, 'churned'],
      [neverBought.id, 'at_risk'],
    ]);
    for (const [id, segment] of expected) expect((await segmentOf(id))?.segment, id).toBe(segment);
    expect(await segmentOf(loyal.id)).toMatchObject({ programId: p, recencyDays: 20, frequency: 5, monetary: 5_000, currency: 'EUR' });
    expect(await segmentOf(neverBought.id)).toMatchObject({ recencyDays: null, frequency: 0, monetary: 0 });
    // createWorld's own affiliate (DE) and member (US) joined just now and never ordered.
    expect(result.counts).toEqual({ new: 4, returning: 1, loyal: 1, big_spender: 1, at_risk: 2, churned: 1 });
  });

  it('counts orders net of refunds and only within the window', async () => {
    const w = await createWorld(h, { settings: { segments: { windowDays: 100 } } });
    const p = w.program.id;
    const m = await member(p);
    await order(p, m.id, { daysAgo: 5, amount: 10_000, refunded: 10_000 }); // fully refunded: not an order
    await order(p, m.id, { daysAgo: 20, amount: 10_000, refunded: 4_000 }); // counts 6_000
    await order(p, m.id, { daysAgo: 150, amount: 70_000 }); // outside the 100-day window
    await recomputeProgramSegments(h.ctx(), p);
    expect(await segmentOf(m.id)).toMatchObject({ segment: 'new', recencyDays: 20, frequency: 1, monetary: 6_000 });
  });

  it('measures spend in the member market currency with per-currency thresholds', async () => {
    const w = await createWorld(h, { settings: { segments: { bigSpenderMinSpendByCurrency: { USD: 100_000 } } } });
    const p = w.program.id;
    const american = await member(p, 400, 'US');
    await order(p, american.id, { daysAgo: 10, amount: 80_000, currency: 'USD' });
    await order(p, american.id, { daysAgo: 12, amount: 90_000, currency: 'EUR' }); // not in USD: no spend, still an order
    const german = await member(p, 400, 'DE');
    await order(p, german.id, { daysAgo: 10, amount: 80_000, currency: 'EUR' });
    await recomputeProgramSegments(h.ctx(), p);
    expect(await segmentOf(american.id)).toMatchObject({ segment: 'returning', monetary: 80_000, currency: 'USD', frequency: 2 });
    expect(await segmentOf(german.id)).toMatchObject({ segment: 'big_spender', monetary: 80_000, currency: 'EUR' });
  });

  it('moves members as time passes and is idempotent', async () => {
    const w = await createWorld(h);
    const p = w.program.id;
    const m = await member(p);
    await order(p, m.id, { daysAgo: 1, amount: 1_000 });
    await order(p, m.id, { daysAgo: 2, amount: 1_000 });
    await recomputeProgramSegments(h.ctx(), p);
    const first = await segmentOf(m.id);
    await recomputeProgramSegments(h.ctx(), p);
    expect({ ...(await segmentOf(m.id)), computedAt: null }).toEqual({ ...first, computedAt: null });
    expect(first?.segment).toBe('returning');

    h.clock.advance(100 * DAY);
    try {
      await recomputeProgramSegments(h.ctx(), p);
      expect(await segmentOf(m.id)).toMatchObject({ segment: 'at_risk', recencyDays: 101 });
      h.clock.advance(100 * DAY);
      await recomputeProgramSegments(h.ctx(), p);
      expect(await segmentOf(m.id)).toMatchObject({ segment: 'churned', recencyDays: 201 });
    } finally {
      h.clock.advance(-200 * DAY);
    }
    const audits = await h.db.select().from(auditLog).where(and(eq(auditLog.programId, p), eq(auditLog.action, 'segments.recomputed')));
    expect(audits).toHaveLength(4);
  });

  it('agrees with the pure classification for every member', async () => {
    const w = await createWorld(h, { settings: { segments: { loyalMinOrders: 3, atRiskAfterDays: 40, churnedAfterDays: 80, bigSpenderMinSpend: 5_000 } } });
    const p = w.program.id;
    const settings = segmentSettings(w.program);
    // A deterministic spread of histories around every threshold.
    for (let i = 0; i < 24; i++) {
      const m = await member(p, (i * 7) % 120);
      for (let k = 0; k < i % 5; k++) await order(p, m.id, { daysAgo: (i * 13 + k * 17) % 110, amount: 700 + i * 150 });
    }
    await recomputeProgramSegments(h.ctx(), p);
    const rows = await h.db.select().from(memberSegments).where(eq(memberSegments.programId, p));
    expect(rows.length).toBe(26);
    for (const r of rows) {
      const tenureDays = r.recencyDays === null ? Math.floor((h.clock().getTime() - (await memberCreatedAt(r.memberId))) / DAY) : 0;
      expect(classifyMember({ recencyDays: r.recencyDays, tenureDays, frequency: r.frequency, monetary: r.monetary, currency: r.currency }, settings)).toBe(r.segment);
    }
  });

  it('rejects a program out of scope as not found', async () => {
    const a = await createWorld(h);
    const b = await createWorld(h);
    await expect(
      recomputeProgramSegments(h.ctx({ kind: 'api_key', keyId: 'key_x', tenantId: b.tenant.id, programId: b.program.id }), a.program.id),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});

async function memberCreatedAt(memberId: string): Promise<number> {
  const [m] = await h.db.select({ createdAt: members.createdAt }).from(members).where(eq(members.id, memberId));
  return m!.createdAt.getTime();
}
