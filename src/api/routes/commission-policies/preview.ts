import type { OpenAPIHono } from '@hono/zod-openapi';
import { previewCommissionPolicy } from '../../../payouts/policies/preview.js';
import { PolicyTermsInputSchema } from '../../../payouts/policies/terms.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, PolicyMarketParams, PolicyPreviewSchema, policyPreviewJson } from './schemas.js';

export const previewCommissionPolicyRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/commission-policies/{market}/preview',
  operationId: 'previewCommissionPolicy',
  tags: ['Commission policies'],
  summary: 'What proposed terms would have paid over the last 30 days',
  description:
    "Prices the market's processed, attributed conversions of the last 30 days under the proposed terms (the body `setCommissionPolicy` takes; " +
    '`effectiveFrom` is ignored) next to the commissions they actually have: counts, totals per currency and in the payout currency. ' +
    'Changes nothing. Same access as setting the policy.',
  access: ['admin', 'regional_manager'],
  request: { params: PolicyMarketParams, body: { required: true, content: { 'application/json': { schema: PolicyTermsInputSchema } } } },
  responses: { 200: json(PolicyPreviewSchema, 'Proposed and current totals.') },
});

export function registerPreviewCommissionPolicy(app: OpenAPIHono<AppEnv>) {
  return app.openapi(previewCommissionPolicyRoute, async (c) => {
    const { programId, market } = c.req.valid('param');
    return c.json(policyPreviewJson(await previewCommissionPolicy(serviceContext(c), programId, market, c.req.valid('json'))), 200);
  });
}
