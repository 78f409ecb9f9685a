import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { CountrySchema, normalizeEmail } from '../../core/members/member-input.js';
import { pageInputSchema } from '../../core/pagination.js';
import { CurrencySchema } from '../../core/programs/input.js';

/**
 * Conversion input shapes, shared by the merchant API and the services (which parse again: tests,
 * the seed and jobs call them directly). They check form only; state is checked by the services.
 */

export const CONVERSION_KINDS = ['signup', 'sale'] as const;
export const CONVERSION_STATUSES = ['pending', 'completed', 'partially_refunded', 'refunded', 'cancelled'] as const;
export const ATTRIBUTION_METHODS = ['click_id', 'cookie', 'promo_code', 'customer', 'none'] as const;

/** A merchant clock a little ahead of ours is not an error; a sale next week is. */
export const CLOCK_SKEW_MS = 5 * 60_000;

const Timestamp = z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset, e.g. 2024-05-01T12:00:00Z' });
const MinorUnits = z.number().int('must be in minor units (an integer)').min(1).max(Number.MAX_SAFE_INTEGER);
const EmailSchema = z.string().trim().max(320).pipe(z.email('must be a valid email address'));
const EmailHashSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be the sha256 hex digest of the trimmed, lower-cased email')
  .transform((h) => h.toLowerCase());

/** Promo codes are compared in capitals: `spring10` and `SPRING10` are one code. */
export const PromoCodeSchema = z
  .string()
  .trim()
  .transform((code) => code.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9][A-Z0-9_-]{2,39}$/, 'must be 3-40 of A-Z 0-9 _ - (any case), starting with a letter or digit'));

const MetadataSchema = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 20, 'must have at most 20 keys')
  .openapi({ description: 'Up to 20 string values of your own, kept with the conversion.', example: { plan: 'pro' } });

export const ConversionCustomerSchema = z
  .strictObject({
    externalId: z.string().trim().min(1).max(200).optional().openapi({ description: 'Your id for the customer; links later sales to them.' }),
    email: EmailSchema.optional().openapi({ description: 'Hashed (sha256 of the trimmed, lower-cased address) on arrival; never stored.', example: 'ada@example.com' }),
    emailHash: EmailHashSchema.optional().openapi({ description: 'Instead of `email`: sha256 hex of the trimmed, lower-cased address.' }),
  })
  .openapi('ConversionCustomer');

export const TrackConversionInputSchema = z
  .strictObject({
    externalId: z.string().trim().min(1).max(200).openapi({ description: 'Your id of the signup or order: the idempotency key of this call.', example: 'order-1001' }),
    kind: z.enum(CONVERSION_KINDS),
    occurredAt: Timestamp.optional().openapi({ description: 'When it happened; now when absent.' }),
    amount: MinorUnits.optional().openapi({ description: 'Sales only: minor units of `currency`.', example: 4999 }),
    currency: CurrencySchema.optional(),
    completed: z.boolean().optional().openapi({ description: 'Sales only: whether the sale is final (default true). A sale pays only once completed.' }),
    clickId: z.string().trim().min(1).max(100).optional().openapi({ description: 'The `trellis_click` parameter the redirect added to your landing URL.' }),
    cookie: z.string().trim().min(1).max(100).optional().openapi({ description: 'The value of the `trellis_<programId>` cookie (a click id).' }),
    promoCode: PromoCodeSchema.optional(),
    customer: ConversionCustomerSchema.optional(),
    country: CountrySchema.optional().openapi({ description: "The customer's country: picks the market whose commission policy applies." }),
    ip: z
      .union([z.ipv4(), z.ipv6()], { message: 'must be an IPv4 or IPv6 address' })
      .optional()
      .openapi({ description: "The customer's IP address; only its daily keyed hash is stored (fraud rules)." }),
    metadata: MetadataSchema.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.kind === 'sale') {
      if (input.amount === undefined) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'is required for a sale' });
      if (input.currency === undefined) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'is required for a sale' });
    } else {
      for (const key of ['amount', 'currency', 'completed'] as const) {
        if (input[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is for sales only; a signup has none' });
      }
    }
    const customer = input.customer;
    if (customer && !customer.externalId && !customer.email && !customer.emailHash) {
      ctx.addIssue({ code: 'custom', path: ['customer'], message: 'must give externalId, email or emailHash' });
    }
    if (customer?.email && customer.emailHash && hashEmail(customer.email) !== customer.emailHash) {
      ctx.addIssue({ code: 'custom', path: ['customer', 'emailHash'], message: 'does not match customer.email' });
    }
  })
  .openapi('TrackConversionRequest');

export type TrackConversionInput = z.input<typeof TrackConversionInputSchema>;
export type ParsedTrackConversion = z.output<typeof TrackConversionInputSchema>;

export const CompleteConversionInputSchema = z
  .strictObject({ completedAt: Timestamp.optional().openapi({ description: 'When the sale became final; now when absent.' }) })
  .openapi('CompleteConversionRequest');
export type CompleteConversionInput = z.input<typeof CompleteConversionInputSchema>;

export const RefundConversionInputSchema = z
  .strictObject({
    refundId: z.string().trim().min(1).max(200).openapi({ description: 'Your id of the refund: the idempotency key of this call.', example: 'refund-77' }),
    amount: MinorUnits.openapi({ description: 'Minor units of the sale currency; at most what is not refunded yet.', example: 1500 }),
  })
  .openapi('RefundConversionRequest');
export type RefundConversionInput = z.input<typeof RefundConversionInputSchema>;

export const CancelConversionInputSchema = z
  .strictObject({ reason: z.string().trim().min(1).max(500).optional().openapi({ example: 'order voided' }) })
  .openapi('CancelConversionRequest');
export type CancelConversionInput = z.input<typeof CancelConversionInputSchema>;

export const ConversionListQuerySchema = pageInputSchema.extend({
  kind: z.enum(CONVERSION_KINDS).optional(),
  status: z.enum(CONVERSION_STATUSES).optional(),
  method: z.enum(ATTRIBUTION_METHODS).optional().openapi({ description: 'How processing attributed it; `none` lists the processed and unattributed.' }),
  partnerMemberId: z.string().min(1).max(64).optional(),
  country: CountrySchema.optional().openapi({ description: 'The market country.' }),
});
export type ConversionListQuery = z.input<typeof ConversionListQuerySchema>;

/** sha256 hex of the normalised email, as merchants may send it (`customer.emailHash`); stored only keyed (email-hash.ts). */
export function hashEmail(email: string): string {
  return createHash('sha256').update(normalizeEmail(email)).digest('hex');
}
