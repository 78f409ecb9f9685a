import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, commissionPolicies, commissionPolicyVersions } from '../../../db/schema/index.js';
import { DAY_MS } from '../../../src/core/points/calculations.js';
import { policyInForce } from '../../../src/payouts/policies/in-force.js';
import { createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const base = (w: World) => `/v1/programs/${w.program.id}/commission-policies`;
const put = (w: World, market: string, body: unknown, token = w.admin.token) => h.request('PUT', `${base(w)}/${market}`, { token, body });
const daysFromNow = (days: number) => new Date(h.clock().getTime() + days * DAY_MS);

const PER_SIGNUP = { mode: 'per_signup', signupAmount: 500 } as const;
const PER_TRANSACTION = { mode: 'per_transaction', percentBps: 1000, minAmount: 100, maxAmount: 5000 } as const;

const auditOf = (policyId: string) => h.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'commission_policy'), eq(auditLog.entityId, policyId))).orderBy(auditLog.at);
const versionsOf = async (w: World) => h.db.select().from(commissionPolicyVersions).where(eq(commissionPolicyVersions.programId, w.program.id));

describe('setting a market policy', () => {
  it('creates versions, audits each with before and after, and does not stack a repeated change', async () => {
    const w = await createWorld(h);
    const first = await put(w, 'DE', { ...PER_SIGNUP, note: 'launch terms' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      market: 'DE',
      country: 'DE',
      version: 1,
      mode: 'per_signup',
      currency: 'EUR', // the market's
      signupAmount: 500,
      percentBps: null,
      flatAmount: 0,
      holdDays: 30,
      attributionWindowDays: 30,
      note: 'launch terms',
      createdBy: w.admin.user.id,
    });

    // The same terms again: nothing new, answered with the version as it is.
    const replay = await put(w, 'DE', { ...PER_SIGNUP, note: 'launch terms' });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(first.body.id);

    const second = await put(w, 'DE', { ...PER_TRANSACTION, holdDays: 14, attributionWindowDays: 7 });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ version: 2, mode: 'per_transaction', percentBps: 1000, minAmount: 100, maxAmount: 5000, holdDays: 14, attributionWindowDays: 7, signupAmount: null });

    const audit = await auditOf(first.body.policyId);
    expect(audit.map((a) => [a.action, a.actorType, a.actorId])).toEqual([
      ['commission_policy.created', 'admin', w.admin.user.id],
      ['commission_policy.updated', 'admin', w.admin.user.id],
    ]);
    expect(audit[0]!.before).toBeNull();
    expect(audit[0]!.after).toMatchObject({ id: first.body.id, version: 1, signupAmount: 500 });
    expect(audit[1]!.before).toMatchObject({ id: first.body.id, version: 1, mode: 'per_signup' });
    expect(audit[1]!.after).toMatchObject({ id: second.body.id, version: 2, mode: 'per_transaction' });

    const versions = await h.request('GET', `${base(w)}/DE/versions`, { token: w.admin.token });
    expect(versions.status).toBe(200);
    expect(versions.body.data.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });

  it('picks the version in force at a conversion time, falling back to the default policy', async () => {
    const w = await createWorld(h);
    const v1 = await put(w, 'DE', { ...PER_SIGNUP, effectiveFrom: daysFromNow(-10).toISOString() });
    const v2 = await put(w, 'DE', { ...PER_SIGNUP, signupAmount: 700, effectiveFrom: daysFromNow(-5).toISOString() });
    const v3 = await put(w, 'DE', { ...PER_TRANSACTION, effectiveFrom: daysFromNow(5).toISOString() });
    const fallback = await put(w, 'default', { ...PER_SIGNUP, signupAmount: 100, effectiveFrom: daysFromNow(-30).toISOString() });
    for (const res of [v1, v2, v3, fallback]) expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(fallback.body).toMatchObject({ market: 'default', country: null, currency: w.program.payoutCurrency });

    const inForce = async (country: string | null, at: Date) => (await policyInForce(h.db, w.program.id, country, at))?.id ?? null;
    expect(await inForce('DE', daysFromNow(-40))).toBeNull();
    expect(await inForce('DE', daysFromNow(-20))).toBe(fallback.body.id); // before DE's own policy began
    expect(await inForce('DE', daysFromNow(-7))).toBe(v1.body.id);
    expect(await inForce('DE', new Date(v2.body.effectiveFrom))).toBe(v2.body.id); // from the very moment
    expect(await inForce('DE', new Date(new Date(v2.body.effectiveFrom).getTime() - 1))).toBe(v1.body.id);
    expect(await inForce('DE', daysFromNow(0))).toBe(v2.body.id);
    expect(await inForce('DE', daysFromNow(6))).toBe(v3.body.id);
    expect(await inForce('US', daysFromNow(0))).toBe(fallback.body.id); // no policy of its own
    expect(await inForce(null, daysFromNow(0))).toBe(fallback.body.id);

    // The list shows what is in force now and what is scheduled.
    const list = await h.request('GET', base(w), { token: w.admin.token });
    const de = list.body.data.find((p: { market: string }) => p.market === 'DE');
    expect(de.current.id).toBe(v2.body.id);
    expect(de.upcoming.map((v: { id: string }) => v.id)).toEqual([v3.body.id]);
    expect(list.body.data.find((p: { market: string }) => p.market === 'default').current.id).toBe(fallback.body.id);
  });

  it('lets a later version at the same moment win', async () => {
    const w = await createWorld(h);
    const at = daysFromNow(1).toISOString();
    const a = await put(w, 'DE', { ...PER_SIGNUP, effectiveFrom: at });
    const b = await put(w, 'DE', { ...PER_SIGNUP, signupAmount: 900, effectiveFrom: at });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect((await policyInForce(h.db, w.program.id, 'DE', new Date(at)))?.id).toBe(b.body.id);
  });

  it('refuses dates before the latest version and a switch that is not ahead, writing nothing', async () => {
    const w = await createWorld(h);
    const scheduled = await put(w, 'DE', { ...PER_SIGNUP, effectiveFrom: daysFromNow(3).toISOString() });
    expect(scheduled.status).toBe(201);

    // Default "now" is before the scheduled version: the caller must say when.
    const early = await put(w, 'DE', PER_TRANSACTION);
    expect(early.status).toBe(400);
    expect(early.body.error.details.issues).toEqual([expect.objectContaining({ field: 'effectiveFrom' })]);

    // One instant for both: two calls a millisecond apart would make the switch "ahead".
    const inFourDays = daysFromNow(4).toISOString();
    const pastSwitch = await put(w, 'DE', { ...PER_SIGNUP, percentBps: 800, effectiveFrom: inFourDays, switchToPerTransactionAt: inFourDays });
    expect(pastSwitch.status).toBe(400);
    expect(pastSwitch.body.error.details.issues).toEqual([expect.objectContaining({ field: 'switchToPerTransactionAt' })]);

    const missing = await put(w, 'DE', { mode: 'per_transaction', signupAmount: 5 });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['percentBps', 'signupAmount']);

    expect((await versionsOf(w)).length).toBe(1);

    const switchAt = daysFromNow(60).toISOString();
    const maturing = await put(w, 'DE', { ...PER_SIGNUP, percentBps: 800, effectiveFrom: daysFromNow(4).toISOString(), switchToPerTransactionAt: switchAt });
    expect(maturing.status).toBe(201);
    expect(maturing.body).toMatchObject({ version: 2, percentBps: 800, switchToPerTransactionAt: switchAt });
  });

  it('names the market when it is not one', async () => {
    const w = await createWorld(h);
    const lower = await put(w, 'de', PER_SIGNUP);
    expect(lower.status).toBe(400);
    expect(lower.body.error.details.issues[0].field).toBe('path.market');
    const unassigned = await put(w, 'XX', PER_SIGNUP);
    expect(unassigned.status).toBe(400);
    expect(unassigned.body.error.details.issues[0].field).toBe('market');
    // A real country the program has no market for.
    const noMarket = await put(w, 'FR', PER_SIGNUP);
    expect(noMarket.status).toBe(404);
    expect((await versionsOf(w)).length).toBe(0);
  });

  it('numbers concurrent changes in turn', async () => {
    const w = await createWorld(h);
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => put(w, 'DE', { ...PER_SIGNUP, signupAmount: i * 100 })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(results.map((r) => r.body.version).sort()).toEqual([1, 2, 3, 4, 5]);
    const policies = await h.db.select().from(commissionPolicies).where(eq(commissionPolicies.programId, w.program.id));
    expect(policies.length).toBe(1);
  });
});

describe('who may set which policy', () => {
  it('a regional manager sets and reads their countries only (403 out_of_scope elsewhere)', async () => {
    const w = await createWorld(h);
    const own = await put(w, 'DE', PER_SIGNUP, w.manager.token);
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.createdBy).toBe(w.manager.user.id);
    const [audit] = await auditOf(own.body.policyId);
    expect(audit).toMatchObject({ actorType: 'regional_manager', actorId: w.manager.user.id, action: 'commission_policy.created' });

    const other = await put(w, 'US', PER_TRANSACTION, w.manager.token);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('out_of_scope');
    expect((await h.request('GET', `${base(w)}/US/versions`, { token: w.manager.token })).status).toBe(403);
    const preview = await h.request('POST', `${base(w)}/US/preview`, { token: w.manager.token, body: PER_TRANSACTION });
    expect(preview.status).toBe(403);
    expect(preview.body.error.code).toBe('out_of_scope');

    // The admin sets US; the manager's list shows DE and the default, not US.
    expect((await put(w, 'US', PER_TRANSACTION)).status).toBe(201);
    expect((await put(w, 'default', PER_SIGNUP)).status).toBe(201);
    const list = await h.request('GET', base(w), { token: w.manager.token });
    expect(list.status).toBe(200);
    expect(list.body.data.map((p: { market: string }) => p.market).sort()).toEqual(['DE', 'default']);
    const adminList = await h.request('GET', base(w), { token: w.admin.token });
    expect(adminList.body.data.map((p: { market: string }) => p.market).sort()).toEqual(['DE', 'US', 'default']);
    expect((await versionsOf(w)).filter((v) => v.country === 'US').length).toBe(1);
  });

  it('the program default is for admins only', async () => {
    const w = await createWorld(h);
    const refused = await put(w, 'default', PER_SIGNUP, w.manager.token);
    expect(refused.status).toBe(403);
    expect((await versionsOf(w)).length).toBe(0);
    expect((await h.request('POST', `${base(w)}/default/preview`, { token: w.manager.token, body: PER_SIGNUP })).status).toBe(403);

    const set = await put(w, 'default', PER_SIGNUP);
    expect(set.status).toBe(201);
    // Reading it is fine: it pays the manager's markets that have no policy of their own.
    const read = await h.request('GET', `${base(w)}/default/versions`, { token: w.manager.token });
    expect(read.status).toBe(200);
    expect(read.body.data.map((v: { id: string }) => v.id)).toEqual([set.body.id]);
  });

  it("another tenant's staff cannot find the program", async () => {
    const w = await createWorld(h);
    const other = await createWorld(h);
    expect((await put(w, 'DE', PER_SIGNUP, other.admin.token)).status).toBe(404);
    expect((await h.request('GET', base(w), { token: other.manager.token })).status).toBe(404);
  });
});
