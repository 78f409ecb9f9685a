import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, members } from '../../../db/schema/index.js';
import { createMember, createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const path = (programId: string, memberId?: string) => `/v1/programs/${programId}/members${memberId ? `/${memberId}` : ''}`;
const fields = (res: { body: any }) => (res.body.error?.details?.issues ?? []).map((i: { field: string }) => i.field).sort();

describe('members: create, get, update', () => {
  it('creates a member with a normalised email, reads it back and audits it', async () => {
    const w = await createWorld(h);
    const res = await h.request('POST', path(w.program.id), {
      token: w.tokens.admin,
      body: { name: 'Grace Hopper', email: '  Grace.Hopper@Example.COM ', country: 'US', locale: 'en-us', birthday: '1906-12-09', externalId: 'crm-1', phone: '+1 555 0100' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Grace Hopper', email: 'Grace.Hopper@Example.COM', country: 'US', locale: 'en-US', source: 'api', status: 'active', tags: [], customFields: {} });
    const [row] = await h.db.select().from(members).where(eq(members.id, res.body.id));
    expect(row!.emailNormalized).toBe('grace.hopper@example.com');

    const got = await h.request('GET', path(w.program.id, res.body.id), { token: w.apiKey });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);

    const audit = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, res.body.id), eq(auditLog.action, 'member.created')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorType).toBe('admin');
  });

  it('refuses bad input naming each field and writes nothing', async () => {
    const w = await createWorld(h);
    const res = await h.request('POST', path(w.program.id), {
      token: w.tokens.admin,
      body: { email: 'not-an-email', country: 'de', locale: 'not a locale!', birthday: '1990-02-30', status: 'gone', nickname: 'x' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(fields(res)).toEqual(['birthday', 'country', 'email', 'locale', 'nickname', 'status']);
    const rows = await h.db.select().from(members).where(eq(members.programId, w.program.id));
    expect(rows).toHaveLength(2); // the world's affiliate and member only
  });

  it('answers 409 for a duplicate email (any case) or externalId in the same program, but not across programs', async () => {
    const w = await createWorld(h);
    const first = await h.request('POST', path(w.program.id), { token: w.tokens.admin, body: { email: 'dup@example.com', externalId: 'ext-1', country: 'DE' } });
    expect(first.status).toBe(201);
    const sameEmail = await h.request('POST', path(w.program.id), { token: w.tokens.admin, body: { email: 'DUP@example.com' } });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.error.details).toEqual({ field: 'email' });
    const sameExternal = await h.request('POST', path(w.program.id), { token: w.tokens.admin, body: { externalId: 'ext-1' } });
    expect(sameExternal.status).toBe(409);
    expect(sameExternal.body.error.details).toEqual({ field: 'externalId' });

    const other = await createWorld(h);
    const elsewhere = await h.request('POST', path(other.program.id), { token: other.tokens.admin, body: { email: 'dup@example.com', externalId: 'ext-1' } });
    expect(elsewhere.status).toBe(201);

    const second = await h.request('POST', path(w.program.id), { token: w.tokens.admin, body: { email: 'second@example.com' } });
    const clash = await h.request('PATCH', path(w.program.id, second.body.id), { token: w.tokens.admin, body: { email: 'Dup@Example.com' } });
    expect(clash.status).toBe(409);
  });

  it('updates only the given fields, clears with null and audits the change', async () => {
    const w = await createWorld(h);
    const created = await h.request('POST', path(w.program.id), { token: w.tokens.admin, body: { name: 'Old', email: 'a@example.com', phone: '+49 1', country: 'DE' } });
    const res = await h.request('PATCH', path(w.program.id, created.body.id), { token: w.apiKey, body: { name: 'New', phone: null, status: 'inactive' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'New', phone: null, status: 'inactive', email: 'a@example.com', country: 'DE' });
    const audit = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, created.body.id), eq(auditLog.action, 'member.updated')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.before).toEqual({ name: 'Old', phone: '+49 1', status: 'active' });
    expect(audit[0]!.after).toEqual({ name: 'New', phone: null, status: 'inactive' });
  });

  it('links a referrer of the same program and refuses unknown or self referrals', async () => {
    const w = await createWorld(h);
    const ok = await h.request('POST', path(w.program.id), { token: w.tokens.admin, body: { referredByMemberId: w.member.member.id } });
    expect(ok.status).toBe(201);
    expect(ok.body.referredByMemberId).toBe(w.member.member.id);
    const other = await createWorld(h);
    const foreign = await h.request('POST', path(w.program.id), { token: w.tokens.admin, body: { referredByMemberId: other.member.member.id } });
    expect(foreign.status).toBe(400);
    expect(fields(foreign)).toEqual(['referredByMemberId']);
    const self = await h.request('PATCH', path(w.program.id, ok.body.id), { token: w.tokens.admin, body: { referredByMemberId: ok.body.id } });
    expect(self.status).toBe(400);
  });

  it('is not found in another tenant, and unknown ids are not found', async () => {
    const w = await createWorld(h);
    const other = await createWorld(h);
    expect((await h.request('GET', path(other.program.id, other.member.member.id), { token: w.tokens.admin })).status).toBe(404);
    expect((await h.request('GET', path(w.program.id, other.member.member.id), { token: w.tokens.admin })).status).toBe(404);
    expect((await h.request('GET', path(w.program.id, 'mem_nope'), { token: w.tokens.admin })).status).toBe(404);
    expect((await h.request('POST', path(other.program.id), { token: w.apiKey, body: {} })).status).toBe(404);
  });
});

describe('members: who may see what', () => {
  it('lets affiliates and members read only their own record', async () => {
    const w = await createWorld(h);
    const own = await h.request('GET', path(w.program.id, w.affiliate.member.id), { token: w.tokens.affiliate });
    expect(own.status).toBe(200);
    expect(own.body.id).toBe(w.affiliate.member.id);
    const ownMember = await h.request('GET', path(w.program.id, w.member.member.id), { token: w.tokens.member });
    expect(ownMember.status).toBe(200);

    const others = await h.request('GET', path(w.program.id, w.member.member.id), { token: w.tokens.affiliate });
    expect(others.status).toBe(404);
    expect((await h.request('GET', path(w.program.id, w.affiliate.member.id), { token: w.tokens.member })).status).toBe(404);

    expect((await h.request('GET', path(w.program.id), { token: w.tokens.affiliate })).status).toBe(403);
    expect((await h.request('POST', path(w.program.id), { token: w.tokens.member, body: {} })).status).toBe(403);
    expect((await h.request('PATCH', path(w.program.id, w.member.member.id), { token: w.tokens.member, body: { name: 'Me' } })).status).toBe(403);
  });

  it('keeps regional managers to members in their countries', async () => {
    const w = await createWorld(h); // manager covers DE; the world's member is in US
    const inScope = await h.request('POST', path(w.program.id), { token: w.tokens.regional_manager, body: { name: 'Hans', country: 'DE' } });
    expect(inScope.status).toBe(201);

    const outside = await h.request('POST', path(w.program.id), { token: w.tokens.regional_manager, body: { name: 'Joe', country: 'US' } });
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('out_of_scope');
    const noCountry = await h.request('POST', path(w.program.id), { token: w.tokens.regional_manager, body: { name: 'Nobody' } });
    expect(noCountry.status).toBe(403);

    const move = await h.request('PATCH', path(w.program.id, inScope.body.id), { token: w.tokens.regional_manager, body: { country: 'US' } });
    expect(move.status).toBe(403);
    expect(move.body.error.code).toBe('out_of_scope');

    expect((await h.request('GET', path(w.program.id, w.member.member.id), { token: w.tokens.regional_manager })).status).toBe(404);
    expect((await h.request('PATCH', path(w.program.id, w.member.member.id), { token: w.tokens.regional_manager, body: { name: 'x' } })).status).toBe(404);
    expect((await h.request('GET', path(w.program.id, inScope.body.id), { token: w.tokens.regional_manager })).status).toBe(200);
  });

  it('lets an API key act in its own program only', async () => {
    const w = await createWorld(h);
    const other = await createWorld(h);
    const m = await createMember(h, other.program.id);
    expect((await h.request('GET', path(other.program.id, m.id), { token: w.apiKey })).status).toBe(404);
    expect((await h.request('GET', path(w.program.id, w.member.member.id), { token: w.apiKey })).status).toBe(200);
  });
});

describe('members: OpenAPI document', () => {
  it('documents every members operation with its access list', async () => {
    const doc = await h.request('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    const ops = Object.values(doc.body.paths as Record<string, Record<string, { operationId: string; 'x-trellis-access': string[] }>>).flatMap((p) => Object.values(p));
    const byId = new Map(ops.map((o) => [o.operationId, o]));
    for (const id of ['createMember', 'getMember', 'updateMember', 'listMembers', 'listCustomFields', 'createCustomField', 'updateCustomField', 'deleteCustomField', 'addMemberTag', 'removeMemberTag', 'listTags', 'createAffiliate', 'listAffiliates', 'getAffiliate', 'updateAffiliate', 'decideAffiliate']) {
      expect(byId.get(id), id).toBeDefined();
    }
    expect(byId.get('getMember')!['x-trellis-access']).toEqual(['admin', 'regional_manager', 'api_key', 'affiliate', 'member']);
    expect(byId.get('decideAffiliate')!['x-trellis-access']).toEqual(['admin', 'regional_manager']);
    const listParams = (byId.get('listMembers') as unknown as { parameters: { name: string }[] }).parameters.map((p) => p.name);
    expect(listParams).toEqual(expect.arrayContaining(['programId', 'q', 'country', 'tag', 'createdFrom', 'limit', 'cursor']));
  });
});
