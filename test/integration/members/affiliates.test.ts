import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../../db/schema/index.js';
import { createAffiliate, createMember, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type ApiResponse, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const affPath = (w: World, memberId?: string, suffix = '') => `/v1/programs/${w.program.id}/affiliates${memberId ? `/${memberId}` : ''}${suffix}`;
const decide = (w: World, memberId: string, body: unknown, token = w.tokens.admin) => h.request('POST', affPath(w, memberId, '/decision'), { token, body });

describe('enrolling affiliates', () => {
  it('creates a new member with a pending profile', async () => {
    const w = await createWorld(h);
    const res = await h.request('POST', affPath(w), {
      token: w.apiKey,
      body: { member: { name: 'Pat Publisher', email: 'pat@pub.example', country: 'DE' }, website: 'https://pat.example' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Pat Publisher', source: 'affiliate_signup', affiliate: { status: 'pending', website: 'https://pat.example', payoutDetails: null } });
    const got = await h.request('GET', affPath(w, res.body.id), { token: w.tokens.admin });
    expect(got.body).toEqual(res.body);
  });

  it('adds a profile to an existing member once', async () => {
    const w = await createWorld(h);
    const res = await h.request('POST', affPath(w), { token: w.tokens.admin, body: { memberId: w.member.member.id, status: 'approved' } });
    expect(res.status).toBe(201);
    expect(res.body.affiliate).toMatchObject({ status: 'approved', decidedBy: w.admin.user.id });
    const again = await h.request('POST', affPath(w), { token: w.tokens.admin, body: { memberId: w.member.member.id } });
    expect(again.status).toBe(409);
  });

  it('refuses ambiguous or invalid input naming fields', async () => {
    const w = await createWorld(h);
    const both = await h.request('POST', affPath(w), { token: w.tokens.admin, body: { memberId: w.member.member.id, member: { name: 'x' } } });
    expect(both.status).toBe(400);
    const neither = await h.request('POST', affPath(w), { token: w.tokens.admin, body: { website: 'https://x.example' } });
    expect(neither.status).toBe(400);
    const bad = await h.request('POST', affPath(w), { token: w.tokens.admin, body: { member: { email: 'nope' }, website: 'ftp://x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['member.email', 'website']);
  });

  it('keeps regional managers to their countries', async () => {
    const w = await createWorld(h);
    const outside = await h.request('POST', affPath(w), { token: w.tokens.regional_manager, body: { member: { country: 'US' } } });
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('out_of_scope');
    const usMember = await h.request('POST', affPath(w), { token: w.tokens.regional_manager, body: { memberId: w.member.member.id } });
    expect(usMember.status).toBe(404);
    expect((await h.request('POST', affPath(w), { token: w.tokens.regional_manager, body: { member: { country: 'DE' } } })).status).toBe(201);
  });
});

describe('affiliate profiles', () => {
  it('lets an affiliate read and update their own website and payout details, and nobody else’s', async () => {
    const w = await createWorld(h);
    const own = await h.request('GET', affPath(w, w.affiliate.member.id), { token: w.tokens.affiliate });
    expect(own.status).toBe(200);
    expect(own.body.affiliate.status).toBe('approved');

    const updated = await h.request('PATCH', affPath(w, w.affiliate.member.id), {
      token: w.tokens.affiliate,
      body: { website: 'https://ada.example', payoutDetails: { method: 'sepa', iban: 'DE89370400440532013000' } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.affiliate).toMatchObject({ website: 'https://ada.example', payoutDetails: { method: 'sepa', iban: 'DE89370400440532013000' } });
    const audit = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, w.affiliate.member.id), eq(auditLog.action, 'affiliate.updated')));
    expect(JSON.stringify(audit[0]!.after)).not.toContain('DE89');

    const other = await createAffiliate(h, w.program.id, { country: 'DE' });
    expect((await h.request('GET', affPath(w, other.id), { token: w.tokens.affiliate })).status).toBe(404);
    expect((await h.request('PATCH', affPath(w, other.id), { token: w.tokens.affiliate, body: { website: 'https://evil.example' } })).status).toBe(404);
    expect((await h.request('PATCH', affPath(w, w.affiliate.member.id), { token: w.tokens.affiliate, body: { status: 'approved' } })).status).toBe(400);
    expect((await h.request('GET', affPath(w, w.affiliate.member.id), { token: w.tokens.member })).status).toBe(403);
    // A member who is not an affiliate has no affiliate profile.
    expect((await h.request('GET', affPath(w, w.member.member.id), { token: w.tokens.admin })).status).toBe(404);
  });

  it('lists affiliates by status with pagination and scope', async () => {
    const w = await createWorld(h);
    await createAffiliate(h, w.program.id, { name: 'Pending DE', country: 'DE' }, 'pending');
    await createAffiliate(h, w.program.id, { name: 'Pending US', country: 'US' }, 'pending');
    await createAffiliate(h, w.program.id, { name: 'Approved US', country: 'US' });
    await createMember(h, w.program.id, { name: 'Not an affiliate' });

    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await h.request('GET', `${affPath(w)}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: w.tokens.admin });
      all.push(...res.body.data.map((a: { name: string }) => a.name));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(all).toEqual(['Ada Affiliate', 'Pending DE', 'Pending US', 'Approved US']);

    const pending = await h.request('GET', `${affPath(w)}?status=pending`, { token: w.apiKey });
    expect(pending.body.data.map((a: { name: string }) => a.name)).toEqual(['Pending DE', 'Pending US']);
    const regional = await h.request('GET', `${affPath(w)}?status=pending`, { token: w.tokens.regional_manager });
    expect(regional.body.data.map((a: { name: string }) => a.name)).toEqual(['Pending DE']);
  });
});

describe('affiliate decisions', () => {
  it('approves, rejects and bans with an audited reason', async () => {
    const w = await createWorld(h);
    const pending = await createAffiliate(h, w.program.id, { country: 'DE' }, 'pending');
    const approved = await decide(w, pending.id, { status: 'approved' }, w.tokens.regional_manager);
    expect(approved.status).toBe(200);
    expect(approved.body.affiliate).toMatchObject({ status: 'approved', decidedBy: w.manager.user.id });

    const noReason = await decide(w, pending.id, { status: 'banned' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.issues[0].field).toBe('reason');

    const banned = await decide(w, pending.id, { status: 'banned', reason: 'cookie stuffing' });
    expect(banned.body.affiliate).toMatchObject({ status: 'banned', statusReason: 'cookie stuffing' });
    const audit = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, pending.id), eq(auditLog.action, 'affiliate.decided')));
    expect(audit.map((a) => a.after)).toEqual(
      expect.arrayContaining([{ status: 'approved', statusReason: null }, { status: 'banned', statusReason: 'cookie stuffing' }]),
    );
  });

  it('makes a ban final for regional managers but not for admins', async () => {
    const w = await createWorld(h);
    const a = await createAffiliate(h, w.program.id, { country: 'DE' });
    await decide(w, a.id, { status: 'banned', reason: 'fraud' }, w.tokens.regional_manager);
    const lift = await decide(w, a.id, { status: 'approved' }, w.tokens.regional_manager);
    expect(lift.status).toBe(403);
    expect((await decide(w, a.id, { status: 'approved' })).status).toBe(200);
  });

  it('refuses moves the lifecycle does not allow, and callers without the right', async () => {
    const w = await createWorld(h);
    const a = await createAffiliate(h, w.program.id, { country: 'DE' });
    const same = await decide(w, a.id, { status: 'approved' });
    expect(same.status).toBe(422);
    expect(same.body.error.details).toEqual({ from: 'approved', to: 'approved' });
    expect((await decide(w, a.id, { status: 'pending' })).status).toBe(400);
    expect((await decide(w, a.id, { status: 'rejected', reason: 'x' }, w.apiKey)).status).toBe(403);
    expect((await decide(w, a.id, { status: 'rejected', reason: 'x' }, w.tokens.affiliate)).status).toBe(403);
    const usAffiliate = await createAffiliate(h, w.program.id, { country: 'US' }, 'pending');
    expect((await decide(w, usAffiliate.id, { status: 'approved' }, w.tokens.regional_manager)).status).toBe(404);
  });
});
