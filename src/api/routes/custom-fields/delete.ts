import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { deleteCustomFieldDefinition } from '../../../core/members/definitions.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { FieldKeyParams, json } from '../members/schemas.js';

const DeletedSchema = z.object({ key: z.string(), clearedValues: z.number().int() }).openapi('CustomFieldDeleted');

export const deleteCustomFieldRoute = defineRoute({
  method: 'delete',
  path: '/v1/programs/{programId}/custom-fields/{fieldKey}',
  operationId: 'deleteCustomField',
  tags: ['Custom fields'],
  summary: 'Delete a custom member field and the values members hold for it',
  access: ['admin', 'api_key'],
  request: { params: FieldKeyParams },
  responses: { 200: json(DeletedSchema, 'Deleted; clearedValues counts the member values removed with it.') },
});

export function registerDeleteCustomField(app: OpenAPIHono<AppEnv>) {
  return app.openapi(deleteCustomFieldRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, fieldKey } = c.req.valid('param');
    return c.json(await deleteCustomFieldDefinition(ctx, programId, fieldKey), 200);
  });
}
