import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversion, createMember, createUser, createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const list = (programId: string, token: string, query = '') => h.request('GET', `/v1/programs/${programId}/conversions${query}`, { token });
const ids = (body: { data: { id: string }[] }) => body.data.map((c) => c.id).sort();

/** A world with conversions in DE (the affiliate's), in US (a referring member's), and one unprocessed. */
async function worldWithConversions() {
  const w = await createWorld(h);
  const referrer = await createMember(h, w.program.id, { country: 'US' });
  const referrerLogin = await createUser(h, { tenantId: w.tenant.id, role: 'member', memberId: referrer.id, programId: w.program.id });
  const de = await createConversion(h, w, { emailHmac: 'a'.repeat(64), customerRef: 'cust-de', metadata: { note: 'x' } });
  const us = await createConversion(h, w, { kind: 'signup', amount: null, currency: null, partnerMemberId: referrer.id, marketCountry: 'US', attributionMethod: 'click_id' });
  const unprocessed = await createConversion(h, w, { processedAt: null, attributionMethod: null, partnerMemberId: null, marketCountry: null });
  return { w, referrer, referrerLogin, de, us, unprocessed };
}

describe('conversion list and get', () => {
  it('scopes the list: admin and API key all, regional managers by market, partners their own', async () => {
    const { w, referrerLogin, de, us, unprocessed } = await worldWithConversions();
    const all = [de.id, us.id, unprocessed.id].sort();
    expect(ids((await list(w.program.id, w.admin.token)).body)).toEqual(all);
    expect(ids((await list(w.program.id, w.apiKey)).body)).toEqual(all);
    expect(ids((await list(w.program.id, w.manager.token)).body)).toEqual([de.id]);
    expect(ids((await list(w.program.id, w.affiliate.token)).body)).toEqual([de.id]);
    expect(ids((await list(w.program.id, referrerLogin.token)).body)).toEqual([us.id]);
    expect(ids((await list(w.program.id, w.member.token)).body)).toEqual([]);
    const usManager = await createUser(h, { tenantId: w.tenant.id, role: 'regional_manager', countries: ['US', 'FR'] });
    expect(ids((await list(w.program.id, usManager.token)).body)).toEqual([us.id]);
    // Filters narrow within the scope, never beyond it.
    expect(ids((await list(w.program.id, w.admin.token, '?kind=signup')).body)).toEqual([us.id]);
    expect(ids((await list(w.program.id, w.admin.token, '?method=promo_code')).body)).toEqual([de.id]);
    expect(ids((await list(w.program.id, w.admin.token, '?method=none')).body)).toEqual([]);
    expect(ids((await list(w.program.id, w.admin.token, '?country=DE&status=completed')).body)).toEqual([de.id]);
    expect(ids((await list(w.program.id, w.manager.token, '?country=US')).body)).toEqual([]);
    expect(ids((await list(w.program.id, w.affiliate.token, `?partnerMemberId=${us.partnerMemberId}`)).body)).toEqual([]);
    const paged = await list(w.program.id, w.admin.token, '?limit=2');
    expect(paged.body.data).toHaveLength(2);
    const rest = await list(w.program.id, w.admin.token, `?limit=2&cursor=${paged.body.nextCursor}`);
    expect([...ids(paged.body), ...ids(rest.body)].sort()).toEqual(all);
    expect((await list(w.program.id, w.admin.token, '?country=XX')).status).toBe(400);
    const other = await createWorld(h);
    expect((await list(w.program.id, other.admin.token)).status).toBe(404);
    expect((await list(w.program.id, other.apiKey)).status).toBe(404);
  });

  it('gets one conversion within the same scope (404 outside it), by externalId for the API key', async () => {
    const { w, referrerLogin, de, us } = await worldWithConversions();
    const get = (id: string, token: string) => h.request('GET', `/v1/conversions/${encodeURIComponent(id)}`, { token });
    const staff = await get(de.id, w.admin.token);
    expect(staff.status).toBe(200);
    expect(staff.body).toMatchObject({ id: de.id, evidence: { customerRef: 'cust-de', emailHash: 'a'.repeat(64) }, metadata: { note: 'x' }, attribution: { method: 'promo_code', marketCountry: 'DE' } });
    expect((await get(de.externalId, w.apiKey)).body.id).toBe(de.id);
    expect((await get(de.externalId, w.admin.token)).status).toBe(404);
    expect((await get(de.id, w.manager.token)).status).toBe(200);
    expect((await get(us.id, w.manager.token)).status).toBe(404);
    // The partner sees what the conversion earned them, not who the customer is.
    const partner = await get(de.id, w.affiliate.token);
    expect(partner.status).toBe(200);
    expect(partner.body).not.toHaveProperty('evidence');
    expect(partner.body).not.toHaveProperty('metadata');
    expect(partner.body).not.toHaveProperty('customerId');
    expect(JSON.stringify(partner.body)).not.toContain('cust-de');
    expect((await get(us.id, w.affiliate.token)).status).toBe(404);
    expect((await get(us.id, referrerLogin.token)).status).toBe(200);
    expect((await get(de.id, w.member.token)).status).toBe(404);
    const other = await createWorld(h);
    for (const token of [other.admin.token, other.apiKey, other.manager.token, other.affiliate.token]) {
      expect((await get(de.id, token)).status).toBe(404);
    }
    expect((await get(de.externalId, other.apiKey)).status).toBe(404);
  });
});
