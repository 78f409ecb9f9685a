import type { OpenAPIHono } from '@hono/zod-openapi';
import { ProgramUpdateInputSchema } from '../../../core/programs/input.js';
import { updateProgram } from '../../../core/programs/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { ProgramParamsSchema, ProgramSchema, programJson } from './schemas.js';

export const updateProgramRoute = defineRoute({
  method: 'patch',
  path: '/v1/programs/{programId}',
  operationId: 'updateProgram',
  tags: ['Programs'],
  summary: 'Change a program: name, payout currency, default locale, settings',
  description:
    'Each namespace in `settings` is merged key by key into the stored one and validated against its schema (points, tiers, segments); `null` removes a namespace, bringing its defaults back. Namespaces not mentioned stay as they are.',
  access: ['admin'],
  request: {
    params: ProgramParamsSchema,
    body: { required: true, content: { 'application/json': { schema: ProgramUpdateInputSchema } } },
  },
  responses: {
    200: { description: 'The program after the change.', content: { 'application/json': { schema: ProgramSchema } } },
  },
});

export function registerUpdateProgram(app: OpenAPIHono<AppEnv>) {
  return app.openapi(updateProgramRoute, async (c) => {
    const program = await updateProgram(serviceContext(c), c.req.valid('param').programId, c.req.valid('json'));
    return c.json(programJson(program), 200);
  });
}
