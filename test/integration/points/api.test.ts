import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tiers } from '../../../db/schema/index.js';
import { members } from '../../../db/schema/index.js';
import { eq } from 'drizzle-orm';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createMember, createWorld, type World } from '../../helpers/factories.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const pointsPath = (w: World, memberId: string) => `/v1/programs/${w.program.id}/members/${memberId}/points`;
const ordersPath = (w: World, memberId: string) => `/v1/programs/${w.program.id}/members/${memberId}/orders`;

describe('points API', () => {
  it('earns with an Idempotency-Key header and replays the same status and body', async () => {
    const w = await createWorld(h);
    const path = `${pointsPath(w, w.member.member.id)}/earn`;
    const first = await h.request('POST', path, { token: w.apiKey, body: { points: 250, reason: 'welcome' }, headers: { 'Idempotency-Key': 'hdr-1' } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'earn', amount: 250, idempotencyKey: 'hdr-1', actor: { type: 'api_key' } });
    const replay = await h.request('POST', path, { token: w.apiKey, body: { points: 250, reason: 'welcome', idempotencyKey: 'hdr-1' } });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    const reused = await h.request('POST', path, { token: w.apiKey, body: { points: 251, reason: 'welcome', idempotencyKey: 'hdr-1' } });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    const missing = await h.request('POST', path, { token: w.apiKey, body: { points: 1 } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues[0].field).toBe('idempotencyKey');
    const balance = await h.request('GET', pointsPath(w, w.member.member.id), { token: w.tokens.member });
    expect(balance.status).toBe(200);
    expect(balance.body).toMatchObject({ available: 250, pending: 0, lifetimeEarned: 250 });
  });

  it('answers an over-redemption with 422 and leaves the ledger untouched', async () => {
    const w = await createWorld(h);
    const base = pointsPath(w, w.member.member.id);
    await h.request('POST', `${base}/earn`, { token: w.tokens.admin, body: { points: 10, idempotencyKey: 'e' } });
    const res = await h.request('POST', `${base}/redeem`, { token: w.tokens.admin, body: { points: 11, idempotencyKey: 'r' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('insufficient_points');
    const entries = await h.request('GET', `${base}/entries`, { token: w.tokens.admin });
    expect(entries.body.data).toHaveLength(1);
    expect(entries.body.nextCursor).toBeNull();
  });

  it('limits reads to the member themselves and staff in scope, and writes to admins and API keys', async () => {
    const w = await createWorld(h);
    const own = pointsPath(w, w.member.member.id); // a US member: outside the DE manager's scope
    expect((await h.request('GET', own, { token: w.tokens.member })).status).toBe(200);
    expect((await h.request('GET', own, { token: w.tokens.affiliate })).status).toBe(404);
    expect((await h.request('GET', own, { token: w.tokens.regional_manager })).status).toBe(404);
    expect((await h.request('GET', pointsPath(w, w.affiliate.member.id), { token: w.tokens.regional_manager })).status).toBe(200);
    for (const token of [w.tokens.member, w.tokens.affiliate, w.tokens.regional_manager]) {
      const res = await h.request('POST', `${own}/adjust`, { token, body: { points: 5, reason: 'x', idempotencyKey: 'a' } });
      expect(res.status).toBe(403);
    }
    const other = await createWorld(h);
    const foreign = await h.request('POST', `${pointsPath(other, other.member.member.id)}/earn`, { token: w.apiKey, body: { points: 5, idempotencyKey: 'x' } });
    expect(foreign.status).toBe(404);
  });

  it('reverses an entry through the API once', async () => {
    const w = await createWorld(h);
    const base = pointsPath(w, w.member.member.id);
    const earn = await h.request('POST', `${base}/earn`, { token: w.tokens.admin, body: { points: 40, idempotencyKey: 'e' } });
    const path = `/v1/programs/${w.program.id}/points/entries/${earn.body.id}/reverse`;
    const rev = await h.request('POST', path, { token: w.tokens.admin, body: { idempotencyKey: 'rev', reason: 'mistake' } });
    expect(rev.status).toBe(201);
    expect(rev.body).toMatchObject({ kind: 'reverse', amount: -40, shortfall: 0, reversesEntryId: earn.body.id });
    const twice = await h.request('POST', path, { token: w.tokens.admin, body: { idempotencyKey: 'rev-2', reason: 'again' } });
    expect(twice.status).toBe(409);
    const unknown = await h.request('POST', `/v1/programs/${w.program.id}/points/entries/pte_nope/reverse`, { token: w.tokens.admin, body: { idempotencyKey: 'z', reason: 'x' } });
    expect(unknown.status).toBe(404);
  });
});

describe('member orders', () => {
  it('earns points for an order with the tier multiplier, once per externalId', async () => {
    const w = await createWorld(h, { settings: { points: { pointsPerUnit: 2 } } });
    const [gold] = await h.db.insert(tiers).values({ programId: w.program.id, name: 'Gold', rank: 1, pointsMultiplierBps: 15_000 }).returning();
    const member = await createMember(h, w.program.id, { country: 'DE' });
    await h.db.update(members).set({ tierId: gold!.id }).where(eq(members.id, member.id));
    const body = { externalId: 'A-1001', amount: 4999, currency: 'EUR' };
    const res = await h.request('POST', ordersPath(w, member.id), { token: w.apiKey, body });
    expect(res.status).toBe(201);
    // floor(49.99 x 2 x 1.5) = 149
    expect(res.body).toMatchObject({ externalId: 'A-1001', amount: 4999, status: 'completed', refundedAmount: 0, pointsEarned: 149 });
    const replay = await h.request('POST', ordersPath(w, member.id), { token: w.apiKey, body });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(res.body);
    const changed = await h.request('POST', ordersPath(w, member.id), { token: w.apiKey, body: { ...body, amount: 5000 } });
    expect(changed.status).toBe(409);
    const balance = await h.request('GET', pointsPath(w, member.id), { token: w.tokens.admin });
    expect(balance.body).toMatchObject({ available: 149, lifetimeEarned: 149 });
    const bad = await h.request('POST', ordersPath(w, member.id), { token: w.apiKey, body: { externalId: 'B', amount: 100, currency: 'eur' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('currency');
  });

  it('refunds pro rata, takes spent points from elsewhere, never goes negative and records the shortfall', async () => {
    const w = await createWorld(h);
    const memberId = w.member.member.id;
    const order = await h.request('POST', ordersPath(w, memberId), { token: w.apiKey, body: { externalId: 'O-1', amount: 10_000, currency: 'USD' } });
    expect(order.body.pointsEarned).toBe(100);
    const refunds = `${ordersPath(w, memberId)}/${order.body.id}/refunds`;

    const quarter = await h.request('POST', refunds, { token: w.apiKey, body: { amount: 2_500, idempotencyKey: 'rf-1' } });
    expect(quarter.status).toBe(201);
    expect(quarter.body).toMatchObject({ amount: 2_500, pointsReversed: 25, pointsShortfall: 0 });
    const replay = await h.request('POST', refunds, { token: w.apiKey, headers: { 'Idempotency-Key': 'rf-1' }, body: { amount: 2_500 } });
    expect(replay.body).toEqual(quarter.body);

    // Spend most of it, earn a little elsewhere, then refund the rest: 75 points are due back.
    await h.request('POST', `${pointsPath(w, memberId)}/redeem`, { token: w.apiKey, body: { points: 70, idempotencyKey: 'spend' } });
    await h.request('POST', `${pointsPath(w, memberId)}/earn`, { token: w.apiKey, body: { points: 20, idempotencyKey: 'bonus' } });
    const rest = await h.request('POST', refunds, { token: w.apiKey, body: { amount: 7_500, idempotencyKey: 'rf-2' } });
    expect(rest.status).toBe(201);
    // 5 left in the order's lot + 20 from the bonus = 25 taken; 50 could not be.
    expect(rest.body).toMatchObject({ pointsReversed: 25, pointsShortfall: 50 });
    const balance = await h.request('GET', pointsPath(w, memberId), { token: w.apiKey });
    expect(balance.body).toMatchObject({ available: 0, lifetimeEarned: 20 });

    const over = await h.request('POST', refunds, { token: w.apiKey, body: { amount: 1, idempotencyKey: 'rf-3' } });
    expect(over.status).toBe(400);
    expect(over.body.error.details.issues[0].field).toBe('amount');
    const entries = await h.request('GET', `${pointsPath(w, memberId)}/entries`, { token: w.apiKey });
    const last = entries.body.data.at(-1);
    expect(last).toMatchObject({ kind: 'reverse', amount: -25, shortfall: 50, orderId: order.body.id });
  });
});
