import { inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { members } from '../../../db/schema/index.js';
import type { Actor } from '../../core/auth/actor.js';
import { staffUserSeenBy } from '../../core/auth/staff-identity.js';
import { normaliseRate } from '../fx.js';
import type { CommissionRow } from './effects.js';

/** A commission as the API shows it. Partners see their own, without who on the staff decided. */
export interface CommissionView {
  id: string;
  programId: string;
  conversionId: string;
  partnerMemberId: string;
  /** The partner's name as their member profile has it, for the staff's lists. */
  partnerName: string;
  kind: CommissionRow['kind'];
  status: CommissionRow['status'];
  policyVersionId: string | null;
  country: string | null;
  amount: number;
  currency: string;
  reversedAmount: number;
  /** amount - reversedAmount: what is still owed (negative for a clawback). */
  netAmount: number;
  payoutCurrency: string;
  payoutAmount: number;
  payoutReversedAmount: number;
  payoutNetAmount: number;
  fxRate: string;
  fxRateId: string | null;
  multiplierBps: number;
  holdUntil: string | null;
  holdReasons: string[];
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  approvedAt: string | null;
  paidAt: string | null;
  reversedAt: string | null;
  payoutId: string | null;
  clawbackOf: string | null;
  refundId: string | null;
  createdAt: string;
  updatedAt: string;
}

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function commissionView(row: CommissionRow, viewer: Actor, partnerNames: ReadonlyMap<string, string>): CommissionView {
  return {
    id: row.id,
    programId: row.programId,
    conversionId: row.conversionId,
    partnerMemberId: row.partnerMemberId,
    partnerName: partnerNames.get(row.partnerMemberId) ?? '',
    kind: row.kind,
    status: row.status,
    policyVersionId: row.policyVersionId,
    country: row.country,
    amount: row.amount,
    currency: row.currency,
    reversedAmount: row.reversedAmount,
    netAmount: row.amount - row.reversedAmount,
    payoutCurrency: row.payoutCurrency,
    payoutAmount: row.payoutAmount,
    payoutReversedAmount: row.payoutReversedAmount,
    payoutNetAmount: row.payoutAmount - row.payoutReversedAmount,
    fxRate: normaliseRate(row.fxRate),
    fxRateId: row.fxRateId,
    multiplierBps: row.multiplierBps,
    holdUntil: isoOrNull(row.holdUntil),
    holdReasons: row.holdReasons,
    // The reason is the partner's to read; which staff user decided is not.
    decidedBy: staffUserSeenBy(viewer, row.decidedBy),
    decidedAt: isoOrNull(row.decidedAt),
    decisionReason: row.decisionReason,
    approvedAt: isoOrNull(row.approvedAt),
    paidAt: isoOrNull(row.paidAt),
    reversedAt: isoOrNull(row.reversedAt),
    payoutId: row.payoutId,
    clawbackOf: row.clawbackOf,
    refundId: row.refundId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The names of the rows' partners, in one query (a page of commissions names a few partners). */
export async function partnerNamesOf(db: Db, rows: readonly Pick<CommissionRow, 'partnerMemberId'>[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.map((r) => r.partnerMemberId))];
  if (!ids.length) return new Map();
  const found = await db.select({ id: members.id, name: members.name }).from(members).where(inArray(members.id, ids));
  return new Map(found.map((m) => [m.id, m.name]));
}
