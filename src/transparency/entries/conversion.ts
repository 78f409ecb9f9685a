import { z } from 'zod';
import type { Attribution, ConversionRow } from '../../tracking/conversions/types.js';
import type { LogEntryInput } from './append.js';
import { Currency, iso, IsoTime, MinorUnits, SaltedHash } from './fields.js';
import { saltedHashOrNull } from './salts.js';

/**
 * Conversion entries: what the merchant reported (`conversion.accepted`, written by intake with
 * the conversion) and what processing decided about it (`conversion.decided`).
 */

export const ConversionAcceptedEntry = z
  .object({
    type: z.literal('conversion.accepted'),
    v: z.literal(1),
    conversionId: z.string(),
    programId: z.string(),
    kind: z.enum(['signup', 'sale']),
    /** Sales: minor units and currency, and whether the sale was reported completed; null for signups. */
    amount: MinorUnits.nullable(),
    currency: Currency.nullable(),
    completed: z.boolean().nullable(),
    occurredAt: IsoTime,
    recordedAt: IsoTime,
    /** The merchant's externalId under the PROGRAM's salt. */
    externalIdHash: SaltedHash,
  })
  .strict();

export const ConversionDecidedEntry = z
  .object({
    type: z.literal('conversion.decided'),
    v: z.literal(1),
    conversionId: z.string(),
    programId: z.string(),
    partnerMemberId: z.string().nullable(),
    method: z.enum(['click_id', 'cookie', 'promo_code', 'customer', 'none']),
    market: z.string().nullable(),
    fraudReasons: z.array(z.string()),
    /**
     * The merchant's customer reference and the customer's keyed email hash (conversions.email_hmac)
     * under the PARTNER's salt (the program's when unattributed). Entries written before email
     * hashes were keyed carry the unkeyed sha256 under the salt; both are opaque to the verifier.
     */
    customerRefHash: SaltedHash.nullable(),
    customerEmailHash: SaltedHash.nullable(),
    decidedAt: IsoTime,
  })
  .strict();

export type ConversionAcceptedEntry = z.infer<typeof ConversionAcceptedEntry>;
export type ConversionDecidedEntry = z.infer<typeof ConversionDecidedEntry>;

/**
 * The accepted entry of a stored conversion. Deterministic: a replay of the track call rebuilds
 * the same bytes from the stored row (`completed` is part of the replay's fingerprint, so the
 * replayed payload says what the first one did).
 */
export function conversionAcceptedEntry(
  c: Pick<ConversionRow, 'id' | 'programId' | 'externalId' | 'kind' | 'amount' | 'currency' | 'occurredAt' | 'createdAt'>,
  completed: boolean,
  tenantId: string | null,
  programSalt: Buffer,
): LogEntryInput {
  const sale = c.kind === 'sale';
  return {
    type: 'conversion.accepted',
    v: 1,
    tenantId,
    programId: c.programId,
    partnerMemberId: null,
    body: {
      conversionId: c.id,
      programId: c.programId,
      kind: c.kind,
      amount: sale ? c.amount : null,
      currency: sale ? c.currency : null,
      completed: sale ? completed : null,
      occurredAt: iso(c.occurredAt),
      recordedAt: iso(c.createdAt),
      externalIdHash: saltedHashOrNull(programSalt, c.externalId)!,
    },
  };
}

/** The decision processing wrote on a conversion; `salt` is the partner's, or the program's when none. */
export function conversionDecidedEntry(
  c: Pick<ConversionRow, 'id' | 'programId' | 'customerRef' | 'emailHmac'>,
  decision: Pick<Attribution, 'method' | 'partnerMemberId' | 'marketCountry'>,
  fraudReasons: readonly string[],
  decidedAt: Date,
  tenantId: string,
  salt: Buffer,
): LogEntryInput {
  return {
    type: 'conversion.decided',
    v: 1,
    tenantId,
    programId: c.programId,
    partnerMemberId: decision.partnerMemberId,
    body: {
      conversionId: c.id,
      programId: c.programId,
      partnerMemberId: decision.partnerMemberId,
      method: decision.method,
      market: decision.marketCountry,
      fraudReasons: [...fraudReasons],
      customerRefHash: saltedHashOrNull(salt, c.customerRef),
      customerEmailHash: saltedHashOrNull(salt, c.emailHmac),
      decidedAt: iso(decidedAt),
    },
  };
}
