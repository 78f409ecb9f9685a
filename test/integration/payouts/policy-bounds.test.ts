import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, commissionPolicyVersions, fxRates, markets } from '../../../db/schema/index.js';
import { createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

/**
 * Commission terms have upper bounds per market: above them a policy version is refused (400,
 * `too_big` with the limit, naming the field) and nothing is stored, unless an admin raised the
 * bound. Worlds here have DE (EUR), US (USD), BR (BRL) and JP (JPY) markets; the regional manager
 * runs DE, BR and JP.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

async function boundsWorld() {
  const w = await createWorld(h);
  await h.db.insert(markets).values([
    { programId: w.program.id, country: 'BR', currency: 'BRL', defaultLocale: 'pt-BR', stage: 'new' },
    { programId: w.program.id, country: 'JP', currency: 'JPY', defaultLocale: 'ja', stage: 'new' },
  ]);
  const manager = await h.request('POST', '/v1/users', {
    token: w.admin.token,
    body: { email: `bounds-${w.program.id}@example.test`, name: 'Bounds Manager', password: 'correct horse battery staple', role: 'regional_manager', countries: ['DE', 'BR', 'JP'] },
  });
  expect(manager.status).toBe(201);
  const login = await h.request('POST', '/v1/auth/login', { body: { email: `bounds-${w.program.id}@example.test`, password: 'correct horse battery staple' } });
  return { w, managerToken: login.body.accessToken as string };
}

const policy = (w: World, market: string) => `/v1/programs/${w.program.id}/commission-policies/${market}`;
const marketsOf = async (w: World, token: string) => (await h.request('GET', `/v1/programs/${w.program.id}/markets`, { token })).body.data as any[];
const marketId = async (w: World, country: string) => (await h.db.select().from(markets).where(and(eq(markets.programId, w.program.id), eq(markets.country, country))))[0]!.id;
const setBounds = async (w: World, country: string, body: unknown, token = w.admin.token) =>
  h.request('PUT', `/v1/programs/${w.program.id}/markets/${await marketId(w, country)}/commission-bounds`, { token, body });
const versions = async (w: World) => h.db.select().from(commissionPolicyVersions).where(eq(commissionPolicyVersions.programId, w.program.id));
const tooBig = (res: { status: number; body: any }) => {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  return res.body.error.details.issues.map((i: { field: string; code: string; limit: number }) => ({ field: i.field, code: i.code, limit: i.limit }));
};

describe('commission bounds per market', () => {
  it.each([
    // The issue's case: R$ 21,474,836.47 per signup with no hold.
    { market: 'BR', terms: { mode: 'per_signup', signupAmount: 2_147_483_647, holdDays: 0 }, field: 'signupAmount', limit: 100_000 },
    { market: 'DE', terms: { mode: 'per_signup', signupAmount: 100_001 }, field: 'signupAmount', limit: 100_000 },
    { market: 'DE', terms: { mode: 'per_transaction', percentBps: 5_001 }, field: 'percentBps', limit: 5_000 },
    { market: 'DE', terms: { mode: 'per_transaction', percentBps: 1_000, flatAmount: 100_001 }, field: 'flatAmount', limit: 100_000 },
    { market: 'DE', terms: { mode: 'per_transaction', percentBps: 1_000, minAmount: 100_001 }, field: 'minAmount', limit: 100_000 },
    // A switch date brings per-sale terms into a per-signup version: bounded too.
    { market: 'BR', terms: { mode: 'per_signup', signupAmount: 500, percentBps: 9_000, switchToPerTransactionAt: '2099-01-01T00:00:00Z' }, field: 'percentBps', limit: 5_000 },
    // No minor units in JPY: the default is 100,000 yen, not 1,000.
    { market: 'JP', terms: { mode: 'per_signup', signupAmount: 100_001 }, field: 'signupAmount', limit: 100_000 },
  ])('refuses $field above $limit in $market, saving nothing and pricing nothing', async ({ market, terms, field, limit }) => {
    const { w, managerToken } = await boundsWorld();
    expect(tooBig(await h.request('PUT', policy(w, market), { token: managerToken, body: terms }))).toEqual([{ field, code: 'too_big', limit }]);
    expect(tooBig(await h.request('POST', `${policy(w, market)}/preview`, { token: managerToken, body: terms }))).toEqual([{ field, code: 'too_big', limit }]);
    expect(await versions(w)).toEqual([]);
  });

  it.each([
    { market: 'DE', terms: { mode: 'per_signup', signupAmount: 100_000 } },
    { market: 'JP', terms: { mode: 'per_signup', signupAmount: 100_000 } },
    { market: 'DE', terms: { mode: 'per_transaction', percentBps: 5_000, flatAmount: 100_000, minAmount: 100_000, maxAmount: 5_000_000 } },
  ])('takes terms at the bound in $market (a cap, maxAmount, only lowers a commission and has none)', async ({ market, terms }) => {
    const { w, managerToken } = await boundsWorld();
    const res = await h.request('PUT', policy(w, market), { token: managerToken, body: terms });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('lets an admin raise a bound, audited; null goes back to the default; a manager may not', async () => {
    const { w, managerToken } = await boundsWorld();
    const bounty = { mode: 'per_signup', signupAmount: 250_000, holdDays: 30 };
    expect(tooBig(await h.request('PUT', policy(w, 'BR'), { token: managerToken, body: bounty }))).toEqual([{ field: 'signupAmount', code: 'too_big', limit: 100_000 }]);

    expect((await setBounds(w, 'BR', { maxSignupAmount: 300_000 }, managerToken)).status).toBe(403);
    const raised = await setBounds(w, 'BR', { maxSignupAmount: 300_000 });
    expect(raised.status).toBe(200);
    expect(raised.body.commissionBounds).toEqual({ maxSignupAmount: 300_000, maxSaleAmount: 100_000, maxPercentBps: 5_000, setByAdmin: true });
    const [audit] = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, raised.body.id), eq(auditLog.action, 'market.commission_bounds_set')));
    expect(audit).toMatchObject({ before: { commissionBounds: { maxSignupAmount: 100_000, setByAdmin: false } }, after: { commissionBounds: { maxSignupAmount: 300_000, setByAdmin: true } } });

    expect((await h.request('PUT', policy(w, 'BR'), { token: managerToken, body: bounty })).status).toBe(201);
    // The manager sees the bounds of their markets; affiliates and members see none.
    expect((await marketsOf(w, managerToken)).find((m) => m.country === 'BR').commissionBounds).toMatchObject({ maxSignupAmount: 300_000, setByAdmin: true });
    expect((await marketsOf(w, w.affiliate.token)).every((m) => m.commissionBounds === null)).toBe(true);

    const back = await setBounds(w, 'BR', { maxSignupAmount: null });
    expect(back.body.commissionBounds).toEqual({ maxSignupAmount: 100_000, maxSaleAmount: 100_000, maxPercentBps: 5_000, setByAdmin: false });
    expect(tooBig(await h.request('PUT', policy(w, 'BR'), { token: managerToken, body: { ...bounty, signupAmount: 260_000 } }))).toEqual([{ field: 'signupAmount', code: 'too_big', limit: 100_000 }]);
  });

  it('names a bad bound', async () => {
    const { w } = await boundsWorld();
    const res = await setBounds(w, 'DE', { maxSignupAmount: -1, maxPercentBps: 100_001, maxSomething: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['maxPercentBps', 'maxSignupAmount', 'maxSomething']);
  });

  it('starts a market whose currency changes from the new currency’s defaults', async () => {
    const { w } = await boundsWorld();
    await setBounds(w, 'JP', { maxSignupAmount: 5_000_000 });
    const changed = await h.request('PATCH', `/v1/programs/${w.program.id}/markets/${await marketId(w, 'JP')}`, { token: w.admin.token, body: { currency: 'EUR' } });
    expect(changed.status).toBe(200);
    expect(changed.body.commissionBounds).toEqual({ maxSignupAmount: 100_000, maxSaleAmount: 100_000, maxPercentBps: 5_000, setByAdmin: false });
  });

  it('compares terms in another currency at the tenant’s rate, and refuses the currency without one', async () => {
    const { w, managerToken } = await boundsWorld();
    const inUsd = (signupAmount: number) => h.request('PUT', policy(w, 'DE'), { token: managerToken, body: { mode: 'per_signup', currency: 'USD', signupAmount } });
    const noRate = await inUsd(500);
    expect(noRate.status).toBe(400);
    expect(noRate.body.error.details.issues).toEqual([expect.objectContaining({ field: 'currency', code: 'invalid' })]);
    await h.db.insert(fxRates).values({ tenantId: w.tenant.id, base: 'EUR', quote: 'USD', rate: '1.1', effectiveAt: new Date(h.clock().getTime() - 60_000) });
    // 1,000.00 EUR is 1,100.00 USD.
    expect(tooBig(await inUsd(110_001))).toEqual([{ field: 'signupAmount', code: 'too_big', limit: 110_000 }]);
    expect((await inUsd(110_000)).status).toBe(201);
  });

  it('bounds the program’s default policy by the defaults of the payout currency', async () => {
    const { w } = await boundsWorld();
    expect(tooBig(await h.request('PUT', policy(w, 'default'), { token: w.admin.token, body: { mode: 'per_signup', signupAmount: 100_001 } }))).toEqual([
      { field: 'signupAmount', code: 'too_big', limit: 100_000 },
    ]);
  });
});
