import type { OpenAPIHono } from '@hono/zod-openapi';
import { readTranslationOverrides } from '../../../i18n/overrides/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, OverrideMapSchema, OverrideScopeQuery, ProgramParams } from './schemas.js';

export const getTranslationOverridesRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/translations/overrides',
  operationId: 'getTranslationOverrides',
  tags: ['Translations'],
  summary: "A country's overrides in one language, to lay over the shipped texts",
  description:
    'For anyone in the program: the web app overlays these on its shipped texts at runtime. ' +
    'Texts without an override are absent (use the shipped text). Not cached: a change shows at once.',
  access: ['admin', 'regional_manager', 'affiliate', 'member', 'api_key'],
  request: { params: ProgramParams, query: OverrideScopeQuery },
  responses: { 200: json(OverrideMapSchema, '`{ namespace: { key: text } }`; empty when the country has none.') },
});

export function registerGetTranslationOverrides(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getTranslationOverridesRoute, async (c) => {
    const map = await readTranslationOverrides(serviceContext(c), c.req.valid('param').programId, c.req.valid('query'));
    c.header('cache-control', 'private, no-cache');
    return c.json(map, 200);
  });
}
