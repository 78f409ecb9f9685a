import { z } from '@hono/zod-openapi';
import { MARKET_STAGES } from '../../../core/programs/input.js';
import type { MarketView } from '../../../core/programs/markets.js';
import type { ProgramView } from '../../../core/programs/service.js';
import { iso, pathParam } from '../../pagination.js';

export const ProgramParamsSchema = z.object({ programId: pathParam('programId') });
export const MarketParamsSchema = ProgramParamsSchema.extend({ marketId: pathParam('marketId') });

export const MarketSchema = z
  .object({
    id: z.string().openapi({ example: 'mkt_0lz3k8q1aXy2Pq9RsT0uV' }),
    programId: z.string(),
    country: z.string().openapi({ example: 'DE' }),
    currency: z.string().openapi({ example: 'EUR' }),
    defaultLocale: z.string().openapi({ example: 'de' }),
    stage: z.enum(MARKET_STAGES),
    commissionBounds: z
      .object({
        maxSignupAmount: z.number().int().openapi({ description: 'Minor units of `currency`: the most one signup may pay.' }),
        maxSaleAmount: z.number().int().openapi({ description: 'Minor units of `currency`: the most the flat part, and the minimum, of one sale may be.' }),
        maxPercentBps: z.number().int().openapi({ description: 'The largest share of a sale a policy may pay, in basis points.' }),
        setByAdmin: z.boolean().openapi({ description: 'false: the defaults of the currency (1,000 units; 100,000 for currencies without minor units; 50%).' }),
      })
      .nullable()
      .openapi({
        description: 'What the market’s commission policy versions may pay at most (above it: 400 `too_big`). Admins set them (PUT …/commission-bounds). Null for affiliates and members.',
      }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Market');

export const ProgramSchema = z
  .object({
    id: z.string().openapi({ example: 'prg_0lz3k8q1aXy2Pq9RsT0uV' }),
    name: z.string(),
    payoutCurrency: z.string().openapi({ example: 'EUR' }),
    defaultLocale: z.string().openapi({ example: 'en' }),
    settings: z.record(z.string(), z.unknown()).openapi({ description: 'Namespaced program settings as stored (defaults are not filled in).' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Program');

export const marketJson = (m: MarketView): z.infer<typeof MarketSchema> => ({ ...m, createdAt: iso(m.createdAt), updatedAt: iso(m.updatedAt) });
export const programJson = (p: ProgramView): z.infer<typeof ProgramSchema> => ({ ...p, createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt) });
