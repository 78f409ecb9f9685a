import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, promoCodes } from '../../../db/schema/index.js';
import { createAffiliate, createMember, createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { sale, trackProcessed } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const path = (programId: string) => `/v1/programs/${programId}/promo-codes`;

describe('promo codes', () => {
  it('creates a code for an approved affiliate, in capitals, unique in the program', async () => {
    const w = await createWorld(h);
    const created = await h.request('POST', path(w.program.id), { token: w.admin.token, body: { code: ' ada10 ', partnerMemberId: w.affiliate.member.id } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'ADA10', partnerMemberId: w.affiliate.member.id, status: 'active', archivedAt: null });
    const audits = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, created.body.id), eq(auditLog.action, 'promo_code.created')));
    expect(audits).toHaveLength(1);

    const taken = await h.request('POST', path(w.program.id), { token: w.apiKey, body: { code: 'Ada10', partnerMemberId: w.affiliate.member.id } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.details).toEqual({ field: 'code' });
    // Another program may use the same code.
    const other = await createWorld(h);
    expect((await h.request('POST', path(other.program.id), { token: other.admin.token, body: { code: 'ADA10', partnerMemberId: other.affiliate.member.id } })).status).toBe(201);

    const pending = await createAffiliate(h, w.program.id, {}, 'pending');
    const notAffiliate = await createMember(h, w.program.id);
    for (const memberId of [pending.id, notAffiliate.id]) {
      const res = await h.request('POST', path(w.program.id), { token: w.admin.token, body: { code: `X${memberId.slice(-8).toUpperCase()}`, partnerMemberId: memberId } });
      expect(res.status).toBe(422);
    }
    const bad = await h.request('POST', path(w.program.id), { token: w.admin.token, body: { code: 'a b', partnerMemberId: w.affiliate.member.id } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('code');
    expect(await h.db.select().from(promoCodes).where(eq(promoCodes.programId, w.program.id))).toHaveLength(1);
  });

  it('scopes codes through their affiliate: regional managers by country, affiliates their own', async () => {
    const w = await createWorld(h);
    const us = await createAffiliate(h, w.program.id, { country: 'US' });
    // The DE manager: the DE affiliate yes, the US affiliate is not found.
    expect((await h.request('POST', path(w.program.id), { token: w.manager.token, body: { code: 'DE-ONE', partnerMemberId: w.affiliate.member.id } })).status).toBe(201);
    expect((await h.request('POST', path(w.program.id), { token: w.manager.token, body: { code: 'US-ONE', partnerMemberId: us.id } })).status).toBe(404);
    const usCode = await h.request('POST', path(w.program.id), { token: w.admin.token, body: { code: 'US-ONE', partnerMemberId: us.id } });
    expect(usCode.status).toBe(201);
    expect((await h.request('POST', path(w.program.id), { token: w.affiliate.token, body: { code: 'MINE', partnerMemberId: w.affiliate.member.id } })).status).toBe(403);

    const codes = async (token: string) => ((await h.request('GET', path(w.program.id), { token })).body.data as { code: string }[]).map((c) => c.code).sort();
    expect(await codes(w.admin.token)).toEqual(['DE-ONE', 'US-ONE']);
    expect(await codes(w.manager.token)).toEqual(['DE-ONE']);
    expect(await codes(w.affiliate.token)).toEqual(['DE-ONE']);
    expect((await h.request('GET', `${path(w.program.id)}?code=us-one`, { token: w.apiKey })).body.data).toHaveLength(1);
    expect((await h.request('POST', `/v1/promo-codes/${usCode.body.id}/archive`, { token: w.manager.token })).status).toBe(404);
    const other = await createWorld(h);
    expect((await h.request('POST', `/v1/promo-codes/${usCode.body.id}/archive`, { token: other.admin.token })).status).toBe(404);
    expect((await h.request('GET', path(w.program.id), { token: other.affiliate.token })).status).toBe(404);
  });

  it('archives a code: it attributes until then, never after, and stays taken', async () => {
    const w = await createWorld(h);
    const created = await h.request('POST', path(w.program.id), { token: w.admin.token, body: { code: 'SPRING', partnerMemberId: w.affiliate.member.id } });
    expect(await trackProcessed(h, w, sale({ promoCode: 'spring' }))).toMatchObject({ attributionMethod: 'promo_code', partnerMemberId: w.affiliate.member.id });
    const archived = await h.request('POST', `/v1/promo-codes/${created.body.id}/archive`, { token: w.apiKey });
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ status: 'archived' });
    const again = await h.request('POST', `/v1/promo-codes/${created.body.id}/archive`, { token: w.admin.token });
    expect(again.body.archivedAt).toBe(archived.body.archivedAt);
    expect(await trackProcessed(h, w, sale({ promoCode: 'SPRING' }))).toMatchObject({ attributionMethod: 'none', partnerMemberId: null });
    expect((await h.request('POST', path(w.program.id), { token: w.admin.token, body: { code: 'SPRING', partnerMemberId: w.affiliate.member.id } })).status).toBe(409);
    const audits = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, created.body.id), eq(auditLog.action, 'promo_code.archived')));
    expect(audits).toHaveLength(1);
  });
});
