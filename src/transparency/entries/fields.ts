import { z } from 'zod';

/** Field shapes shared by the entry schemas. */

export const IsoTime = z.string().datetime({ offset: false });
/** hex(HMAC-SHA256(salt, value)), see salts.ts. */
export const SaltedHash = z.string().regex(/^[0-9a-f]{64}$/);
export const Currency = z.string().regex(/^[A-Z]{3}$/);
export const MinorUnits = z.number().int();
/** An exchange rate as exact decimal text (never a float). */
export const DecimalText = z.string().regex(/^-?\d+(\.\d+)?$/);

export const iso = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);
