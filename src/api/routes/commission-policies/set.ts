import type { OpenAPIHono } from '@hono/zod-openapi';
import { setCommissionPolicy } from '../../../payouts/policies/service.js';
import { PolicyTermsInputSchema } from '../../../payouts/policies/terms.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, PolicyMarketParams, PolicyVersionSchema, policyVersionJson } from './schemas.js';

export const setCommissionPolicyRoute = defineRoute({
  method: 'put',
  path: '/v1/programs/{programId}/commission-policies/{market}',
  operationId: 'setCommissionPolicy',
  tags: ['Commission policies'],
  summary: "Set a market's commission terms (a new version)",
  description:
    'Creates the next version of the market\'s policy, in force from `effectiveFrom` (default now; never before the latest version\'s). ' +
    'Conversions are paid by the version in force when they happened. Regional managers set only their countries (403 `out_of_scope`); ' +
    '`default`, which pays markets without a policy of their own, is for admins. Sending the latest terms again changes nothing (200). Audited with before and after.',
  access: ['admin', 'regional_manager'],
  request: { params: PolicyMarketParams, body: { required: true, content: { 'application/json': { schema: PolicyTermsInputSchema } } } },
  responses: {
    201: json(PolicyVersionSchema, 'The new version.'),
    200: json(PolicyVersionSchema, 'The terms were already the latest version: that version, unchanged.'),
  },
});

export function registerSetCommissionPolicy(app: OpenAPIHono<AppEnv>) {
  return app.openapi(setCommissionPolicyRoute, async (c) => {
    const { programId, market } = c.req.valid('param');
    const { version, created } = await setCommissionPolicy(serviceContext(c), programId, market, c.req.valid('json'));
    return created ? c.json(policyVersionJson(version), 201) : c.json(policyVersionJson(version), 200);
  });
}
