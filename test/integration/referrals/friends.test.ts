import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberOrders, referralRewards } from '../../../db/schema/index.js';
import { friendDisplayName } from '../../../src/core/referrals/friends.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createConversion, createMember, createWorld, type World } from '../../helpers/factories.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const friendsPath = (w: World, memberId: string) => `/v1/programs/${w.program.id}/members/${memberId}/referrals`;

describe('friends who joined through a member', () => {
  it('lists them newest first with their first purchase and the points they earned the referrer', async () => {
    const w = await createWorld(h);
    const referrer = w.member.member;
    const lena = await createMember(h, w.program.id, { name: 'Lena Müller', referredByMemberId: referrer.id });
    const paul = await createMember(h, w.program.id, { name: 'Paul', referredByMemberId: referrer.id });
    await createMember(h, w.program.id, { name: 'Not A Friend' });
    const occurredAt = new Date('2026-01-10T10:00:00Z');
    await h.db.insert(memberOrders).values({ programId: w.program.id, memberId: lena.id, externalId: 'o-1', requestHash: 'x', amount: 5_000, currency: 'EUR', occurredAt });
    const conversion = await createConversion(h, w);
    await h.db.insert(referralRewards).values([
      { programId: w.program.id, conversionId: conversion.id, side: 'referrer', trigger: 'first_purchase', memberId: referrer.id, referrerMemberId: referrer.id, friendMemberId: lena.id, points: 200, status: 'granted' },
      { programId: w.program.id, conversionId: conversion.id, side: 'friend', trigger: 'first_purchase', memberId: lena.id, referrerMemberId: referrer.id, friendMemberId: lena.id, points: 100, status: 'granted' },
    ]);

    const res = await h.request('GET', friendsPath(w, referrer.id), { token: w.tokens.member });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { id: paul.id, displayName: 'Paul', joinedAt: paul.createdAt.toISOString(), status: 'joined', firstPurchaseAt: null, pointsEarned: 0 },
      { id: lena.id, displayName: 'Lena M.', joinedAt: lena.createdAt.toISOString(), status: 'purchased', firstPurchaseAt: occurredAt.toISOString(), pointsEarned: 200 },
    ]);
    expect(res.body.nextCursor).toBeNull();

    const first = await h.request('GET', `${friendsPath(w, referrer.id)}?limit=1`, { token: w.tokens.admin });
    expect(first.body.data.map((f: { id: string }) => f.id)).toEqual([paul.id]);
    const second = await h.request('GET', `${friendsPath(w, referrer.id)}?limit=1&cursor=${first.body.nextCursor}`, { token: w.tokens.admin });
    expect(second.body.data.map((f: { id: string }) => f.id)).toEqual([lena.id]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('is empty for a member nobody joined through', async () => {
    const w = await createWorld(h);
    const res = await h.request('GET', friendsPath(w, w.member.member.id), { token: w.tokens.member });
    expect(res.body).toEqual({ data: [], nextCursor: null });
  });

  it('shows members only their own friends, managers their countries, admins all', async () => {
    const w = await createWorld(h);
    const own = friendsPath(w, w.member.member.id); // a US member
    const affiliates = friendsPath(w, w.affiliate.member.id); // a DE member
    expect((await h.request('GET', own, { token: w.tokens.member })).status).toBe(200);
    expect((await h.request('GET', affiliates, { token: w.tokens.member })).status).toBe(404);
    expect((await h.request('GET', own, { token: w.tokens.regional_manager })).status).toBe(404);
    expect((await h.request('GET', affiliates, { token: w.tokens.regional_manager })).status).toBe(200);
    expect((await h.request('GET', own, { token: w.tokens.admin })).status).toBe(200);
    expect((await h.request('GET', own)).status).toBe(401);
    const other = await createWorld(h);
    expect((await h.request('GET', own, { token: other.tokens.admin })).status).toBe(404);
    const bad = await h.request('GET', `${own}?limit=500`, { token: w.tokens.member });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('query.limit');
  });

  it('shortens names to a first name and an initial', () => {
    expect(friendDisplayName('  Lena   Müller ')).toBe('Lena M.');
    expect(friendDisplayName('Ana Maria de Souza')).toBe('Ana S.');
    expect(friendDisplayName('Paul')).toBe('Paul');
    expect(friendDisplayName('  ')).toBeNull();
  });
});
