import { z } from '@hono/zod-openapi';
import type { FxRateView } from '../../../payouts/fx-rates.js';
import { iso } from '../../pagination.js';

/** Schemas shared by the exchange rate routes. */

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

export const FxRateSchema = z
  .object({
    id: z.string().openapi({ example: 'fxr_0lz3k8q1aXy2Pq9RsT0uV' }),
    base: z.string().openapi({ example: 'USD' }),
    quote: z.string().openapi({ example: 'EUR' }),
    rate: z.string().openapi({ description: '1 unit of base = rate units of quote.', example: '0.9215' }),
    effectiveAt: z.string(),
    source: z.string(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('FxRate');

export const fxRateJson = (r: FxRateView): z.infer<typeof FxRateSchema> => ({ ...r, effectiveAt: iso(r.effectiveAt), createdAt: iso(r.createdAt) });
