import type { OpenAPIHono } from '@hono/zod-openapi';
import { listCommissionPolicies } from '../../../payouts/policies/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema, pageSchema } from '../../pagination.js';
import { json, PolicySchema, policyJson, ProgramParams } from './schemas.js';

export const listCommissionPoliciesRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/commission-policies',
  operationId: 'listCommissionPolicies',
  tags: ['Commission policies'],
  summary: "The program's commission policies per market",
  description: 'Each with the version in force now and any scheduled after it. Regional managers see the `default` policy and those of their countries.',
  access: ['admin', 'regional_manager'],
  request: { params: ProgramParams, query: PageQuerySchema },
  responses: { 200: json(pageSchema(PolicySchema, 'CommissionPolicyPage'), 'A page of policies, ordered by id.') },
});

export function registerListCommissionPolicies(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listCommissionPoliciesRoute, async (c) => {
    const page = await listCommissionPolicies(serviceContext(c), c.req.valid('param').programId, c.req.valid('query'));
    return c.json({ data: page.data.map(policyJson), nextCursor: page.nextCursor }, 200);
  });
}
