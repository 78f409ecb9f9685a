import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members, tierHistory, tierPurchases } from '../../../db/schema/index.js';
import { earnPoints } from '../../../src/core/points/earn.js';
import { createTier } from '../../../src/core/tiers/tiers.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createWorld } from '../../helpers/factories.js';
import { createLadder, DAY_MS, uniqueKey } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

async function worldWithVip() {
  const w = await createWorld(h);
  const ladder = await createLadder(h, w.program.id);
  const vip = await createTier(h.ctx(), { programId: w.program.id, tier: { name: 'VIP', rank: 5, kind: 'paid', feeAmount: 4900, feeCurrency: 'EUR', validityDays: 30, benefits: ['Lounge'] } });
  const memberId = w.member.member.id;
  const path = `/v1/programs/${w.program.id}/members/${memberId}/tier-purchases`;
  return { w, ladder, vip, memberId, path };
}

const memberRow = async (id: string) => (await h.db.select().from(members).where(eq(members.id, id)))[0]!;

describe('paid tier purchases', () => {
  it('sets the paid tier until now + validity, and a replay returns the first result', async () => {
    const { w, vip, memberId, path } = await worldWithVip();
    const body = { tierId: vip.id, idempotencyKey: uniqueKey('buy'), paymentReference: 'pi_123' };
    const first = await h.request('POST', path, { token: w.apiKey, body });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ memberId, tierId: vip.id, feeAmount: 4900, feeCurrency: 'EUR', paymentReference: 'pi_123' });
    expect(Date.parse(first.body.expiresAt) - Date.parse(first.body.startsAt)).toBe(30 * DAY_MS);

    const replay = await h.request('POST', path, { token: w.admin.token, body });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(await h.db.select().from(tierPurchases).where(eq(tierPurchases.memberId, memberId))).toHaveLength(1);

    const reused = await h.request('POST', path, { token: w.apiKey, body: { ...body, paymentReference: 'pi_other' } });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');

    const row = await memberRow(memberId);
    expect(row.tierId).toBe(vip.id);
    expect(row.tierExpiresAt!.toISOString()).toBe(first.body.expiresAt);
    const history = await h.db.select().from(tierHistory).where(eq(tierHistory.memberId, memberId));
    expect(history).toEqual([expect.objectContaining({ reason: 'purchase', toTierId: vip.id, expiresAt: row.tierExpiresAt })]);
  });

  it('takes the key from the Idempotency-Key header and extends a renewal from the current expiry', async () => {
    const { w, vip, path } = await worldWithVip();
    const first = await h.request('POST', path, { token: w.apiKey, headers: { 'idempotency-key': uniqueKey('buy') }, body: { tierId: vip.id, paymentReference: 'pi_1' } });
    expect(first.status).toBe(201);
    const renewal = await h.request('POST', path, { token: w.apiKey, headers: { 'idempotency-key': uniqueKey('buy') }, body: { tierId: vip.id, paymentReference: 'pi_2' } });
    expect(renewal.status).toBe(201);
    expect(renewal.body.startsAt).toBe(first.body.expiresAt);
    expect(Date.parse(renewal.body.expiresAt)).toBe(Date.parse(first.body.expiresAt) + 30 * DAY_MS);

    const missing = await h.request('POST', path, { token: w.apiKey, body: { tierId: vip.id, paymentReference: 'pi_3' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues[0].field).toBe('idempotencyKey');
  });

  it('refuses standard tiers (400), member callers (403) and members of other programs (404)', async () => {
    const { w, ladder, vip, path } = await worldWithVip();
    const standard = await h.request('POST', path, { token: w.apiKey, body: { tierId: ladder.gold.id, idempotencyKey: uniqueKey('buy'), paymentReference: 'pi' } });
    expect(standard.status).toBe(400);
    expect(standard.body.error.details.issues[0].field).toBe('tierId');
    expect((await h.request('POST', path, { token: w.member.token, body: { tierId: vip.id, idempotencyKey: uniqueKey('buy'), paymentReference: 'pi' } })).status).toBe(403);
    const other = await createWorld(h);
    const foreign = `/v1/programs/${w.program.id}/members/${other.member.member.id}/tier-purchases`;
    expect((await h.request('POST', foreign, { token: w.apiKey, body: { tierId: vip.id, idempotencyKey: uniqueKey('buy'), paymentReference: 'pi' } })).status).toBe(404);
  });

  it('expires the paid tier back to the standard tier the member qualifies for', async () => {
    const { w, ladder, vip, memberId, path } = await worldWithVip();
    await earnPoints(h.ctx(), { programId: w.program.id, memberId, points: 1200, idempotencyKey: uniqueKey('earn') });
    await h.jobs.idle();
    expect((await memberRow(memberId)).tierId).toBe(ladder.silver.id);
    const bought = await h.request('POST', path, { token: w.apiKey, body: { tierId: vip.id, idempotencyKey: uniqueKey('buy'), paymentReference: 'pi' } });
    expect(bought.status).toBe(201);

    h.clock.advance(29 * DAY_MS);
    await h.jobs.enqueue('tiers.evaluate-downgrades', {});
    await h.jobs.idle();
    expect((await memberRow(memberId)).tierId).toBe(vip.id);

    h.clock.advance(2 * DAY_MS);
    await h.jobs.enqueue('tiers.evaluate-downgrades', {});
    await h.jobs.idle();
    const row = await memberRow(memberId);
    expect(row.tierId).toBe(ladder.silver.id);
    expect(row.tierExpiresAt).toBeNull();
    const history = await h.db.select().from(tierHistory).where(eq(tierHistory.memberId, memberId)).orderBy(tierHistory.id);
    expect(history.map((e) => [e.reason, e.toTierId])).toEqual([
      ['initial', ladder.silver.id],
      ['purchase', vip.id],
      ['expiry', ladder.silver.id],
    ]);
  });
});
