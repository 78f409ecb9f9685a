import { z } from '@hono/zod-openapi';
import { ATTRIBUTION_METHODS, CONVERSION_KINDS, CONVERSION_STATUSES } from '../../../tracking/conversions/input.js';
import { SIGNATURE_HEADER } from '../../../tracking/conversions/signature.js';

/** Schemas shared by the conversion routes. */

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

// Long enough for the merchant's externalId, which the merchant routes accept in place of our id.
export const ConversionParams = z.object({
  conversionId: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'conversionId', in: 'path' }, description: 'Our id (`cnv_...`) or your externalId.', example: 'cnv_0lz3k8q1aXy2Pq9RsT0uV' }),
});

export const SignatureHeaders = z.object({
  [SIGNATURE_HEADER]: z
    .string()
    .max(1000)
    .optional()
    .openapi({ description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" under the key’s signing secret>. Required when the program sets conversions.requireSignature.' }),
});

const Timestamp = z.string().openapi({ example: '2024-01-31T12:00:00.000Z' });

const AttributionSchema = z
  .object({
    method: z.enum(ATTRIBUTION_METHODS),
    partnerMemberId: z.string().nullable().openapi({ description: 'The credited affiliate, or the member whose invite link brought the customer.' }),
    linkId: z.string().nullable(),
    clickId: z.string().nullable(),
    clickedAt: Timestamp.nullable(),
    marketCountry: z.string().nullable().openapi({ description: 'The market whose commission policy applies.' }),
  })
  .openapi('ConversionAttribution');

const EvidenceSchema = z
  .object({
    clickId: z.string().nullable(),
    cookie: z.string().nullable(),
    promoCode: z.string().nullable(),
    customerRef: z.string().nullable(),
    emailHash: z
      .string()
      .nullable()
      .openapi({ description: "The customer's email as stored: HMAC-SHA256 under the tenant's secret key of its sha256 hex (not the sha256 sent); the same for one customer every time." }),
  })
  .openapi('ConversionEvidence');

export const ConversionSchema = z
  .object({
    id: z.string().openapi({ example: 'cnv_0lz3k8q1aXy2Pq9RsT0uV' }),
    programId: z.string(),
    externalId: z.string(),
    kind: z.enum(CONVERSION_KINDS),
    status: z.enum(CONVERSION_STATUSES),
    occurredAt: Timestamp,
    completedAt: Timestamp.nullable(),
    cancelledAt: Timestamp.nullable(),
    amount: z.number().int().nullable().openapi({ description: 'Sales: minor units of currency.' }),
    currency: z.string().nullable(),
    refundedAmount: z.number().int(),
    processed: z.boolean().openapi({ description: 'Whether attribution, fraud rules and the commission have run.' }),
    processedAt: Timestamp.nullable(),
    attribution: AttributionSchema.nullable().openapi({ description: 'Null until processed.' }),
    fraudReasons: z.array(z.string()).openapi({ description: 'Stable reason codes (docs/conversions.md); any of them holds the commission.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    country: z.string().nullable().optional().openapi({ description: 'Staff and the merchant only, as are the fields below.' }),
    customerId: z.string().nullable().optional(),
    evidence: EvidenceSchema.optional(),
    metadata: z.record(z.string(), z.string()).optional(),
  })
  .openapi('Conversion');

/** The track call's answer: the conversion and the log's receipt for its `conversion.accepted` entry. */
export const TrackedConversionSchema = ConversionSchema.extend({
  receipt: z.string().openapi({
    description:
      'A compact JWS (EdDSA, typ `trellis-receipt+jws`, verify with /.well-known/jwks.json) over { origin, leafHash, recordedAt }: the log\'s promise ' +
      'to include this conversion\'s `conversion.accepted` entry within 60 s. A replay answers the same entry\'s receipt. See docs/log-entries.md.',
  }),
}).openapi('TrackedConversion');

export const ConversionRefundSchema = z
  .object({
    id: z.string().openapi({ example: 'crf_0lz3k8q1aXy2Pq9RsT0uV' }),
    refundId: z.string().openapi({ description: 'Your id of the refund.' }),
    conversionId: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    createdAt: Timestamp,
    conversion: ConversionSchema,
  })
  .openapi('ConversionRefund');
