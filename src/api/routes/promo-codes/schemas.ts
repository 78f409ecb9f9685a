import { z } from '@hono/zod-openapi';
import { PROMO_CODE_STATUSES } from '../../../tracking/promo-codes/input.js';
import { pathParam } from '../../pagination.js';

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

export const ProgramParams = z.object({ programId: pathParam('programId') });
export const PromoCodeParams = z.object({ promoCodeId: pathParam('promoCodeId') });

const Timestamp = z.string().openapi({ example: '2024-01-31T12:00:00.000Z' });

export const PromoCodeSchema = z
  .object({
    id: z.string().openapi({ example: 'prm_0lz3k8q1aXy2Pq9RsT0uV' }),
    programId: z.string(),
    code: z.string().openapi({ example: 'ADA10' }),
    partnerMemberId: z.string(),
    status: z.enum(PROMO_CODE_STATUSES),
    archivedAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('PromoCode');
