import { z } from 'zod';
import type { ServiceContext } from '../../context.js';
import { recordAudit } from '../audit.js';
import { assertStaff, loadLedgerScope } from '../auth/scope.js';
import { parseInput } from '../validation.js';
import { addMonths } from './calculations.js';
import { id, idempotencyKey, reasonText, referenceText } from './input.js';
import { creditPoints } from './earn.js';
import { ledgerWrite, replayOrConflict } from './ledger.js';
import { drawPoints } from './redeem.js';
import { pointsSettings } from './settings.js';
import { entryView, requestHash, type PointsEntryView } from './views.js';

const adjustInput = z.object({
  programId: id,
  memberId: id,
  points: z
    .number()
    .int('must be a whole number of points')
    .min(-1_000_000_000_000)
    .max(1_000_000_000_000)
    .refine((v) => v !== 0, 'must not be zero'),
  idempotencyKey,
  reason: reasonText,
  reference: referenceText.optional(),
});
export type AdjustPointsInput = z.input<typeof adjustInput>;

/**
 * A manual correction. Positive: a new lot, available at once, expiring like earned points (it
 * does not count as earned for lifetime totals). Negative: drawn like a redemption, never below zero.
 */
export async function adjustPoints(ctx: ServiceContext, raw: AdjustPointsInput): Promise<PointsEntryView> {
  const input = parseInput(adjustInput, raw);
  assertStaff(ctx.actor);
  const { program, member } = await loadLedgerScope(ctx, input.programId, input.memberId);
  const settings = pointsSettings(program);
  const hash = requestHash({ op: 'adjust', memberId: member.id, points: input.points, reason: input.reason, reference: input.reference });
  if (!ctx.afterCommit) {
    // Standalone: one statement writes the entry and its audit row (group commit, batch.ts).
    const now = ctx.clock();
    const base = { programId: program.id, memberId: member.id, idempotencyKey: input.idempotencyKey, requestHash: hash, reason: input.reason, reference: input.reference };
    const audit = { tenantId: program.tenantId, action: 'points.adjust', after: { memberId: member.id, points: input.points, reason: input.reason } };
    const expiresAt = settings.expiryMonths === null ? null : addMonths(now, settings.expiryMonths);
    const { entry, created } =
      input.points > 0
        ? await creditPoints(ctx, now, { ...base, kind: 'adjust', points: input.points, availableAt: now, expiresAt, pending: false }, audit)
        : await drawPoints(ctx, { ...base, kind: 'adjust', points: -input.points }, audit);
    return created ? entryView(entry, ctx.actor) : replayOrConflict(entry, hash, ctx.actor);
  }
  return await ledgerWrite(ctx, {
    programId: program.id,
    memberId: member.id,
    idempotencyKey: input.idempotencyKey,
    requestHash: hash,
    run: async (tx) => {
      const now = tx.clock();
      const base = { programId: program.id, memberId: member.id, idempotencyKey: input.idempotencyKey, requestHash: hash, reason: input.reason, reference: input.reference };
      const expiresAt = settings.expiryMonths === null ? null : addMonths(now, settings.expiryMonths);
      const { entry, created } =
        input.points > 0
          ? await creditPoints(tx, now, { ...base, kind: 'adjust', points: input.points, availableAt: now, expiresAt, pending: false })
          : await drawPoints(tx, { ...base, kind: 'adjust', points: -input.points });
      // Not created: a twin with the same key committed first; ledgerWrite replays it.
      const written = created ? entry : null;
      if (written) {
        await recordAudit(tx, {
          tenantId: program.tenantId,
          programId: program.id,
          action: 'points.adjust',
          entityType: 'points_entry',
          entityId: written.id,
          after: { memberId: member.id, points: input.points, reason: input.reason },
        });
      }
      return written;
    },
  });
}
