import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointsEntries } from '../../../db/schema/index.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createWorld, type World } from '../../helpers/factories.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const base = (w: World, memberId: string) => `/v1/programs/${w.program.id}/members/${memberId}/points`;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('points history', () => {
  it('lists entries newest first, with what is left of each credit and whether it expires soon', async () => {
    const w = await createWorld(h);
    const path = base(w, w.member.member.id);
    const soon = await h.request('POST', `${path}/earn`, { token: w.tokens.admin, body: { points: 100, reason: 'order', idempotencyKey: 'a', expiresAt: inDays(10) } });
    expect(soon.status).toBe(201);
    await h.request('POST', `${path}/earn`, { token: w.tokens.admin, body: { points: 50, idempotencyKey: 'b', expiresAt: inDays(200) } });
    await h.request('POST', `${path}/redeem`, { token: w.tokens.admin, body: { points: 30, reason: 'Voucher', idempotencyKey: 'c' } });

    const res = await h.request('GET', `${path}/history`, { token: w.tokens.member });
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: { kind: string; amount: number }) => [e.kind, e.amount])).toEqual([
      ['redeem', -30],
      ['earn', 50],
      ['earn', 100],
    ]);
    const [redeem, later, first] = res.body.data;
    expect(redeem.lot).toBeNull();
    expect(later.lot).toMatchObject({ remaining: 50, state: 'available', expiringSoon: false });
    // The redemption drew from the lot that expires first.
    expect(first.lot).toMatchObject({ remaining: 70, state: 'available', expiringSoon: true });
    expect(res.body.nextCursor).toBeNull();
  });

  it('pages backwards through the ledger with the cursor', async () => {
    const w = await createWorld(h);
    const path = base(w, w.member.member.id);
    for (const key of ['1', '2', '3']) await h.request('POST', `${path}/earn`, { token: w.tokens.admin, body: { points: Number(key), idempotencyKey: key } });
    const first = await h.request('GET', `${path}/history?limit=2`, { token: w.tokens.admin });
    expect(first.body.data.map((e: { amount: number }) => e.amount)).toEqual([3, 2]);
    expect(first.body.nextCursor).toBeTruthy();
    const second = await h.request('GET', `${path}/history?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: w.tokens.admin });
    expect(second.body.data.map((e: { amount: number }) => e.amount)).toEqual([1]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('shows members only their own history and managers their countries', async () => {
    const w = await createWorld(h);
    const own = `${base(w, w.member.member.id)}/history`; // a US member: outside the DE manager's scope
    expect((await h.request('GET', own, { token: w.tokens.member })).status).toBe(200);
    expect((await h.request('GET', own, { token: w.tokens.affiliate })).status).toBe(404);
    expect((await h.request('GET', own, { token: w.tokens.regional_manager })).status).toBe(404);
    expect((await h.request('GET', `${base(w, w.affiliate.member.id)}/history`, { token: w.tokens.regional_manager })).status).toBe(200);
    expect((await h.request('GET', `${base(w, w.affiliate.member.id)}/history`, { token: w.tokens.member })).status).toBe(404);
    const bad = await h.request('GET', `${own}?limit=0`, { token: w.tokens.member });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('query.limit');
  });
});

describe('points history order', () => {
  it('follows when entries happened, also for entries booked with an earlier date, and refuses a foreign cursor', async () => {
    const w = await createWorld(h);
    const path = base(w, w.member.member.id);
    await h.request('POST', `${path}/earn`, { token: w.tokens.admin, body: { points: 10, idempotencyKey: 'now' } });
    // An opening balance: written later, dated a year back.
    const old = await h.request('POST', `${path}/earn`, { token: w.tokens.admin, body: { points: 20, idempotencyKey: 'old' } });
    await h.db.update(pointsEntries).set({ createdAt: new Date(Date.now() - 365 * 86_400_000) }).where(eq(pointsEntries.id, old.body.id));
    await h.request('POST', `${path}/earn`, { token: w.tokens.admin, body: { points: 30, idempotencyKey: 'later' } });

    const first = await h.request('GET', `${path}/history?limit=2`, { token: w.tokens.member });
    expect(first.body.data.map((e: { amount: number }) => e.amount)).toEqual([30, 10]);
    const second = await h.request('GET', `${path}/history?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: w.tokens.member });
    expect(second.body.data.map((e: { amount: number }) => e.amount)).toEqual([20]);
    expect(second.body.nextCursor).toBeNull();

    const bad = await h.request('GET', `${path}/history?cursor=pte_nope`, { token: w.tokens.member });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('cursor');
  });
});
