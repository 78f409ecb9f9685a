import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../../db/schema/index.js';
import { withTransaction } from '../../../src/context.js';
import { createCommissionForConversion, onConversionCompleted } from '../../../src/payouts/commissions/effects.js';
import { approveDueCommissions } from '../../../src/payouts/commissions/lifecycle.js';
import type { FraudReason } from '../../../src/tracking/fraud/rules.js';
import { createAffiliate, createCommission, createUser, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { attributionTo, commissionsOf, createPolicy, DAY_MS, insertConversion, markProcessed, updateConversion } from './fixtures.js';

let h: Harness;
let w: World;

beforeAll(async () => {
  h = await createHarness();
  w = await createWorld(h);
  await createPolicy(h, w.program.id, 'DE', { percentBps: 1000, holdDays: 30 });
  await createPolicy(h, w.program.id, 'US', { percentBps: 1000, holdDays: 0, currency: 'EUR' });
});
afterAll(async () => h?.close());

/** A processed sale whose commission the fraud rules held, `daysAgo` days ago in `country`. */
async function heldCommission(reasons: FraudReason[], opts: { country?: string; daysAgo?: number; status?: 'completed' | 'pending' } = {}) {
  const at = new Date(h.clock().getTime() - (opts.daysAgo ?? 0) * DAY_MS);
  const attribution = attributionTo(w.affiliate.member.id, { marketCountry: opts.country ?? 'DE' });
  const conversion = await markProcessed(h, await insertConversion(h, w.program.id, { occurredAt: at, status: opts.status ?? 'completed' }), attribution);
  const commission = await withTransaction(h.ctx(), (tx) => createCommissionForConversion(tx, conversion, attribution, reasons));
  expect(commission).toMatchObject({ status: 'held', holdReasons: reasons });
  return { conversion, commission: commission! };
}

const auditOf = (commissionId: string) =>
  h.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityType, 'commission'), eq(auditLog.entityId, commissionId)));

describe('deciding held commissions', () => {
  it('approves one and rejects another, with reasons the affiliate reads, each decision audited', async () => {
    const past = await heldCommission(['click_injection'], { daysAgo: 40 });
    const fresh = await heldCommission(['velocity_ip']);
    const bad = await heldCommission(['self_referral', 'bot_click']);

    // Past its 30 days' hold: approved at once. Within it: pending until the hold passes.
    const approved = await h.request('POST', `/v1/commissions/${past.commission.id}/approve`, { token: w.tokens.regional_manager, body: { reason: 'Customer verified by phone.' } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ id: past.commission.id, status: 'approved', decisionReason: 'Customer verified by phone.', decidedBy: w.manager.user.id, holdReasons: ['click_injection'] });
    expect(approved.body.approvedAt).not.toBeNull();
    const pending = await h.request('POST', `/v1/commissions/${fresh.commission.id}/approve`, { token: w.tokens.admin, body: { reason: 'Office IP, known.' } });
    expect(pending.body).toMatchObject({ status: 'pending', approvedAt: null });

    const rejected = await h.request('POST', `/v1/commissions/${bad.commission.id}/reject`, { token: w.tokens.admin, body: { reason: 'Own purchase through a bot.' } });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decisionReason: 'Own purchase through a bot.', decidedBy: w.admin.user.id });

    // The affiliate reads both decisions and why, but not who on the staff made them.
    const mine = await h.request('GET', `/v1/commissions/${bad.commission.id}`, { token: w.tokens.affiliate });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ status: 'rejected', holdReasons: ['self_referral', 'bot_click'], decisionReason: 'Own purchase through a bot.', decidedBy: null });

    const [approval] = await auditOf(past.commission.id);
    expect(approval).toMatchObject({
      action: 'commission.approved',
      actorType: 'regional_manager',
      actorId: w.manager.user.id,
      programId: w.program.id,
      before: { status: 'held', holdReasons: ['click_injection'], decisionReason: null },
      after: { status: 'approved', reason: 'Customer verified by phone.' },
    });
    const [rejection] = await auditOf(bad.commission.id);
    expect(rejection).toMatchObject({ action: 'commission.rejected', actorType: 'admin', before: { status: 'held' }, after: { status: 'rejected', reason: 'Own purchase through a bot.' } });
  });

  it('replays the same decision and refuses the other way or a commission that is not held (422)', async () => {
    const { commission } = await heldCommission(['no_click']);
    const first = await h.request('POST', `/v1/commissions/${commission.id}/reject`, { token: w.tokens.admin, body: { reason: 'No click at all.' } });
    const again = await h.request('POST', `/v1/commissions/${commission.id}/reject`, { token: w.tokens.admin, body: { reason: 'No click at all.' } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await auditOf(commission.id)).toHaveLength(1);

    const other = await h.request('POST', `/v1/commissions/${commission.id}/approve`, { token: w.tokens.admin, body: { reason: 'Changed my mind.' } });
    expect(other.status).toBe(422);
    expect(other.body.error.details).toMatchObject({ reason: 'not_held', status: 'rejected' });

    const notHeld = await createCommission(h, w);
    const refused = await h.request('POST', `/v1/commissions/${notHeld.id}/reject`, { token: w.tokens.admin, body: { reason: 'Looks odd.' } });
    expect(refused.status).toBe(422);
    expect((await commissionsOf(h, notHeld.conversionId))[0]!.status).toBe('pending');
  });

  it('needs a reason (400, nothing changes) and is for staff only (403)', async () => {
    const { commission } = await heldCommission(['velocity_link']);
    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'ok', extra: 1 }]) {
      const res = await h.request('POST', `/v1/commissions/${commission.id}/approve`, { token: w.tokens.admin, body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    for (const token of [w.tokens.affiliate, w.tokens.member, w.tokens.api_key]) {
      expect((await h.request('POST', `/v1/commissions/${commission.id}/approve`, { token, body: { reason: 'mine' } })).status).toBe(403);
    }
    expect((await commissionsOf(h, commission.conversionId))[0]).toMatchObject({ status: 'held', decidedAt: null });
    expect(await auditOf(commission.id)).toEqual([]);
  });

  it('keeps a sale commission from approval until the sale is completed', async () => {
    const { conversion, commission } = await heldCommission(['no_click'], { status: 'pending', daysAgo: 60 });
    expect(commission.holdUntil).toBeNull();
    const approved = await h.request('POST', `/v1/commissions/${commission.id}/approve`, { token: w.tokens.admin, body: { reason: 'Known customer.' } });
    expect(approved.body).toMatchObject({ status: 'pending', holdUntil: null });
    h.clock.advance(365 * DAY_MS);
    try {
      await approveDueCommissions({ db: h.db, clock: h.clock });
      expect((await commissionsOf(h, conversion.id))[0]!.status).toBe('pending');
      const completed = await updateConversion(h, conversion.id, { status: 'completed', completedAt: h.clock() });
      await withTransaction(h.ctx(), (tx) => onConversionCompleted(tx, completed));
      h.clock.advance(31 * DAY_MS);
      await approveDueCommissions({ db: h.db, clock: h.clock });
      expect((await commissionsOf(h, conversion.id))[0]!.status).toBe('approved');
    } finally {
      h.clock.set(new Date());
    }
  });
});

describe('scope', () => {
  it('hides commissions outside a regional manager’s countries (404) and another partner’s from partners', async () => {
    const { commission } = await heldCommission(['velocity_ip']);
    const elsewhere = await createUser(h, { tenantId: w.tenant.id, role: 'regional_manager', countries: ['FR', 'US'] });
    for (const [method, path, body] of [
      ['GET', `/v1/commissions/${commission.id}`, undefined],
      ['POST', `/v1/commissions/${commission.id}/approve`, { reason: 'Not mine to judge.' }],
      ['POST', `/v1/commissions/${commission.id}/reject`, { reason: 'Not mine to judge.' }],
    ] as const) {
      const res = await h.request(method, path, { token: elsewhere.token, body });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await commissionsOf(h, commission.conversionId))[0]).toMatchObject({ status: 'held' });

    // The member (no commissions of their own) and another affiliate see none of it.
    const otherMember = await createAffiliate(h, w.program.id, { country: 'DE' });
    const other = await createUser(h, { tenantId: w.tenant.id, role: 'affiliate', memberId: otherMember.id, programId: w.program.id });
    for (const token of [w.tokens.member, other.token]) {
      expect((await h.request('GET', `/v1/commissions/${commission.id}`, { token })).status).toBe(404);
      const list = await h.request('GET', `/v1/programs/${w.program.id}/commissions`, { token });
      expect(list.status).toBe(200);
      expect(list.body.data).toEqual([]);
    }
    // Another tenant's admin does not find it either.
    const stranger = await createWorld(h);
    expect((await h.request('GET', `/v1/commissions/${commission.id}`, { token: stranger.tokens.admin })).status).toBe(404);
  });

  it('lists by market for regional managers, and filters', async () => {
    const world = await createWorld(h);
    await createPolicy(h, world.program.id, null, { percentBps: 500 });
    const de = await createCommission(h, world, { country: 'DE' });
    const us = await createCommission(h, world, { country: 'US', status: 'held', holdReasons: ['velocity_ip'] });
    const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((c) => c.id);

    expect(ids(await h.request('GET', `/v1/programs/${world.program.id}/commissions`, { token: world.tokens.admin }))).toEqual([de.id, us.id]);
    expect(ids(await h.request('GET', `/v1/programs/${world.program.id}/commissions`, { token: world.tokens.regional_manager }))).toEqual([de.id]);
    expect(ids(await h.request('GET', `/v1/programs/${world.program.id}/commissions`, { token: world.tokens.affiliate }))).toEqual([de.id, us.id]);
    const held = await h.request('GET', `/v1/programs/${world.program.id}/commissions?status=held`, { token: world.tokens.admin });
    expect(ids(held)).toEqual([us.id]);
    // Each row names its partner, so the review queue needs no lookup per row.
    expect(held.body.data[0]).toMatchObject({ partnerMemberId: world.affiliate.member.id, partnerName: 'Ada Affiliate' });
    expect(ids(await h.request('GET', `/v1/programs/${world.program.id}/commissions?country=US`, { token: world.tokens.admin }))).toEqual([us.id]);
    expect(ids(await h.request('GET', `/v1/programs/${world.program.id}/commissions?conversionId=${de.conversionId}`, { token: world.tokens.admin }))).toEqual([de.id]);
    const page = await h.request('GET', `/v1/programs/${world.program.id}/commissions?limit=1`, { token: world.tokens.admin });
    expect(ids(page)).toEqual([de.id]);
    expect(ids(await h.request('GET', `/v1/programs/${world.program.id}/commissions?limit=1&cursor=${page.body.nextCursor}`, { token: world.tokens.admin }))).toEqual([us.id]);
    // Newest first, for people reading what just happened; the cursor then walks back in time.
    const newest = await h.request('GET', `/v1/programs/${world.program.id}/commissions?limit=1&order=newest`, { token: world.tokens.admin });
    expect(ids(newest)).toEqual([us.id]);
    expect(ids(await h.request('GET', `/v1/programs/${world.program.id}/commissions?limit=1&order=newest&cursor=${newest.body.nextCursor}`, { token: world.tokens.admin }))).toEqual([de.id]);
    const bad = await h.request('GET', `/v1/programs/${world.program.id}/commissions?status=nope&country=de`, { token: world.tokens.admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['query.country', 'query.status']);
  });
});
