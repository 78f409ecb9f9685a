import { z } from 'zod';
import { principalOf, type Actor } from '../../core/auth/actor.js';
import type { PolicyVersionRow } from '../../payouts/policies/in-force.js';
import { marketOfCountry } from '../../payouts/policies/terms.js';
import type { LogEntryInput } from './append.js';
import { Currency, iso, IsoTime, isoOrNull, MinorUnits } from './fields.js';

/**
 * `policy.version`: a commission policy version was saved. Its terms, the market and when it takes
 * effect, and the ROLE of who saved it (no user id, no email): a partner can check that the terms
 * a commission was priced under were published before the conversion happened.
 */
export const PolicyVersionEntry = z
  .object({
    type: z.literal('policy.version'),
    v: z.literal(1),
    policyVersionId: z.string(),
    policyId: z.string(),
    programId: z.string(),
    /** A country code, or `default`. */
    market: z.string(),
    version: z.number().int(),
    effectiveFrom: IsoTime,
    mode: z.enum(['per_signup', 'per_transaction']),
    currency: Currency,
    signupAmount: MinorUnits.nullable(),
    percentBps: z.number().int().nullable(),
    flatAmount: MinorUnits,
    minAmount: MinorUnits.nullable(),
    maxAmount: MinorUnits.nullable(),
    holdDays: z.number().int(),
    attributionWindowDays: z.number().int(),
    switchToPerTransactionAt: IsoTime.nullable(),
    savedByRole: z.enum(['admin', 'regional_manager', 'affiliate', 'member', 'api_key', 'system']),
    savedAt: IsoTime,
  })
  .strict();

export function policyVersionEntry(v: PolicyVersionRow, actor: Actor, tenantId: string): LogEntryInput {
  return {
    type: 'policy.version',
    v: 1,
    tenantId,
    programId: v.programId,
    partnerMemberId: null,
    body: {
      policyVersionId: v.id,
      policyId: v.policyId,
      programId: v.programId,
      market: marketOfCountry(v.country),
      version: v.version,
      effectiveFrom: iso(v.effectiveFrom),
      mode: v.mode,
      currency: v.currency,
      signupAmount: v.signupAmount,
      percentBps: v.percentBps,
      flatAmount: v.flatAmount,
      minAmount: v.minAmount,
      maxAmount: v.maxAmount,
      holdDays: v.holdDays,
      attributionWindowDays: v.attributionWindowDays,
      switchToPerTransactionAt: isoOrNull(v.switchToPerTransactionAt),
      savedByRole: principalOf(actor),
      savedAt: iso(v.createdAt),
    },
  };
}
