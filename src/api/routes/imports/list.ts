import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { listImports } from '../../../core/members/import/imports.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { ImportRunPageSchema, json, ProgramParams } from './schemas.js';

export const listImportsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/imports',
  operationId: 'listImports',
  tags: ['Imports'],
  summary: 'List member imports, newest first',
  access: ['admin', 'api_key'],
  request: {
    params: ProgramParams,
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(64).optional() }),
  },
  responses: { 200: json(ImportRunPageSchema, 'One page of import runs.') },
});

export function registerListImports(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listImportsRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    return c.json(await listImports(ctx, { programId, ...c.req.valid('query') }), 200);
  });
}
