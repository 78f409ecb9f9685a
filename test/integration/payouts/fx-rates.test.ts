import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, fxRates } from '../../../db/schema/index.js';
import { DAY_MS } from '../../../src/core/points/calculations.js';
import { FxBook, FxRateMissing, fxRateAt } from '../../../src/payouts/fx.js';
import { createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

/** Rates are global, so each test uses currency pairs of its own. */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const daysFromNow = (days: number) => new Date(h.clock().getTime() + days * DAY_MS);
const ratesOf = (base: string, quote: string) => h.db.select().from(fxRates).where(and(eq(fxRates.base, base), eq(fxRates.quote, quote)));

describe('setting exchange rates', () => {
  it('an admin sets a rate; the same rate again is a replay, another rate for that moment a conflict', async () => {
    const w = await createWorld(h);
    const effectiveAt = daysFromNow(-1).toISOString();
    const set = await h.request('PUT', '/v1/fx-rates', { token: w.admin.token, body: { base: 'USD', quote: 'EUR', rate: '0.9215', effectiveAt } });
    expect(set.status, JSON.stringify(set.body)).toBe(201);
    expect(set.body).toMatchObject({ base: 'USD', quote: 'EUR', rate: '0.9215', effectiveAt, source: 'manual', createdBy: w.admin.user.id });
    const [audit] = await h.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'fx_rate'), eq(auditLog.entityId, set.body.id)));
    expect(audit).toMatchObject({ action: 'fx_rate.set', actorType: 'admin', tenantId: w.tenant.id, before: null, after: expect.objectContaining({ rate: '0.9215' }) });

    // The same value written differently is the same rate.
    const replay = await h.request('PUT', '/v1/fx-rates', { token: w.admin.token, body: { base: 'USD', quote: 'EUR', rate: '0.92150', effectiveAt } });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(set.body.id);

    const conflict = await h.request('PUT', '/v1/fx-rates', { token: w.admin.token, body: { base: 'USD', quote: 'EUR', rate: 0.93, effectiveAt } });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.details).toMatchObject({ field: 'effectiveAt', rateId: set.body.id });
    expect((await ratesOf('USD', 'EUR')).map((r) => r.id)).toEqual([set.body.id]);

    // Without effectiveAt the rate starts now.
    const now = await h.request('PUT', '/v1/fx-rates', { token: w.admin.token, body: { base: 'USD', quote: 'EUR', rate: 0.93 } });
    expect(now.status).toBe(201);
    expect(Math.abs(new Date(now.body.effectiveAt).getTime() - h.clock().getTime())).toBeLessThan(5000);
  });

  it('refuses bad input naming the field, writing nothing', async () => {
    const w = await createWorld(h);
    const cases: [unknown, string[]][] = [
      [{ base: 'GBP', quote: 'GBP', rate: '1' }, ['quote']],
      [{ base: 'GBP', quote: 'CHF', rate: '0' }, ['rate']],
      [{ base: 'GBP', quote: 'CHF', rate: 'cheap' }, ['rate']],
      [{ base: 'GBP', quote: 'CHF', rate: '1.12345678901' }, ['rate']],
      [{ base: 'POUND', quote: 'CHF', rate: '1.1' }, ['base']],
      [{ base: 'GBP', quote: 'CHF', rate: '1.1', effectiveAt: 'tomorrow' }, ['effectiveAt']],
      [{ base: 'GBP', quote: 'CHF', rate: '1.1', source: 'ecb' }, ['source']],
    ];
    for (const [body, fields] of cases) {
      const res = await h.request('PUT', '/v1/fx-rates', { token: w.admin.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(fields);
    }
    expect(await ratesOf('GBP', 'CHF')).toEqual([]);
    expect(await ratesOf('GBP', 'GBP')).toEqual([]);
  });

  it('only admins set rates; staff list them by pair, page by page', async () => {
    const w = await createWorld(h);
    const refused = await h.request('PUT', '/v1/fx-rates', { token: w.manager.token, body: { base: 'SEK', quote: 'NOK', rate: '1' } });
    expect(refused.status).toBe(403);
    for (const [days, rate] of [[-3, '0.98'], [-2, '0.99'], [-1, '1.01']] as const) {
      expect((await h.request('PUT', '/v1/fx-rates', { token: w.admin.token, body: { base: 'SEK', quote: 'NOK', rate, effectiveAt: daysFromNow(days).toISOString() } })).status).toBe(201);
    }
    await h.request('PUT', '/v1/fx-rates', { token: w.admin.token, body: { base: 'SEK', quote: 'DKK', rate: '0.65' } });

    const first = await h.request('GET', '/v1/fx-rates?base=SEK&quote=NOK&limit=2', { token: w.manager.token });
    expect(first.status).toBe(200);
    expect(first.body.data.map((r: { rate: string }) => r.rate)).toEqual(['0.98', '0.99']);
    const second = await h.request('GET', `/v1/fx-rates?base=SEK&quote=NOK&limit=2&cursor=${first.body.nextCursor}`, { token: w.manager.token });
    expect(second.body).toMatchObject({ data: [{ rate: '1.01' }], nextCursor: null });
    const fromSek = await h.request('GET', '/v1/fx-rates?base=SEK', { token: w.admin.token });
    expect(fromSek.body.data.map((r: { quote: string }) => r.quote).sort()).toEqual(['DKK', 'NOK', 'NOK', 'NOK']);

    const bad = await h.request('GET', '/v1/fx-rates?base=sek', { token: w.admin.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('query.base');
  });
});

describe('the rate in force', () => {
  it('is the latest effective at or before the moment, directional, and 1 for the same currency', async () => {
    const w = await createWorld(h);
    const tenantId = w.tenant.id;
    const [oldest, , fifth] = await h.db
      .insert(fxRates)
      .values([
        { tenantId, base: 'AUD', quote: 'NZD', rate: '1.0800000000', effectiveAt: daysFromNow(-10) },
        { tenantId, base: 'AUD', quote: 'NZD', rate: '1.1000000000', effectiveAt: daysFromNow(1) },
        { tenantId, base: 'AUD', quote: 'NZD', rate: '1.0900000000', effectiveAt: daysFromNow(-5) },
      ])
      .returning();
    const rateAt = async (at: Date) => (await fxRateAt(h.db, tenantId, 'AUD', 'NZD', at))?.rate ?? null;
    expect(await rateAt(daysFromNow(-20))).toBeNull();
    expect(await rateAt(daysFromNow(-7))).toBe('1.08');
    expect(await rateAt(fifth!.effectiveAt)).toBe('1.09'); // from the very moment
    expect(await rateAt(new Date(fifth!.effectiveAt.getTime() - 1))).toBe('1.08');
    expect(await rateAt(daysFromNow(0))).toBe('1.09');
    expect(await rateAt(daysFromNow(2))).toBe('1.1');
    // Not derived from the other direction: a rate paid is always one someone set.
    expect(await fxRateAt(h.db, tenantId, 'NZD', 'AUD', daysFromNow(0))).toBeNull();
    expect(await fxRateAt(h.db, tenantId, 'AUD', 'AUD', daysFromNow(0))).toEqual({ rate: '1', rateId: null });
    // Each tenant prices with its own rates only.
    const other = await createWorld(h);
    expect(await fxRateAt(h.db, other.tenant.id, 'AUD', 'NZD', daysFromNow(0))).toBeNull();

    // The book loaded for a period agrees, including the rate set before the period began.
    const book = await FxBook.load(h.db, tenantId, [['AUD', 'NZD'], ['NZD', 'AUD']], daysFromNow(-7), daysFromNow(0));
    expect(book.rateAt('AUD', 'NZD', daysFromNow(-7))).toEqual({ rate: '1.08', rateId: oldest!.id });
    expect(await fxRateAt(h.db, tenantId, 'AUD', 'NZD', daysFromNow(-7))).toEqual({ rate: '1.08', rateId: oldest!.id });
    expect(book.rateAt('AUD', 'NZD', daysFromNow(-1))?.rate).toBe('1.09');
    expect(book.rateAt('AUD', 'NZD', daysFromNow(-20))).toBeNull();
    expect(book.rateAt('NZD', 'AUD', daysFromNow(-1))).toBeNull();
    expect(book.converterAt(daysFromNow(-1))(10_000, 'AUD', 'NZD')).toBe(10_900);
    expect(() => book.converterAt(daysFromNow(-1))(10_000, 'NZD', 'AUD')).toThrow(FxRateMissing);
  });
});
