import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers } from '../../../db/schema/index.js';
import { recordConversion, type NewConversion } from '../../../src/tracking/conversions/intake.js';
import { createMember, createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { conversionRow, conversionsOf, customersOf, sale, signup, track } from './fixtures.js';

/**
 * Intake records the conversions reported at the same moment in one statement (intake.ts). These
 * tests send bursts, so several calls share a statement, and check each call still gets its own
 * answer: its customer, its replay or its conflict.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

describe('conversion intake in bursts', () => {
  it('gives every conversion of a burst its own customer, one per reference or email', async () => {
    const w = await createWorld(h);
    const member = await createMember(h, w.program.id, { externalId: 'burst-member' });
    const bodies = [
      ...['a', 'b', 'c', 'burst-member'].flatMap((ref) => [sale({ customer: { externalId: ref } }), sale({ customer: { externalId: ref } })]),
      signup({ customer: { email: 'Same@Example.com' } }),
      signup({ customer: { email: 'same@example.com ' } }),
      sale(),
    ];
    const answers = await Promise.all(bodies.map((body) => track(h, w, body)));
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 202));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(bodies.length);

    const stored = await customersOf(h, w.program.id);
    expect(stored.map((c) => c.externalRef ?? 'by email').sort()).toEqual(['a', 'b', 'burst-member', 'by email', 'c']);
    expect(stored.find((c) => c.externalRef === 'burst-member')!.memberId).toBe(member.id);
    const customerOf = async (i: number) => (await conversionRow(h, answers[i]!.body.id)).customerId;
    for (let i = 0; i < 10; i += 2) expect(await customerOf(i)).toBe(await customerOf(i + 1));
    expect(await customerOf(0)).not.toBe(await customerOf(2));
    expect(await customerOf(10)).toBeNull();
    expect(answers[0]!.body).toMatchObject({ customerId: await customerOf(0), processed: false, status: 'completed', refundedAmount: 0, fraudReasons: [] });
    await h.jobs.idle();
  });

  it('answers a reused externalId within one burst: the same payload replays, another is 409', async () => {
    const w = await createWorld(h);
    const body = sale({ customer: { externalId: 'dup' } });
    const other = { ...body, amount: 1 };
    const answers = await Promise.all([track(h, w, body), track(h, w, body), track(h, w, other), track(h, w, sale())]);
    const statuses = answers.map((a) => a.status);
    // Whichever payload came first is the conversion; the same payload again replays it.
    const firstAmount = (await conversionsOf(h, w.program.id)).find((c) => c.externalId === body.externalId)!.amount;
    if (firstAmount === body.amount) {
      expect(statuses).toEqual([202, 202, 409, 202]);
      expect(answers.slice(0, 2).filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
      expect(answers[1]!.body.id).toBe(answers[0]!.body.id);
    } else {
      expect(statuses.filter((s) => s === 409)).toHaveLength(2);
    }
    expect(answers[3]!.headers.get('idempotent-replayed')).toBeNull();
    expect(await conversionsOf(h, w.program.id)).toHaveLength(2);
    await h.jobs.idle();
  });

  it('writes nothing for a reused externalId, not even the new customer it names', async () => {
    const w = await createWorld(h);
    const first = await track(h, w, sale({ customer: { externalId: 'first-buyer' } }));
    expect(first.status).toBe(202);
    const reused = await track(h, w, sale({ externalId: first.body.externalId, customer: { externalId: 'someone-else' } }));
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    expect((await customersOf(h, w.program.id)).map((c) => c.externalRef)).toEqual(['first-buyer']);
    await h.jobs.idle();
  });

  it("keeps one call's failure from the others that shared its statement", async () => {
    const w = await createWorld(h);
    const values = (externalId: string, programId = w.program.id): NewConversion => ({
      programId,
      externalId,
      kind: 'signup',
      status: 'completed',
      occurredAt: h.clock(),
      completedAt: h.clock(),
      amount: null,
      currency: null,
      clickId: null,
      cookieClickId: null,
      promoCode: null,
      customerRef: null,
      emailHmac: null,
      ipHash: null,
      country: null,
      metadata: {},
      requestHash: 'test',
    });
    const identity = (ref: string) => ({ externalRef: ref, emailHmac: null, emailNormalized: null });
    const ctx = h.ctx();
    const accepted = { completed: true, programSalt: Buffer.alloc(32, 1) };
    // Same turn of the event loop: one statement, whose program foreign key fails for one row.
    const outcomes = await Promise.allSettled([
      recordConversion(ctx, values('ok-1'), identity('shared'), accepted),
      recordConversion(ctx, values('bad', 'prg_does_not_exist'), identity('shared-elsewhere'), accepted),
      recordConversion(ctx, values('ok-2'), identity('shared'), accepted),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const [ok1, , ok2] = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : null));
    expect(ok1).toMatchObject({ kind: 'created' });
    expect(ok2).toMatchObject({ kind: 'created' });
    const stored = await customersOf(h, w.program.id);
    expect(stored).toHaveLength(1);
    expect(ok1!.kind === 'created' && ok2!.kind === 'created' && ok1!.conversion.customerId === ok2!.conversion.customerId).toBe(true);
    expect(await h.db.select().from(customers).where(eq(customers.externalRef, 'shared-elsewhere'))).toEqual([]);
    expect((await conversionsOf(h, w.program.id)).map((c) => c.externalId).sort()).toEqual(['ok-1', 'ok-2']);
  });

  it('leaves a new customer named by reference and email to the transactional path', async () => {
    const w = await createWorld(h);
    await track(h, w, signup({ customer: { email: 'ada@example.com' } }));
    // Named both ways in one burst: the reference is adopted by the customer known by email, once.
    const answers = await Promise.all(
      [1, 2].map(() => track(h, w, sale({ customer: { externalId: 'ada-ref', email: 'ada@example.com' } }))),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    const stored = await customersOf(h, w.program.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.externalRef).toBe('ada-ref');
    for (const a of answers) expect((await conversionRow(h, a.body.id)).customerId).toBe(stored[0]!.id);
    await h.jobs.idle();
  });
});
