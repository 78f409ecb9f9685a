import type { OpenAPIHono } from '@hono/zod-openapi';
import { listCommissionPolicyVersions } from '../../../payouts/policies/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema, pageSchema } from '../../pagination.js';
import { json, PolicyMarketParams, PolicyVersionSchema, policyVersionJson } from './schemas.js';

export const listCommissionPolicyVersionsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/commission-policies/{market}/versions',
  operationId: 'listCommissionPolicyVersions',
  tags: ['Commission policies'],
  summary: "Every version of a market's commission policy",
  description: 'Oldest first; empty before the first version. Regional managers read only their countries (403 `out_of_scope`) and `default`.',
  access: ['admin', 'regional_manager'],
  request: { params: PolicyMarketParams, query: PageQuerySchema },
  responses: { 200: json(pageSchema(PolicyVersionSchema, 'CommissionPolicyVersionPage'), 'A page of versions.') },
});

export function registerListCommissionPolicyVersions(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listCommissionPolicyVersionsRoute, async (c) => {
    const { programId, market } = c.req.valid('param');
    const page = await listCommissionPolicyVersions(serviceContext(c), programId, market, c.req.valid('query'));
    return c.json({ data: page.data.map(policyVersionJson), nextCursor: page.nextCursor }, 200);
  });
}
