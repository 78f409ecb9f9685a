import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members, tierHistory } from '../../../db/schema/index.js';
import { earnPoints } from '../../../src/core/points/earn.js';
import { addMonthsUtc } from '../../../src/core/tiers/evaluation-date.js';
import { getMemberTier } from '../../../src/core/tiers/member-tier.js';
import { reviewMemberTier } from '../../../src/core/tiers/review.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createWorld } from '../../helpers/factories.js';
import { createLadder, DAY_MS, uniqueKey } from './fixtures.js';

// These tests move the harness clock forward (months at a time); they call services directly,
// since access tokens issued before a jump would have expired.
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const DOWNGRADES = { tiers: { downgradeEnabled: true, windowMonths: 12, downgradeGraceDays: 30 } };

async function silverMember(settings?: Record<string, unknown>) {
  const w = await createWorld(h, { settings });
  const ladder = await createLadder(h, w.program.id);
  const memberId = w.member.member.id;
  await earnPoints(h.ctx(), { programId: w.program.id, memberId, points: 1000, idempotencyKey: uniqueKey('earn') });
  await h.jobs.idle();
  const [row] = await h.db.select().from(members).where(eq(members.id, memberId));
  expect(row!.tierId).toBe(ladder.silver.id);
  return { w, ladder, memberId, achievedAt: row!.tierAchievedAt! };
}

const review = (programId: string, memberId: string) => reviewMemberTier(h.ctx(), { programId, memberId });
const tierOf = async (memberId: string) => (await h.db.select().from(members).where(eq(members.id, memberId)))[0]!.tierId;
const reasons = async (memberId: string) => (await h.db.select().from(tierHistory).where(eq(tierHistory.memberId, memberId)).orderBy(tierHistory.id)).map((e) => e.reason);

describe('downgrades', () => {
  it('never downgrades when the program has not enabled it', async () => {
    const { w, ladder, memberId, achievedAt } = await silverMember();
    h.clock.set(new Date(addMonthsUtc(achievedAt, 30).getTime()));
    expect(await review(w.program.id, memberId)).toBe('not_due');
    await h.jobs.enqueue('tiers.evaluate-downgrades', {});
    await h.jobs.idle();
    expect(await tierOf(memberId)).toBe(ladder.silver.id);
  });

  it('downgrades only after the evaluation date plus grace, to the highest tier still qualified for', async () => {
    const { w, ladder, memberId, achievedAt } = await silverMember(DOWNGRADES);
    const evaluationDate = addMonthsUtc(achievedAt, 12);

    const view = await getMemberTier(h.ctx(), { programId: w.program.id, memberId });
    expect(view.evaluation).toEqual({ downgradeEnabled: true, evaluationDate, graceEndsAt: new Date(evaluationDate.getTime() + 30 * DAY_MS) });

    // On the evaluation date the points have left the window, but the grace period has not run out.
    h.clock.set(new Date(evaluationDate.getTime() + DAY_MS));
    expect(await review(w.program.id, memberId)).toBe('not_due');
    h.clock.set(new Date(evaluationDate.getTime() + 29 * DAY_MS));
    expect(await review(w.program.id, memberId)).toBe('not_due');
    expect(await tierOf(memberId)).toBe(ladder.silver.id);

    h.clock.set(new Date(evaluationDate.getTime() + 31 * DAY_MS));
    await h.jobs.enqueue('tiers.evaluate-downgrades', {});
    await h.jobs.idle();
    expect(await tierOf(memberId)).toBe(ladder.bronze.id);
    expect(await reasons(memberId)).toEqual(['initial', 'downgrade']);
    // Reviewing again is a no-op.
    expect(await review(w.program.id, memberId)).toBe('not_due');
    expect(await reasons(memberId)).toEqual(['initial', 'downgrade']);
  });

  it('keeps the tier of a member who requalified during the grace period, and reviews that date once', async () => {
    const { w, ladder, memberId, achievedAt } = await silverMember(DOWNGRADES);
    const evaluationDate = addMonthsUtc(achievedAt, 12);
    h.clock.set(new Date(evaluationDate.getTime() + 10 * DAY_MS));
    await earnPoints(h.ctx(), { programId: w.program.id, memberId, points: 1000, idempotencyKey: uniqueKey('earn') });
    await h.jobs.idle();
    h.clock.set(new Date(evaluationDate.getTime() + 31 * DAY_MS));
    expect(await review(w.program.id, memberId)).toBe('kept');
    expect(await review(w.program.id, memberId)).toBe('not_due');
    expect(await tierOf(memberId)).toBe(ladder.silver.id);

    // The next evaluation date is a year later; without new activity the member drops then.
    const next = addMonthsUtc(achievedAt, 24);
    expect((await getMemberTier(h.ctx(), { programId: w.program.id, memberId })).evaluation.evaluationDate).toEqual(next);
    h.clock.set(new Date(next.getTime() + 31 * DAY_MS));
    expect(await review(w.program.id, memberId)).toBe('downgraded');
    expect(await tierOf(memberId)).toBe(ladder.bronze.id);
  });
});
