import { createHash } from 'node:crypto';
import type { pointsEntries } from '../../../db/schema/index.js';
import type { Actor } from '../auth/actor.js';
import { actorSeenBy } from '../auth/staff-identity.js';

export type PointsEntryRow = typeof pointsEntries.$inferSelect;
export type PointsEntryKind = PointsEntryRow['kind'];

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The JSON shape of a ledger entry as `reader` sees it (who acted: see staff-identity.ts).
 * `shortfall` is what a reversal could not take back.
 */
export function entryView(e: PointsEntryRow, reader: Actor) {
  return {
    id: e.id,
    programId: e.programId,
    memberId: e.memberId,
    kind: e.kind,
    amount: e.amount,
    shortfall: e.shortfall,
    idempotencyKey: e.idempotencyKey,
    reason: e.reason,
    reference: e.reference,
    reversesEntryId: e.reversesEntryId,
    orderId: e.orderId,
    availableAt: iso(e.availableAt),
    expiresAt: iso(e.expiresAt),
    actor: actorSeenBy(reader, { type: e.actorType, id: e.actorId }),
    createdAt: e.createdAt.toISOString(),
  };
}
export type PointsEntryView = ReturnType<typeof entryView>;

function stable(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, stable(v)]),
    );
  }
  return value;
}

/** A fingerprint of what a request asked for, to tell a replay from a reused key. */
export function requestHash(payload: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(stable(payload))).digest('hex');
}
