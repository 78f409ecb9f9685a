import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tiers } from '../../../db/schema/index.js';
import { createMember, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const list = (w: World, query: string, token = w.tokens.admin) => h.request('GET', `/v1/programs/${w.program.id}/members${query ? `?${query}` : ''}`, { token });
const names = (res: { body: any }) => res.body.data.map((m: { name: string }) => m.name);

describe('listing members', () => {
  it('pages through every member exactly once, oldest first', async () => {
    const w = await createWorld(h);
    for (let i = 0; i < 7; i++) await createMember(h, w.program.id, { name: `Paged ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(w, `limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.data.map((m: { id: string }) => m.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
    expect([...seen].sort()).toEqual(seen);
  });

  it('refuses a limit above 200', async () => {
    const w = await createWorld(h);
    const big = await list(w, 'limit=201');
    expect(big.status).toBe(400);
    expect(big.body.error.details.issues[0].field).toBe('query.limit');
    expect((await list(w, 'limit=200')).status).toBe(200);
  });

  it('searches name and email case-insensitively, treating % and _ literally', async () => {
    const w = await createWorld(h);
    await createMember(h, w.program.id, { name: 'Katherine Johnson', email: 'kj@nasa.example' });
    await createMember(h, w.program.id, { name: 'Dorothy Vaughan', email: 'DOROTHY@Langley.example' });
    await createMember(h, w.program.id, { name: '100% Real' });
    expect(names(await list(w, 'q=katherine'))).toEqual(['Katherine Johnson']);
    expect(names(await list(w, 'q=langley'))).toEqual(['Dorothy Vaughan']);
    expect(names(await list(w, 'q=0%25'))).toEqual(['100% Real']);
    expect(names(await list(w, 'q=_'))).toEqual([]);
  });

  it('filters by country, status, source, tier, tag and creation time', async () => {
    const w = await createWorld(h);
    const [tier] = await h.db.insert(tiers).values({ programId: w.program.id, name: 'Gold', rank: 1 }).returning();
    await createMember(h, w.program.id, { name: 'Fr active', country: 'FR', source: 'import', createdAt: new Date('2023-06-01T00:00:00Z') });
    await createMember(h, w.program.id, { name: 'Fr blocked', country: 'FR', status: 'blocked', tierId: tier!.id, createdAt: new Date('2023-07-01T00:00:00Z') });
    const tagged = await createMember(h, w.program.id, { name: 'Tagged', country: 'AT' });
    await h.request('PUT', `/v1/programs/${w.program.id}/members/${tagged.id}/tags/vip`, { token: w.tokens.admin });

    expect(names(await list(w, 'country=FR'))).toEqual(['Fr active', 'Fr blocked']);
    expect(names(await list(w, 'country=FR&status=blocked'))).toEqual(['Fr blocked']);
    expect(names(await list(w, 'source=import'))).toEqual(['Fr active']);
    expect(names(await list(w, `tierId=${tier!.id}`))).toEqual(['Fr blocked']);
    expect(names(await list(w, 'tag=vip'))).toEqual(['Tagged']);
    expect(names(await list(w, 'createdFrom=2023-06-15&createdTo=2023-12-31T00:00:00Z'))).toEqual(['Fr blocked']);
    expect(names(await list(w, 'createdTo=2023-06-01T00:00:00Z'))).toEqual([]);

    const bad = await list(w, 'country=fr&status=nope&createdFrom=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['query.country', 'query.createdFrom', 'query.status']);
  });

  it('filters on custom fields by equality, reading the value as the field type', async () => {
    const w = await createWorld(h);
    for (const body of [
      { key: 'size', label: 'Size', type: 'enum', enumValues: ['S', 'M'] },
      { key: 'vip', label: 'VIP', type: 'boolean' },
      { key: 'shoe', label: 'Shoe', type: 'number' },
    ]) {
      await h.request('POST', `/v1/programs/${w.program.id}/custom-fields`, { token: w.tokens.admin, body });
    }
    await createMember(h, w.program.id, { name: 'Small vip', customFields: { size: 'S', vip: true, shoe: 38 } });
    await createMember(h, w.program.id, { name: 'Medium', customFields: { size: 'M', vip: false, shoe: 42 } });
    expect(names(await list(w, 'cf.size=S'))).toEqual(['Small vip']);
    expect(names(await list(w, 'cf.vip=false'))).toEqual(['Medium']);
    expect(names(await list(w, 'cf.shoe=42&cf.size=M'))).toEqual(['Medium']);
    expect(names(await list(w, 'cf.shoe=42&cf.size=S'))).toEqual([]);

    const bad = await list(w, 'cf.shoe=big&cf.colour=red');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['query.cf.colour', 'query.cf.shoe']);
  });

  it('shows regional managers only members in their countries, and refuses affiliates', async () => {
    const w = await createWorld(h);
    await createMember(h, w.program.id, { name: 'Berlin', country: 'DE' });
    await createMember(h, w.program.id, { name: 'Boston', country: 'US' });
    await createMember(h, w.program.id, { name: 'Nowhere', country: null });
    const res = await list(w, '', w.tokens.regional_manager);
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(['Ada Affiliate', 'Berlin']);
    expect(names(await list(w, 'country=US', w.tokens.regional_manager))).toEqual([]);
    expect((await list(w, '', w.tokens.affiliate)).status).toBe(403);
    expect((await list(w, '', w.apiKey)).body.data).toHaveLength(5);
  });
});
