import type { OpenAPIHono } from '@hono/zod-openapi';
import { OverrideValueInputSchema } from '../../../i18n/overrides/input.js';
import { setTranslationOverride } from '../../../i18n/overrides/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, OverrideParams, overrideJson, TranslationOverrideSchema } from './schemas.js';

export const setTranslationOverrideRoute = defineRoute({
  method: 'put',
  path: '/v1/programs/{programId}/translations/{country}/{locale}/{namespace}/{key}',
  operationId: 'setTranslationOverride',
  tags: ['Translations'],
  summary: "Override a shipped text in one country and language",
  description:
    'Readers in `country` see `value` instead of the shipped text. The key must ship in English (plural forms with their suffix, e.g. `caption_one`); ' +
    'the value must use exactly the `{{placeholders}}` of the shipped text and be at most 2000 characters. ' +
    'Regional managers edit only their countries (403 `out_of_scope`). Sending the current value again changes nothing (200). Audited.',
  access: ['admin', 'regional_manager'],
  request: { params: OverrideParams, body: { required: true, content: { 'application/json': { schema: OverrideValueInputSchema } } } },
  responses: {
    201: json(TranslationOverrideSchema, 'The new override.'),
    200: json(TranslationOverrideSchema, 'The override after the change (or unchanged).'),
  },
});

export function registerSetTranslationOverride(app: OpenAPIHono<AppEnv>) {
  return app.openapi(setTranslationOverrideRoute, async (c) => {
    const { programId, ...target } = c.req.valid('param');
    const { override, created } = await setTranslationOverride(serviceContext(c), programId, target, c.req.valid('json'));
    return created ? c.json(overrideJson(override), 201) : c.json(overrideJson(override), 200);
  });
}
