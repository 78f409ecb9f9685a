import { z } from '@hono/zod-openapi';
import { CountrySchema } from '../../core/members/member-input.js';
import { isLocale, SUPPORTED_LOCALES } from '../locales.js';

/** Input of the override services; the routes reuse these schemas so both validate alike. */

export const MAX_OVERRIDE_LENGTH = 2000;

export const OverrideLocaleSchema = z
  .string()
  .refine(isLocale, `must be one of the shipped locales: ${SUPPORTED_LOCALES.join(', ')}`)
  .openapi({ example: 'de', description: `One of ${SUPPORTED_LOCALES.join(', ')}.` });

export const NamespaceSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a shipped namespace, e.g. statements or web-affiliate')
  .openapi({ example: 'statements' });

export const TextKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'must be a dotted key as shipped, e.g. title or columns.amount')
  .max(300)
  .openapi({ example: 'title', description: 'The dotted key as shipped, plural suffix included (`caption_one`).' });

/** Which text in which country and language. */
export const OverrideTargetSchema = z.strictObject({
  country: CountrySchema,
  locale: OverrideLocaleSchema,
  namespace: NamespaceSchema,
  key: TextKeySchema,
});
export type OverrideTarget = z.input<typeof OverrideTargetSchema>;

export const OverrideValueInputSchema = z
  .strictObject({
    value: z
      .string()
      .max(MAX_OVERRIDE_LENGTH, `must be at most ${MAX_OVERRIDE_LENGTH} characters`)
      .refine((v) => v.trim().length > 0, 'must not be empty')
      .openapi({ example: 'Ihre Provisionen im Dezember: doppelt so viel!' }),
  })
  .openapi('TranslationOverrideInput');
export type OverrideValueInput = z.input<typeof OverrideValueInputSchema>;

/** Country and language of a set of overrides. */
export const OverrideScopeSchema = z.strictObject({ country: CountrySchema, locale: OverrideLocaleSchema });
export type OverrideScope = z.input<typeof OverrideScopeSchema>;

export const EditableTextQuerySchema = OverrideScopeSchema.extend({
  namespace: NamespaceSchema.optional(),
  q: z.string().trim().min(1).max(200).optional(),
});
export type EditableTextQuery = z.input<typeof EditableTextQuerySchema>;
