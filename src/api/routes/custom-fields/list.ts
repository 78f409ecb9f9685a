import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { listCustomFieldDefinitions } from '../../../core/members/definitions.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { CustomFieldSchema, json, ProgramParams } from '../members/schemas.js';

export const listCustomFieldsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/custom-fields',
  operationId: 'listCustomFields',
  tags: ['Custom fields'],
  summary: 'List the custom member fields of a program',
  access: ['admin', 'regional_manager', 'api_key'],
  request: { params: ProgramParams },
  responses: { 200: json(z.object({ data: z.array(CustomFieldSchema) }).openapi('CustomFieldList'), 'Every definition, by key.') },
});

export function registerListCustomFields(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listCustomFieldsRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    return c.json({ data: await listCustomFieldDefinitions(ctx, programId) }, 200);
  });
}
