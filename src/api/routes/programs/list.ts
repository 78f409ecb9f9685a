import type { OpenAPIHono } from '@hono/zod-openapi';
import { listPrograms } from '../../../core/programs/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema, pageSchema } from '../../pagination.js';
import { ProgramSchema, programJson } from './schemas.js';

const ProgramsPageSchema = pageSchema(ProgramSchema, 'ProgramsPage');

export const listProgramsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs',
  operationId: 'listPrograms',
  tags: ['Programs'],
  summary: 'Programs you can see',
  description: 'Staff see every program of their tenant; affiliates, members and API keys see their own program.',
  access: ['admin', 'regional_manager', 'affiliate', 'member', 'api_key'],
  request: { query: PageQuerySchema },
  responses: {
    200: { description: 'A page of programs, ordered by id.', content: { 'application/json': { schema: ProgramsPageSchema } } },
  },
});

export function registerListPrograms(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listProgramsRoute, async (c) => {
    const page = await listPrograms(serviceContext(c), c.req.valid('query'));
    return c.json({ data: page.data.map(programJson), nextCursor: page.nextCursor }, 200);
  });
}
