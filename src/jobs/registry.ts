import { pruneLoginAttemptsJob } from '../core/auth/jobs/prune-login-attempts.js';
import { importMembersJob } from '../core/members/jobs/import-members.js';
import { expirePointsLotsJob } from '../core/points/jobs/expire-lots.js';
import { releasePendingPointsJob } from '../core/points/jobs/release-pending.js';
import { recomputeSegmentsJob } from '../core/segments/jobs/recompute-segments.js';
import { evaluateDowngradesJob } from '../core/tiers/jobs/evaluate-downgrades.js';
import { evaluateMemberTierJob } from '../core/tiers/jobs/evaluate-member.js';
import { maintainClicksJob } from '../tracking/jobs/maintain-clicks.js';
import { processConversionJob } from '../tracking/conversions/jobs/process-conversion.js';
import { sweepUnprocessedConversionsJob } from '../tracking/conversions/jobs/sweep-unprocessed.js';
import { approveDueCommissionsJob } from '../payouts/commissions/jobs/approve-due.js';
import { sequenceLogJob } from '../transparency/jobs/sequence.js';
import { witnessCheckpointJob } from '../transparency/jobs/witness.js';
import { dailyStatsJob } from '../transparency/entries/jobs/daily-stats.js';
import { runPayoutsJob } from '../payouts/payouts/jobs/run.js';
import { payoutScheduleJob } from '../payouts/payouts/jobs/schedule.js';
import { transferPayoutJob } from '../payouts/payouts/jobs/transfer.js';
import { handleStripeEventJob } from '../payouts/stripe/jobs/handle-event.js';
import { sweepStripeEventsJob } from '../payouts/stripe/jobs/sweep-events.js';
import type { JobDefinition } from './types.js';

/**
 * The typed job map: every background job Trellis runs, by name. Handlers live in their domain
 * folders (`src/core/points/jobs/...`); this file only lists them.
 */
export const jobMap = {
  'auth.prune-login-attempts': pruneLoginAttemptsJob,
  'members.import': importMembersJob,
  'points.release-pending': releasePendingPointsJob,
  'points.expire-lots': expirePointsLotsJob,
  'segments.recompute': recomputeSegmentsJob,
  'tiers.evaluate-member': evaluateMemberTierJob,
  'tiers.evaluate-downgrades': evaluateDowngradesJob,
  'tracking.maintain-clicks': maintainClicksJob,
  'conversions.process': processConversionJob,
  'conversions.sweep-unprocessed': sweepUnprocessedConversionsJob,
  'commissions.approve-due': approveDueCommissionsJob,
  'transparency.sequence': sequenceLogJob,
  'transparency.witness': witnessCheckpointJob,
  'transparency.daily-stats': dailyStatsJob,
  'payouts.run': runPayoutsJob,
  'payouts.transfer': transferPayoutJob,
  'payouts.schedule': payoutScheduleJob,
  'stripe.handle-event': handleStripeEventJob,
  'stripe.sweep-events': sweepStripeEventsJob,
} satisfies Record<string, JobDefinition>;

export type JobMap = typeof jobMap;
