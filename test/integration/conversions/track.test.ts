import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers } from '../../../db/schema/index.js';
import { resumeUnprocessedConversions } from '../../../src/tracking/conversions/jobs/sweep-unprocessed.js';
import { createConversion, createMember, createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { storedEmailHash } from '../../helpers/secrets.js';
import { conversionRow, conversionsOf, customersOf, processed, sale, signup, track } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('POST /v1/track/conversions', () => {
  it('accepts a sale at once (202) and processes it as a job', async () => {
    const w = await createWorld(h, { links: {} });
    const body = sale({ occurredAt: '2024-05-01T10:00:00+02:00', metadata: { plan: 'pro' }, country: 'DE' });
    const res = await track(h, w, body);
    expect(res.status).toBe(202);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(res.body).toMatchObject({
      externalId: body.externalId,
      programId: w.program.id,
      kind: 'sale',
      status: 'completed',
      occurredAt: '2024-05-01T08:00:00.000Z',
      completedAt: '2024-05-01T08:00:00.000Z',
      amount: 10_000,
      currency: 'EUR',
      refundedAmount: 0,
      processed: false,
      attribution: null,
      metadata: { plan: 'pro' },
    });
    expect(res.body.id).toMatch(/^cnv_/);
    const row = await processed(h, res.body.id);
    // No evidence: recorded, processed, credited to nobody.
    expect(row.processedAt).not.toBeNull();
    expect(row).toMatchObject({ attributionMethod: 'none', partnerMemberId: null, marketCountry: 'DE' });
  });

  it('records a sale that is not completed yet as pending, and a signup as completed', async () => {
    const w = await createWorld(h);
    const pending = await track(h, w, sale({ completed: false }));
    expect(pending.body).toMatchObject({ status: 'pending', completedAt: null });
    const joined = await track(h, w, signup());
    expect(joined.status).toBe(202);
    expect(joined.body).toMatchObject({ kind: 'signup', status: 'completed', amount: null, currency: null });
    await h.jobs.idle();
  });

  it('replays the first result for the same payload, and refuses another payload with 409', async () => {
    const w = await createWorld(h);
    const body = sale({ clickId: 'clk_nope', customer: { externalId: 'cust-1', email: 'Grace@Example.com' } });
    const first = await track(h, w, body);
    expect(first.status).toBe(202);
    const again = await track(h, w, body);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    // The same address as a hash is the same report.
    const asHash = await track(h, w, { ...body, customer: { externalId: 'cust-1', emailHash: sha256('grace@example.com') } });
    expect(asHash.status).toBe(202);
    expect(asHash.body.id).toBe(first.body.id);

    const other = await track(h, w, { ...body, amount: 9_999 });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    const rows = await conversionsOf(h, w.program.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.amount).toBe(10_000);
    expect(await customersOf(h, w.program.id)).toHaveLength(1);
    await h.jobs.idle();
    // A replay after processing returns the conversion as it is now.
    const later = await track(h, w, body);
    expect(later.body).toMatchObject({ id: first.body.id, processed: true });
  });

  it('gives concurrent identical reports one conversion', async () => {
    const w = await createWorld(h);
    const body = sale({ customer: { externalId: 'cust-race' } });
    const answers = await Promise.all(Array.from({ length: 6 }, () => track(h, w, body)));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await conversionsOf(h, w.program.id)).toHaveLength(1);
    expect(await customersOf(h, w.program.id)).toHaveLength(1);
    await h.jobs.idle();
  });

  it('answers bad input with a 400 naming the field, and stores nothing', async () => {
    const w = await createWorld(h);
    const cases: [unknown, string][] = [
      [{ externalId: 'x1', kind: 'sale', currency: 'EUR' }, 'amount'],
      [{ externalId: 'x2', kind: 'sale', amount: 100 }, 'currency'],
      [{ externalId: 'x3', kind: 'signup', amount: 100, currency: 'EUR' }, 'amount'],
      [{ externalId: 'x4', kind: 'signup', completed: true }, 'completed'],
      [{ externalId: 'x5', kind: 'sale', amount: 10.5, currency: 'EUR' }, 'amount'],
      [{ externalId: 'x6', kind: 'sale', amount: 100, currency: 'EURO' }, 'currency'],
      [{ externalId: 'x7', kind: 'refund' }, 'kind'],
      [{ externalId: '', kind: 'signup' }, 'externalId'],
      [{ externalId: 'x8', kind: 'signup', customer: { email: 'not an email' } }, 'customer.email'],
      [{ externalId: 'x9', kind: 'signup', customer: {} }, 'customer'],
      [{ externalId: 'x10', kind: 'signup', customer: { email: 'a@b.example', emailHash: sha256('c@d.example') } }, 'customer.emailHash'],
      [{ externalId: 'x11', kind: 'signup', country: 'XX' }, 'country'],
      [{ externalId: 'x12', kind: 'signup', ip: '999.1.1.1' }, 'ip'],
      [{ externalId: 'x13', kind: 'signup', promoCode: 'a!' }, 'promoCode'],
      [{ externalId: 'x14', kind: 'signup', occurredAt: 'yesterday' }, 'occurredAt'],
      [{ externalId: 'x15', kind: 'signup', occurredAt: new Date(Date.now() + 86_400_000).toISOString() }, 'occurredAt'],
      [{ externalId: 'x16', kind: 'signup', surprise: 1 }, 'surprise'],
    ];
    for (const [body, field] of cases) {
      const res = await track(h, w, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toContain(field);
    }
    const malformed = await h.request('POST', '/v1/track/conversions', { token: w.apiKey, rawBody: '{"externalId":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(await conversionsOf(h, w.program.id)).toEqual([]);
    expect(await customersOf(h, w.program.id)).toEqual([]);
  });

  it('never stores the raw email: conversions and customers keep its keyed hash only', async () => {
    const w = await createWorld(h);
    const res = await track(h, w, signup({ customer: { email: '  Ada.Lovelace@Example.COM ' }, ip: '203.0.113.9' }));
    expect(res.status).toBe(202);
    expect(JSON.stringify(res.body)).not.toMatch(/lovelace/i);
    const row = await conversionRow(h, res.body.id);
    // Keyed with the tenant's secret: a list of addresses and their sha256 tell nothing.
    expect(row.emailHmac).toBe(await storedEmailHash(h, w.tenant.id, 'ada.lovelace@example.com'));
    expect(row.emailHmac).not.toBe(sha256('ada.lovelace@example.com'));
    expect(JSON.stringify(row)).not.toContain(sha256('ada.lovelace@example.com'));
    expect(JSON.stringify(row)).not.toMatch(/lovelace/i);
    // The IP is kept as the day's keyed hash, not as an address.
    expect(row.ipHash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(row)).not.toContain('203.0.113.9');
    const [customer] = await customersOf(h, w.program.id);
    expect(customer!.emailHmac).toBe(row.emailHmac);
    expect(JSON.stringify(customer)).not.toContain(sha256('ada.lovelace@example.com'));
    expect(JSON.stringify(customer)).not.toMatch(/lovelace/i);
    await h.jobs.idle();
    expect(JSON.stringify(await conversionRow(h, res.body.id))).not.toMatch(/lovelace/i);
  });

  it('knows a customer again by reference or email, and links them to their member', async () => {
    const w = await createWorld(h);
    const byEmail = await createMember(h, w.program.id, { email: 'Linus@Example.com', country: 'US' });
    const byRef = await createMember(h, w.program.id, { externalId: 'shop-42' });
    const first = await track(h, w, signup({ customer: { email: 'linus@example.com' } }));
    const [viaEmail] = await h.db.select().from(customers).where(eq(customers.id, (await conversionRow(h, first.body.id)).customerId!));
    expect(viaEmail).toMatchObject({ memberId: byEmail.id, externalRef: null });
    // Later the merchant names them by reference too: the same customer, now with the reference.
    const second = await track(h, w, sale({ customer: { externalId: 'cus-linus', email: 'LINUS@example.com' } }));
    expect((await conversionRow(h, second.body.id)).customerId).toBe(viaEmail!.id);
    const [adopted] = await h.db.select().from(customers).where(eq(customers.id, viaEmail!.id));
    expect(adopted!.externalRef).toBe('cus-linus');

    const third = await track(h, w, sale({ customer: { externalId: 'shop-42' } }));
    const [viaRef] = await h.db.select().from(customers).where(eq(customers.id, (await conversionRow(h, third.body.id)).customerId!));
    expect(viaRef).toMatchObject({ memberId: byRef.id, externalRef: 'shop-42', emailHmac: null });
    expect(await customersOf(h, w.program.id)).toHaveLength(2);
    // The member's country is the market when nothing else tells it.
    expect((await processed(h, first.body.id)).marketCountry).toBe('US');

    // A member who joins after the customer was first seen is linked on their next conversion.
    const early = await track(h, w, sale({ customer: { externalId: 'joins-later' } }));
    const customerId = (await conversionRow(h, early.body.id)).customerId!;
    const joined = await createMember(h, w.program.id, { externalId: 'joins-later' });
    await track(h, w, sale({ customer: { externalId: 'joins-later' } }));
    const [linked] = await h.db.select().from(customers).where(eq(customers.id, customerId));
    expect(linked!.memberId).toBe(joined.id);
    await h.jobs.idle();
  });

  it('processes a conversion whose job was lost on the next sweep', async () => {
    const w = await createWorld(h);
    const unprocessed = { processedAt: null, attributionMethod: null, partnerMemberId: null, marketCountry: null, promoCode: 'NOSUCHCODE' } as const;
    // Reported ten minutes ago, and its job never ran.
    const lost = await createConversion(h, w, { ...unprocessed, createdAt: new Date(h.clock().getTime() - 10 * 60_000) });
    const recent = await createConversion(h, w, unprocessed);
    expect(await resumeUnprocessedConversions(h)).toBeGreaterThanOrEqual(1);
    await h.jobs.idle();
    expect((await conversionRow(h, lost.id)).processedAt).not.toBeNull();
    // One just reported may still have its job on the way: the sweep leaves it be.
    expect((await conversionRow(h, recent.id)).processedAt).toBeNull();
  });

  it('is for API keys: other callers are refused before anything is stored', async () => {
    const w = await createWorld(h);
    for (const token of [w.admin.token, w.manager.token, w.affiliate.token, w.member.token]) {
      expect((await h.request('POST', '/v1/track/conversions', { token, body: signup() })).status).toBe(403);
    }
    expect((await h.request('POST', '/v1/track/conversions', { body: signup() })).status).toBe(401);
    expect(await conversionsOf(h, w.program.id)).toEqual([]);
  });
});
