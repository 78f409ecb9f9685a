import { z } from '@hono/zod-openapi';
import { CountrySchema } from '../../../core/members/member-input.js';
import { NamespaceSchema, OverrideLocaleSchema, TextKeySchema } from '../../../i18n/overrides/input.js';
import type { EditableTextView, OverrideView } from '../../../i18n/overrides/views.js';
import { iso, pathParam } from '../../pagination.js';

/** Schemas shared by the translation override routes. */

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

export const ProgramParams = z.object({ programId: pathParam('programId') });

const param = <T extends z.ZodTypeAny>(schema: T, name: string) => schema.openapi({ param: { name, in: 'path' } });

export const OverrideParams = ProgramParams.extend({
  country: param(CountrySchema, 'country'),
  locale: param(OverrideLocaleSchema, 'locale'),
  namespace: param(NamespaceSchema, 'namespace'),
  key: param(TextKeySchema, 'key'),
});

const query = <T extends z.ZodTypeAny>(schema: T, name: string) => schema.openapi({ param: { name, in: 'query' } });

export const OverrideScopeQuery = z.object({
  country: query(CountrySchema, 'country'),
  locale: query(OverrideLocaleSchema, 'locale'),
});

export const TranslationOverrideSchema = z
  .object({
    id: z.string().openapi({ example: 'tro_0lz3k8q1aXy2Pq9RsT0uV' }),
    programId: z.string(),
    country: z.string().openapi({ example: 'DE' }),
    locale: z.string().openapi({ example: 'de' }),
    namespace: z.string().openapi({ example: 'statements' }),
    key: z.string().openapi({ example: 'title' }),
    value: z.string(),
    updatedBy: z.string().nullable().openapi({ description: 'The user who last wrote the value.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('TranslationOverride');

export const EditableTextSchema = z
  .object({
    id: z.string().openapi({ example: 'statements:title', description: '`namespace:key`.' }),
    namespace: z.string(),
    key: z.string(),
    shipped: z.string().openapi({ description: 'The text as shipped in the requested locale.' }),
    english: z.string().openapi({ description: 'The English original.' }),
    override: z
      .object({ id: z.string(), value: z.string(), updatedBy: z.string().nullable(), updatedAt: z.string() })
      .nullable()
      .openapi({ description: "The country's override, which readers see instead of `shipped`; null when none." }),
  })
  .openapi('EditableText');

export const OverrideMapSchema = z
  .record(z.string(), z.record(z.string(), z.string()))
  .openapi('TranslationOverrideMap', { example: { statements: { title: 'Ihre Abrechnung' } }, description: '`{ namespace: { dottedKey: text } }`.' });

export const overrideJson = (o: OverrideView): z.infer<typeof TranslationOverrideSchema> => ({ ...o, createdAt: iso(o.createdAt), updatedAt: iso(o.updatedAt) });

export const editableTextJson = (t: EditableTextView): z.infer<typeof EditableTextSchema> => ({
  ...t,
  override: t.override ? { ...t.override, updatedAt: iso(t.override.updatedAt) } : null,
});
