import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLink, createUser, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { plantClicks, plantConversion } from './fixtures.js';
import { MARCH, NOW } from './world.js';

/** Who may see which KPIs, and what bad queries get. Values are in kpis.test.ts. */
let h: Harness;
let w: World;
beforeAll(async () => {
  h = await createHarness();
  h.clock.set(NOW);
  w = await createWorld(h);
  const link = await createLink(h, w);
  await plantClicks(h, link, '2024-03-02', 'DE', 10, 8);
  await plantClicks(h, link, '2024-03-02', 'US', 5, 5);
  await plantConversion(h, w, { kind: 'signup', at: '2024-03-03T00:00:00Z', partner: w.affiliate.member.id, link, market: 'DE' });
  await plantConversion(h, w, { kind: 'signup', at: '2024-03-03T00:00:00Z', partner: w.affiliate.member.id, link, market: 'US' });
});
afterAll(async () => h?.close());

const path = (query: string, programId = w.program.id) => `/v1/programs/${programId}/kpis?${query}`;
const fields = (res: { body: any }) => (res.body.error?.details?.issues ?? []).map((i: { field: string }) => i.field).sort();

describe('KPI scope', () => {
  it('refuses a regional manager a country outside their regions, and limits them to theirs otherwise', async () => {
    const outside = await h.request('GET', path(`${MARCH}&country=US`), { token: w.manager.token });
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('out_of_scope');
    const own = await h.request('GET', path(`${MARCH}&country=DE`), { token: w.manager.token });
    expect(own.status).toBe(200);
    expect(own.body.traffic).toMatchObject({ clicks: 10, signups: 1 });
    const unnamed = await h.request('GET', path(MARCH), { token: w.manager.token });
    expect(unnamed.body).toMatchObject({ countries: ['DE'], traffic: { clicks: 10, signups: 1 } });
    // The admin sees both markets.
    expect((await h.request('GET', path(MARCH), { token: w.admin.token })).body.traffic).toMatchObject({ clicks: 15, signups: 2 });
  });

  it('gives a regional manager without countries nothing', async () => {
    const { token } = await createUser(h, { tenantId: w.tenant.id, role: 'regional_manager', countries: [] });
    const res = await h.request('GET', path(MARCH), { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ countries: [], traffic: { clicks: 0, signups: 0, conversionRate: null } });
  });

  it('keeps affiliates and members to their own numbers', async () => {
    const affiliate = await h.request('GET', path(MARCH), { token: w.affiliate.token });
    expect(affiliate.body).toMatchObject({ partnerMemberId: w.affiliate.member.id, traffic: { clicks: 15, signups: 2 } });
    const member = await h.request('GET', path(MARCH), { token: w.member.token });
    expect(member.body).toMatchObject({ partnerMemberId: w.member.member.id, traffic: { clicks: 0, signups: 0 } });
    const peeking = await h.request('GET', path(`${MARCH}&partnerMemberId=${w.affiliate.member.id}`), { token: w.member.token });
    expect(peeking.status).toBe(404);
  });

  it('answers not found for a partner outside the program and for another tenant', async () => {
    const other = await createWorld(h);
    for (const partner of ['mem_nobody', other.affiliate.member.id]) {
      const res = await h.request('GET', path(`${MARCH}&partnerMemberId=${partner}`), { token: w.admin.token });
      expect(res.status, partner).toBe(404);
    }
    for (const token of [other.admin.token, other.manager.token, other.affiliate.token, other.member.token]) {
      expect((await h.request('GET', path(MARCH), { token })).status).toBe(404);
    }
    // Merchant servers have no KPI access.
    expect((await h.request('GET', path(MARCH), { token: w.apiKey })).status).toBe(403);
  });
});

describe('KPI query validation', () => {
  it('names each bad parameter', async () => {
    const bad = async (query: string) => {
      const res = await h.request('GET', path(query), { token: w.admin.token });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      return fields(res);
    };
    expect(await bad('from=2024-03-05&to=2024-03-01')).toEqual(['query.from']);
    expect(await bad('from=2024-02-30&to=2024-03-01')).toEqual(['query.from']);
    expect(await bad('from=2024-03-01&to=tomorrow')).toEqual(['query.to']);
    expect(await bad('from=2023-01-01&to=2024-01-02')).toEqual(['query.to']);
    expect(await bad(`${MARCH}&country=de`)).toEqual(['query.country']);
    expect(await bad(`${MARCH}&partnerMemberId=${'m'.repeat(65)}`)).toEqual(['query.partnerMemberId']);
    // A single day, and 366 days with both ends included, are fine.
    expect((await h.request('GET', path('from=2024-03-01&to=2024-03-01'), { token: w.admin.token })).status).toBe(200);
    expect((await h.request('GET', path('from=2024-01-01&to=2024-12-31'), { token: w.admin.token })).status).toBe(200);
  });
});
