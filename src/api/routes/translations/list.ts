import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { listEditableTexts } from '../../../i18n/overrides/editor.js';
import { NamespaceSchema } from '../../../i18n/overrides/input.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema, pageSchema } from '../../pagination.js';
import { EditableTextSchema, editableTextJson, json, OverrideScopeQuery, ProgramParams } from './schemas.js';

const EditableTextQuery = OverrideScopeQuery.extend({
  namespace: NamespaceSchema.optional().openapi({ param: { name: 'namespace', in: 'query' } }),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ param: { name: 'q', in: 'query' }, description: 'Case-insensitive search in keys, shipped, English and overriding texts.' }),
}).extend(PageQuerySchema.shape);

export const listTranslationTextsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/translations',
  operationId: 'listTranslationTexts',
  tags: ['Translations'],
  summary: "The texts a country's team may override, with their overrides",
  description:
    'Every shipped text in `locale` with its English original and the override of `country`, if any, ordered by namespace and key. ' +
    'Regional managers list only their countries (403 `out_of_scope`); `country` must be a market of the program.',
  access: ['admin', 'regional_manager'],
  request: { params: ProgramParams, query: EditableTextQuery },
  responses: { 200: json(pageSchema(EditableTextSchema, 'EditableTextPage'), 'A page of texts; `nextCursor` continues after the last one.') },
});

export function registerListTranslationTexts(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listTranslationTextsRoute, async (c) => {
    const page = await listEditableTexts(serviceContext(c), c.req.valid('param').programId, c.req.valid('query'));
    return c.json({ data: page.data.map(editableTextJson), nextCursor: page.nextCursor }, 200);
  });
}
