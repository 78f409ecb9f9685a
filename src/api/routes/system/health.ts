import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';

const HealthSchema = z.object({ status: z.enum(['ok', 'unavailable']), database: z.enum(['ok', 'unavailable']) }).openapi('Health');

export const healthRoute = defineRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'health',
  tags: ['System'],
  summary: 'Liveness and database check',
  access: 'public',
  responses: {
    200: { description: 'The service and its database answer.', content: { 'application/json': { schema: HealthSchema } } },
    503: { description: 'The database does not answer.', content: { 'application/json': { schema: HealthSchema } } },
  },
});

export function registerHealth(app: OpenAPIHono<AppEnv>) {
  return app.openapi(healthRoute, async (c) => {
    try {
      await c.get('deps').healthCheck();
      return c.json({ status: 'ok' as const, database: 'ok' as const }, 200);
    } catch (err) {
      c.get('logger').warn({ err }, 'health check failed');
      return c.json({ status: 'unavailable' as const, database: 'unavailable' as const }, 503);
    }
  });
}
