import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members } from '../../../db/schema/index.js';
import { createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const cfPath = (w: World, key?: string) => `/v1/programs/${w.program.id}/custom-fields${key ? `/${key}` : ''}`;
const membersPath = (w: World, id?: string) => `/v1/programs/${w.program.id}/members${id ? `/${id}` : ''}`;
const fields = (res: { body: any }) => (res.body.error?.details?.issues ?? []).map((i: { field: string }) => i.field).sort();

async function defineAll(w: World) {
  const defs = [
    { key: 'nickname', label: 'Nickname', type: 'string' },
    { key: 'shoe_size', label: 'Shoe size', type: 'number' },
    { key: 'newsletter', label: 'Newsletter', type: 'boolean' },
    { key: 'joined_on', label: 'Joined on', type: 'date' },
    { key: 'size', label: 'Size', type: 'enum', enumValues: ['S', 'M', 'L'] },
  ];
  for (const body of defs) {
    const res = await h.request('POST', cfPath(w), { token: w.tokens.admin, body });
    expect(res.status).toBe(201);
  }
}

describe('custom field definitions', () => {
  it('creates, lists, updates and deletes definitions', async () => {
    const w = await createWorld(h);
    await defineAll(w);
    const list = await h.request('GET', cfPath(w), { token: w.tokens.regional_manager });
    expect(list.status).toBe(200);
    expect(list.body.data.map((d: { key: string }) => d.key)).toEqual(['joined_on', 'newsletter', 'nickname', 'shoe_size', 'size']);
    const size = list.body.data.find((d: { key: string }) => d.key === 'size');
    expect(size).toMatchObject({ type: 'enum', required: false, enumValues: ['S', 'M', 'L'] });

    const renamed = await h.request('PATCH', cfPath(w, 'size'), { token: w.apiKey, body: { label: 'T-shirt size', enumValues: ['S', 'M', 'L', 'XL'] } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ label: 'T-shirt size', enumValues: ['S', 'M', 'L', 'XL'] });

    const deleted = await h.request('DELETE', cfPath(w, 'size'), { token: w.tokens.admin });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ key: 'size', clearedValues: 0 });
    expect((await h.request('PATCH', cfPath(w, 'size'), { token: w.tokens.admin, body: { label: 'x' } })).status).toBe(404);
  });

  it('refuses malformed definitions and duplicates', async () => {
    const w = await createWorld(h);
    const bad = await h.request('POST', cfPath(w), { token: w.tokens.admin, body: { key: 'Shoe Size', label: '', type: 'colour' } });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['key', 'label', 'type']);
    const enumWithout = await h.request('POST', cfPath(w), { token: w.tokens.admin, body: { key: 'tier', label: 'Tier', type: 'enum' } });
    expect(enumWithout.status).toBe(400);
    expect(fields(enumWithout)).toEqual(['enumValues']);
    await h.request('POST', cfPath(w), { token: w.tokens.admin, body: { key: 'tier', label: 'Tier', type: 'string' } });
    const dup = await h.request('POST', cfPath(w), { token: w.tokens.admin, body: { key: 'tier', label: 'Tier', type: 'string' } });
    expect(dup.status).toBe(409);
  });

  it('lets only admins and API keys write, and staff and API keys read', async () => {
    const w = await createWorld(h);
    const body = { key: 'nickname', label: 'Nickname', type: 'string' };
    expect((await h.request('POST', cfPath(w), { token: w.tokens.regional_manager, body })).status).toBe(403);
    expect((await h.request('POST', cfPath(w), { token: w.tokens.affiliate, body })).status).toBe(403);
    expect((await h.request('GET', cfPath(w), { token: w.tokens.member })).status).toBe(403);
    expect((await h.request('POST', cfPath(w), { token: w.apiKey, body })).status).toBe(201);
  });
});

describe('custom field values on members', () => {
  it('stores every type, coercing string forms, and merges on update', async () => {
    const w = await createWorld(h);
    await defineAll(w);
    const created = await h.request('POST', membersPath(w), {
      token: w.tokens.admin,
      body: { country: 'DE', customFields: { nickname: 'Ada', shoe_size: '39.5', newsletter: 'true', joined_on: '2024-01-31', size: 'M' } },
    });
    expect(created.status).toBe(201);
    expect(created.body.customFields).toEqual({ nickname: 'Ada', shoe_size: 39.5, newsletter: true, joined_on: '2024-01-31', size: 'M' });

    const updated = await h.request('PATCH', membersPath(w, created.body.id), { token: w.tokens.admin, body: { customFields: { shoe_size: 40, nickname: null } } });
    expect(updated.status).toBe(200);
    expect(updated.body.customFields).toEqual({ shoe_size: 40, newsletter: true, joined_on: '2024-01-31', size: 'M' });
  });

  it('refuses wrong values naming each custom field, and writes nothing', async () => {
    const w = await createWorld(h);
    await defineAll(w);
    const res = await h.request('POST', membersPath(w), {
      token: w.tokens.admin,
      body: { customFields: { shoe_size: 'big', newsletter: 'perhaps', joined_on: '2024-13-01', size: 'XXL', colour: 'red' } },
    });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['customFields.colour', 'customFields.joined_on', 'customFields.newsletter', 'customFields.shoe_size', 'customFields.size']);
    const rows = await h.db.select().from(members).where(eq(members.programId, w.program.id));
    expect(rows).toHaveLength(2);
  });

  it('requires required fields on create, not on a partial update', async () => {
    const w = await createWorld(h);
    // The world's two members exist without a value, so the field cannot start out required.
    const refused = await h.request('POST', cfPath(w), { token: w.tokens.admin, body: { key: 'tax_id', label: 'Tax id', type: 'string', required: true } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toMatchObject({ key: 'tax_id', missingValues: 2, incompatibleValues: 0 });

    await h.request('POST', cfPath(w), { token: w.tokens.admin, body: { key: 'tax_id', label: 'Tax id', type: 'string' } });
    for (const m of [w.member.member, w.affiliate.member]) {
      expect((await h.request('PATCH', membersPath(w, m.id), { token: w.tokens.admin, body: { customFields: { tax_id: `T-${m.id}` } } })).status).toBe(200);
    }
    expect((await h.request('PATCH', cfPath(w, 'tax_id'), { token: w.tokens.admin, body: { required: true } })).status).toBe(200);

    const missing = await h.request('POST', membersPath(w), { token: w.tokens.admin, body: { customFields: {} } });
    expect(missing.status).toBe(400);
    expect(fields(missing)).toEqual(['customFields.tax_id']);
    const partial = await h.request('PATCH', membersPath(w, w.member.member.id), { token: w.tokens.admin, body: { name: 'Still fine' } });
    expect(partial.status).toBe(200);
    const clear = await h.request('PATCH', membersPath(w, w.member.member.id), { token: w.tokens.admin, body: { customFields: { tax_id: null } } });
    expect(clear.status).toBe(400);
    expect(fields(clear)).toEqual(['customFields.tax_id']);
  });

  it('refuses a type change that stored values do not fit, with a count, and converts values that do', async () => {
    const w = await createWorld(h);
    await h.request('POST', cfPath(w), { token: w.tokens.admin, body: { key: 'code', label: 'Code', type: 'string' } });
    const a = await h.request('POST', membersPath(w), { token: w.tokens.admin, body: { customFields: { code: '42' } } });
    const b = await h.request('POST', membersPath(w), { token: w.tokens.admin, body: { customFields: { code: 'abc' } } });
    await h.request('POST', membersPath(w), { token: w.tokens.admin, body: { customFields: { code: 'xyz' } } });

    const refused = await h.request('PATCH', cfPath(w, 'code'), { token: w.tokens.admin, body: { type: 'number' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual({ key: 'code', incompatibleValues: 2, missingValues: 0 });
    expect((await h.request('GET', cfPath(w), { token: w.tokens.admin })).body.data[0].type).toBe('string');

    await h.request('PATCH', membersPath(w, b.body.id), { token: w.tokens.admin, body: { customFields: { code: '7' } } });
    const shrinkEnum = await h.request('PATCH', cfPath(w, 'code'), { token: w.tokens.admin, body: { type: 'enum', enumValues: ['42', '7'] } });
    expect(shrinkEnum.status).toBe(409);
    expect(shrinkEnum.body.error.details.incompatibleValues).toBe(1);

    const rows = await h.db.select().from(members).where(eq(members.programId, w.program.id));
    const xyz = rows.find((r) => r.customFields.code === 'xyz')!;
    await h.request('PATCH', membersPath(w, xyz.id), { token: w.tokens.admin, body: { customFields: { code: null } } });
    const converted = await h.request('PATCH', cfPath(w, 'code'), { token: w.tokens.admin, body: { type: 'number' } });
    expect(converted.status).toBe(200);
    const after = await h.request('GET', membersPath(w, a.body.id), { token: w.tokens.admin });
    expect(after.body.customFields).toEqual({ code: 42 });
  });

  it('clears stored values when a definition is deleted', async () => {
    const w = await createWorld(h);
    await h.request('POST', cfPath(w), { token: w.tokens.admin, body: { key: 'vip', label: 'VIP', type: 'boolean' } });
    const m = await h.request('POST', membersPath(w), { token: w.tokens.admin, body: { customFields: { vip: true } } });
    const deleted = await h.request('DELETE', cfPath(w, 'vip'), { token: w.tokens.admin });
    expect(deleted.body).toEqual({ key: 'vip', clearedValues: 1 });
    expect((await h.request('GET', membersPath(w, m.body.id), { token: w.tokens.admin })).body.customFields).toEqual({});
  });
});
