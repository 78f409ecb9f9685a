import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { ProgramCreateInputSchema } from '../../../core/programs/input.js';
import { createProgram } from '../../../core/programs/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { MarketSchema, ProgramSchema, marketJson, programJson } from './schemas.js';

const CreatedProgramSchema = ProgramSchema.extend({ markets: z.array(MarketSchema) }).openapi('CreatedProgram');

export const createProgramRoute = defineRoute({
  method: 'post',
  path: '/v1/programs',
  operationId: 'createProgram',
  tags: ['Programs'],
  summary: 'Create a program in your tenant, optionally with its markets',
  access: ['admin'],
  request: { body: { required: true, content: { 'application/json': { schema: ProgramCreateInputSchema } } } },
  responses: {
    201: { description: 'The new program and its markets.', content: { 'application/json': { schema: CreatedProgramSchema } } },
  },
});

export function registerCreateProgram(app: OpenAPIHono<AppEnv>) {
  return app.openapi(createProgramRoute, async (c) => {
    const { markets, ...program } = await createProgram(serviceContext(c), c.req.valid('json'));
    return c.json({ ...programJson(program), markets: markets.map(marketJson) }, 201);
  });
}
