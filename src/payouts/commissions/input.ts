import { z } from '@hono/zod-openapi';
import { commissionKind, commissionStatus } from '../../../db/schema/index.js';
import { listOrderSchema, pageInputSchema } from '../../core/pagination.js';

/** Commission API inputs: they check form only; the services check scope and the lifecycle. */

export const COMMISSION_STATUSES = commissionStatus.enumValues;
export const COMMISSION_KINDS = commissionKind.enumValues;

export const CommissionDecisionInputSchema = z
  .strictObject({
    reason: z.string().trim().min(1).max(1000).openapi({ description: 'Why; the partner reads it.', example: 'Customer verified by phone.' }),
  })
  .openapi('CommissionDecisionInput');

export const CommissionListQuerySchema = pageInputSchema.extend({
  status: z.enum(COMMISSION_STATUSES).optional(),
  kind: z.enum(COMMISSION_KINDS).optional(),
  partnerMemberId: z.string().min(1).max(64).optional(),
  conversionId: z.string().min(1).max(64).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code in upper case')
    .optional()
    .openapi({ description: 'The market (country) whose policy made the commission.' }),
  order: listOrderSchema.optional(),
});

export type CommissionDecisionInput = z.infer<typeof CommissionDecisionInputSchema>;
export type CommissionListQuery = z.input<typeof CommissionListQuerySchema>;
