import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, members } from '../../../db/schema/index.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createWorld } from '../../helpers/factories.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const tiersPath = (programId: string) => `/v1/programs/${programId}/tiers`;
const silver = { name: 'Silver', rank: 1, qualification: { match: 'any', pointsEarned: 1000 }, upgradeGiftPoints: 100, benefits: ['Free shipping'] };

describe('tier CRUD', () => {
  it('creates, reads, lists, updates and deletes a tier, with an audit trail', async () => {
    const w = await createWorld(h);
    const created = await h.request('POST', tiersPath(w.program.id), { token: w.admin.token, body: silver });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Silver',
      rank: 1,
      kind: 'standard',
      qualification: { match: 'any', pointsEarned: 1000 },
      pointsMultiplierBps: 10_000,
      feeAmount: null,
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    const id = created.body.id;

    const got = await h.request('GET', `${tiersPath(w.program.id)}/${id}`, { token: w.apiKey });
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(id);

    const updated = await h.request('PATCH', `${tiersPath(w.program.id)}/${id}`, { token: w.admin.token, body: { name: 'Silver+', pointsMultiplierBps: 15_000 } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Silver+', pointsMultiplierBps: 15_000, rank: 1, upgradeGiftPoints: 100 });

    const list = await h.request('GET', tiersPath(w.program.id), { token: w.manager.token });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [expect.objectContaining({ id, name: 'Silver+' })], nextCursor: null });

    const deleted = await h.request('DELETE', `${tiersPath(w.program.id)}/${id}`, { token: w.admin.token });
    expect(deleted.status).toBe(204);
    expect((await h.request('GET', `${tiersPath(w.program.id)}/${id}`, { token: w.admin.token })).status).toBe(404);
    expect((await h.request('GET', tiersPath(w.program.id), { token: w.admin.token })).body.data).toEqual([]);

    const audit = await h.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    expect(audit.map((a) => a.action).sort()).toEqual(['tier.create', 'tier.delete', 'tier.update']);
  });

  it('pages by cursor', async () => {
    const w = await createWorld(h);
    for (const rank of [0, 1, 2]) {
      const qualification = rank === 0 ? { match: 'any' } : { match: 'any', referredSignups: rank };
      expect((await h.request('POST', tiersPath(w.program.id), { token: w.admin.token, body: { name: `T${rank}`, rank, qualification } })).status).toBe(201);
    }
    const first = await h.request('GET', `${tiersPath(w.program.id)}?limit=2`, { token: w.admin.token });
    expect(first.body.data.map((t: any) => t.name)).toEqual(['T0', 'T1']);
    const second = await h.request('GET', `${tiersPath(w.program.id)}?limit=2&cursor=${first.body.nextCursor}`, { token: w.admin.token });
    expect(second.body).toEqual({ data: [expect.objectContaining({ name: 'T2' })], nextCursor: null });
  });

  it.each([
    { case: 'negative multiplier', body: { ...silver, pointsMultiplierBps: -1 }, fields: ['pointsMultiplierBps'] },
    { case: 'fractional threshold', body: { ...silver, qualification: { match: 'any', pointsEarned: 10.5 } }, fields: ['qualification.pointsEarned'] },
    { case: 'negative threshold', body: { ...silver, qualification: { match: 'all', referredSignups: -2 } }, fields: ['qualification.referredSignups'] },
    { case: 'unknown match', body: { ...silver, qualification: { match: 'most', pointsEarned: 1 } }, fields: ['qualification.match'] },
    { case: 'unknown metric', body: { ...silver, qualification: { match: 'any', visits: 3 } }, fields: ['qualification.visits'] },
    { case: 'paid tier without fee', body: { name: 'VIP', rank: 5, kind: 'paid' }, fields: ['feeAmount', 'feeCurrency', 'validityDays'] },
    { case: 'paid tier with thresholds', body: { name: 'VIP', rank: 5, kind: 'paid', feeAmount: 999, feeCurrency: 'EUR', validityDays: 30, qualification: { match: 'any', pointsEarned: 1 } }, fields: ['qualification'] },
    { case: 'standard tier with a fee', body: { ...silver, feeAmount: 500 }, fields: ['feeAmount'] },
    { case: 'standard tier above rank 0 without thresholds', body: { name: 'Silver', rank: 1 }, fields: ['qualification'] },
    { case: 'lower-case currency', body: { name: 'VIP', rank: 5, kind: 'paid', feeAmount: 999, feeCurrency: 'eur', validityDays: 30 }, fields: ['feeCurrency'] },
  ])('refuses $case, naming the fields, and writes nothing', async ({ body, fields }) => {
    const w = await createWorld(h);
    const res = await h.request('POST', tiersPath(w.program.id), { token: w.admin.token, body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.issues.map((i: any) => i.field).sort()).toEqual([...fields].sort());
    expect((await h.request('GET', tiersPath(w.program.id), { token: w.admin.token })).body.data).toEqual([]);
  });

  it('keeps ranks unique, on create and on update, and frees the rank of a deleted tier', async () => {
    const w = await createWorld(h);
    const a = await h.request('POST', tiersPath(w.program.id), { token: w.admin.token, body: silver });
    const dup = await h.request('POST', tiersPath(w.program.id), { token: w.admin.token, body: { ...silver, name: 'Other' } });
    expect(dup.status).toBe(400);
    expect(dup.body.error.details.issues).toEqual([{ field: 'rank', reason: expect.stringContaining('already used') }]);
    const b = await h.request('POST', tiersPath(w.program.id), { token: w.admin.token, body: { ...silver, name: 'Gold', rank: 2 } });
    const clash = await h.request('PATCH', `${tiersPath(w.program.id)}/${b.body.id}`, { token: w.admin.token, body: { rank: 1 } });
    expect(clash.status).toBe(400);
    expect(clash.body.error.details.issues[0].field).toBe('rank');
    expect((await h.request('DELETE', `${tiersPath(w.program.id)}/${a.body.id}`, { token: w.admin.token })).status).toBe(204);
    expect((await h.request('PATCH', `${tiersPath(w.program.id)}/${b.body.id}`, { token: w.admin.token, body: { rank: 1 } })).status).toBe(200);
  });

  it('refuses to delete a tier members hold (409)', async () => {
    const w = await createWorld(h);
    const tier = await h.request('POST', tiersPath(w.program.id), { token: w.admin.token, body: { name: 'Bronze', rank: 0 } });
    await h.db.update(members).set({ tierId: tier.body.id, tierAchievedAt: h.clock() }).where(eq(members.id, w.member.member.id));
    const res = await h.request('DELETE', `${tiersPath(w.program.id)}/${tier.body.id}`, { token: w.admin.token });
    expect(res.status).toBe(409);
    expect(res.body.error.details).toEqual({ holders: 1 });
    expect((await h.request('GET', `${tiersPath(w.program.id)}/${tier.body.id}`, { token: w.admin.token })).status).toBe(200);
  });

  it('lets members and affiliates list their own program tiers but nothing else', async () => {
    const w = await createWorld(h);
    const other = await createWorld(h);
    await h.request('POST', tiersPath(w.program.id), { token: w.admin.token, body: { name: 'Bronze', rank: 0 } });
    for (const token of [w.member.token, w.affiliate.token]) {
      const own = await h.request('GET', tiersPath(w.program.id), { token });
      expect(own.status).toBe(200);
      expect(own.body.data).toHaveLength(1);
      expect((await h.request('GET', tiersPath(other.program.id), { token })).status).toBe(404);
      expect((await h.request('POST', tiersPath(w.program.id), { token, body: { name: 'Mine', rank: 3, qualification: { match: 'any', pointsEarned: 1 } } })).status).toBe(403);
    }
    for (const token of [w.manager.token, w.apiKey]) {
      expect((await h.request('POST', tiersPath(w.program.id), { token, body: silver })).status).toBe(403);
    }
    // Another tenant's admin cannot see the program at all.
    expect((await h.request('GET', tiersPath(w.program.id), { token: other.admin.token })).status).toBe(404);
  });
});
