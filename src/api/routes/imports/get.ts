import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { getImport } from '../../../core/members/import/imports.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { ImportParams, ImportRunDetailSchema, json } from './schemas.js';

export const getImportRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/imports/{importId}',
  operationId: 'getImport',
  tags: ['Imports'],
  summary: 'Progress, counts and row errors of an import',
  description: 'Row errors come in file order, a page at a time (`errorsLimit`, `errorsCursor`); at most the first 1,000 are kept.',
  access: ['admin', 'api_key'],
  request: {
    params: ImportParams,
    query: z.object({
      errorsLimit: z.coerce.number().int().min(1).max(1000).default(100),
      errorsCursor: z.string().max(20).optional(),
    }),
  },
  responses: { 200: json(ImportRunDetailSchema, 'The import run.') },
});

export function registerGetImport(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getImportRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, importId } = c.req.valid('param');
    const { errorsLimit, errorsCursor } = c.req.valid('query');
    return c.json(await getImport(ctx, { programId, importId, errorsLimit, errorsCursor }), 200);
  });
}
