import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { earnPoints } from '../../../src/core/points/earn.js';
import { evaluateMemberTier } from '../../../src/core/tiers/evaluate.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createMember, createWorld } from '../../helpers/factories.js';
import { createLadder, recordOrder, uniqueKey } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const tierPath = (programId: string, memberId: string) => `/v1/programs/${programId}/members/${memberId}/tier`;

describe('member tier view', () => {
  it('shows the tier, its benefits, the window metrics and what the next tier still needs', async () => {
    const w = await createWorld(h);
    const ladder = await createLadder(h, w.program.id);
    const memberId = w.member.member.id;
    await earnPoints(h.ctx(), { programId: w.program.id, memberId, points: 1200, idempotencyKey: uniqueKey('earn') });
    await recordOrder(h, w.program.id, memberId, 30_000);
    await createMember(h, w.program.id, { referredByMemberId: memberId });
    await h.jobs.idle();

    const res = await h.request('GET', tierPath(w.program.id, memberId), { token: w.member.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      memberId,
      tier: { id: ladder.silver.id, name: 'Silver', benefits: ['Free shipping'], pointsMultiplierBps: 12_500 },
      achievedAt: expect.any(String),
      expiresAt: null,
      // The 200-point upgrade gift is not counted towards tiers.
      metrics: { pointsEarned: 1200, qualifyingSpend: 30_000, referralRevenue: 0, referredSignups: 1 },
      nextTier: {
        tier: { id: ladder.gold.id },
        match: 'all',
        qualified: false,
        thresholds: [
          { metric: 'pointsEarned', required: 5000, current: 1200, remaining: 3800, met: false },
          { metric: 'referredSignups', required: 2, current: 1, remaining: 1, met: false },
        ],
      },
      evaluation: { downgradeEnabled: false, evaluationDate: null, graceEndsAt: null },
    });
    expect(Date.parse(res.body.window.to) - Date.parse(res.body.window.from)).toBeGreaterThan(364 * 86_400_000);
  });

  it('shows no tier and the entry level as next for a member not yet evaluated', async () => {
    const w = await createWorld(h);
    const ladder = await createLadder(h, w.program.id);
    const res = await h.request('GET', tierPath(w.program.id, w.member.member.id), { token: w.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.tier).toBeNull();
    expect(res.body.nextTier).toMatchObject({ tier: { id: ladder.bronze.id }, qualified: true, thresholds: [] });
  });

  it('lists the tier history by cursor', async () => {
    const w = await createWorld(h);
    const ladder = await createLadder(h, w.program.id);
    const memberId = w.affiliate.member.id;
    await evaluateMemberTier(h.ctx(), { programId: w.program.id, memberId });
    await earnPoints(h.ctx(), { programId: w.program.id, memberId, points: 1000, idempotencyKey: uniqueKey('earn') });
    await h.jobs.idle();

    const path = `/v1/programs/${w.program.id}/members/${memberId}/tier-history`;
    const first = await h.request('GET', `${path}?limit=1`, { token: w.affiliate.token });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([expect.objectContaining({ reason: 'initial', fromTierId: null, toTierId: ladder.bronze.id, effectiveAt: expect.any(String) })]);
    const second = await h.request('GET', `${path}?limit=1&cursor=${first.body.nextCursor}`, { token: w.manager.token });
    expect(second.body.data).toEqual([expect.objectContaining({ reason: 'upgrade', fromTierId: ladder.bronze.id, toTierId: ladder.silver.id })]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('hides other members from members and affiliates, and other countries from regional managers (404)', async () => {
    const w = await createWorld(h);
    await createLadder(h, w.program.id);
    const memberPath = tierPath(w.program.id, w.member.member.id);
    const affiliatePath = tierPath(w.program.id, w.affiliate.member.id);
    for (const path of [memberPath, `${memberPath}-history`]) {
      const res = await h.request('GET', path, { token: w.affiliate.token });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
      // The member is in the US; the regional manager only covers DE.
      expect((await h.request('GET', path, { token: w.manager.token })).status).toBe(404);
    }
    expect((await h.request('GET', affiliatePath, { token: w.member.token })).status).toBe(404);
    expect((await h.request('GET', affiliatePath, { token: w.manager.token })).status).toBe(200);
    const other = await createWorld(h);
    expect((await h.request('GET', memberPath, { token: other.apiKey })).status).toBe(404);
  });
});
