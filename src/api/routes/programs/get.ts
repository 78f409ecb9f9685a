import type { OpenAPIHono } from '@hono/zod-openapi';
import { getProgram } from '../../../core/programs/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { ProgramParamsSchema, ProgramSchema, programJson } from './schemas.js';

export const getProgramRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}',
  operationId: 'getProgram',
  tags: ['Programs'],
  summary: 'One program',
  access: ['admin', 'regional_manager', 'affiliate', 'member', 'api_key'],
  request: { params: ProgramParamsSchema },
  responses: {
    200: { description: 'The program.', content: { 'application/json': { schema: ProgramSchema } } },
  },
});

export function registerGetProgram(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getProgramRoute, async (c) => {
    const program = await getProgram(serviceContext(c), c.req.valid('param').programId);
    return c.json(programJson(program), 200);
  });
}
