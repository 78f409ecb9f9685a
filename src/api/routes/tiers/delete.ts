import type { OpenAPIHono } from '@hono/zod-openapi';
import { deleteTier } from '../../../core/tiers/tiers.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { TierParams } from './schemas.js';

export const deleteTierRoute = defineRoute({
  method: 'delete',
  path: '/v1/programs/{programId}/tiers/{tierId}',
  operationId: 'deleteTier',
  tags: ['Tiers'],
  summary: 'Delete a tier',
  description: 'Refused with 409 while members hold the tier. Its history stays.',
  access: ['admin'],
  request: { params: TierParams },
  responses: { 204: { description: 'Deleted.' } },
});

export function registerDeleteTier(app: OpenAPIHono<AppEnv>) {
  return app.openapi(deleteTierRoute, async (c) => {
    const ctx = serviceContext(c);
    await deleteTier(ctx, c.req.valid('param'));
    return c.body(null, 204);
  });
}
