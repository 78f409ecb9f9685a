import type { OpenAPIHono } from '@hono/zod-openapi';
import { createCustomFieldDefinition, CustomFieldCreateInputSchema } from '../../../core/members/definitions.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { CustomFieldSchema, json, ProgramParams } from '../members/schemas.js';

export const createCustomFieldRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/custom-fields',
  operationId: 'createCustomField',
  tags: ['Custom fields'],
  summary: 'Declare a custom member field',
  description: 'A required field is refused (409, with counts) while members exist without a value for it.',
  access: ['admin', 'api_key'],
  request: { params: ProgramParams, body: { required: true, content: { 'application/json': { schema: CustomFieldCreateInputSchema } } } },
  responses: { 201: json(CustomFieldSchema, 'The new definition.') },
});

export function registerCreateCustomField(app: OpenAPIHono<AppEnv>) {
  return app.openapi(createCustomFieldRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    return c.json(await createCustomFieldDefinition(ctx, programId, c.req.valid('json')), 201);
  });
}
