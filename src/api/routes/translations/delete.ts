import type { OpenAPIHono } from '@hono/zod-openapi';
import { removeTranslationOverride } from '../../../i18n/overrides/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { OverrideParams } from './schemas.js';

export const deleteTranslationOverrideRoute = defineRoute({
  method: 'delete',
  path: '/v1/programs/{programId}/translations/{country}/{locale}/{namespace}/{key}',
  operationId: 'deleteTranslationOverride',
  tags: ['Translations'],
  summary: 'Remove an override: the shipped text applies again',
  description: '404 when the text has no override in that country and language. Regional managers edit only their countries (403 `out_of_scope`). Audited.',
  access: ['admin', 'regional_manager'],
  request: { params: OverrideParams },
  responses: { 204: { description: 'Removed.' } },
});

export function registerDeleteTranslationOverride(app: OpenAPIHono<AppEnv>) {
  return app.openapi(deleteTranslationOverrideRoute, async (c) => {
    const { programId, ...target } = c.req.valid('param');
    await removeTranslationOverride(serviceContext(c), programId, target);
    return c.body(null, 204);
  });
}
