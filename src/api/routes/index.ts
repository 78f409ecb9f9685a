import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env.js';
import { registerHealth } from './system/health.js';

/** Every route of the API. Each resource folder has one file per operation. */
export function registerRoutes(app: OpenAPIHono<AppEnv>): void {
  registerHealth(app);
}
