import type { OpenAPIHono } from '@hono/zod-openapi';
import { CustomFieldUpdateInputSchema, updateCustomFieldDefinition } from '../../../core/members/definitions.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { CustomFieldSchema, FieldKeyParams, json } from '../members/schemas.js';

export const updateCustomFieldRoute = defineRoute({
  method: 'patch',
  path: '/v1/programs/{programId}/custom-fields/{fieldKey}',
  operationId: 'updateCustomField',
  tags: ['Custom fields'],
  summary: 'Change a custom member field',
  description:
    'Stored values are converted when they fit the new type (the text "42" becomes 42); when some do not fit, or a field becomes required while members lack it, the change is refused with 409 and counts in `details`.',
  access: ['admin', 'api_key'],
  request: { params: FieldKeyParams, body: { required: true, content: { 'application/json': { schema: CustomFieldUpdateInputSchema } } } },
  responses: { 200: json(CustomFieldSchema, 'The changed definition.') },
});

export function registerUpdateCustomField(app: OpenAPIHono<AppEnv>) {
  return app.openapi(updateCustomFieldRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, fieldKey } = c.req.valid('param');
    return c.json(await updateCustomFieldDefinition(ctx, programId, fieldKey, c.req.valid('json')), 200);
  });
}
