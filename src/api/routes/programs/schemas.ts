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
