import { z } from '@hono/zod-openapi';
import { pageInputSchema } from '../../core/pagination.js';
import { PromoCodeSchema } from '../conversions/input.js';

export const PROMO_CODE_STATUSES = ['active', 'archived'] as const;

export const PromoCodeCreateInputSchema = z
  .strictObject({
    code: PromoCodeSchema.openapi({ description: 'Stored and matched in capitals.', example: 'ADA10' }),
    partnerMemberId: z.string().min(1).max(64).openapi({ description: 'The approved affiliate the code credits.' }),
  })
  .openapi('PromoCodeCreateInput');
export type PromoCodeCreateInput = z.input<typeof PromoCodeCreateInputSchema>;

export const PromoCodeListQuerySchema = pageInputSchema.extend({
  partnerMemberId: z.string().min(1).max(64).optional(),
  status: z.enum(PROMO_CODE_STATUSES).optional(),
  code: PromoCodeSchema.optional().openapi({ description: 'Exactly this code (any case).' }),
});
export type PromoCodeListQuery = z.input<typeof PromoCodeListQuerySchema>;
