import type { promoCodes } from '../../../db/schema/index.js';

export type PromoCodeRow = typeof promoCodes.$inferSelect;

/** The JSON shape the API returns (and the audit log keeps). */
export function promoCodeView(p: PromoCodeRow) {
  return {
    id: p.id,
    programId: p.programId,
    code: p.code,
    partnerMemberId: p.partnerMemberId,
    status: p.status,
    archivedAt: p.archivedAt ? p.archivedAt.toISOString() : null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
export type PromoCodeView = ReturnType<typeof promoCodeView>;
