import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issuesFromZod } from '../../../src/core/validation.js';
import { fieldIssueText } from '../../../web/src/api/client.js';

/**
 * Field issues carry a stable code (and bound) beside the English reason, so a client words them
 * in its own language; the web app does, and keeps the API's reason where there is no code.
 */
const Schema = z.strictObject({
  name: z.string().min(2).max(5),
  email: z.email('must be a valid email address'),
  site: z.url(),
  slug: z.string().regex(/^[a-z]+$/),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  amount: z.number().int().min(1).max(10),
  tags: z.array(z.string()).min(1).max(2),
  kind: z.enum(['sale', 'signup']),
  note: z.string().refine((v) => v !== 'no', 'must not be no'),
  required: z.string(),
});

const issuesOf = (input: unknown) => {
  const result = Schema.safeParse(input);
  if (result.success) throw new Error('expected a failure');
  return Object.fromEntries(issuesFromZod(result.error).map((i) => [i.field, { code: i.code, limit: i.limit }]));
};

describe('field issue codes', () => {
  it('name each kind of problem, with its bound', () => {
    expect(issuesOf({ name: 'a', email: 'x', site: 'not a url', slug: 'A1', currency: 'eur', amount: 0, tags: [], kind: 'gift', note: 'no', extra: 1 })).toEqual({
      name: { code: 'too_short', limit: 2 },
      email: { code: 'invalid_email', limit: undefined },
      site: { code: 'invalid_url', limit: undefined },
      slug: { code: 'invalid_format', limit: undefined },
      // Worded by the schema: the reason says more than a generic word would.
      currency: { code: 'invalid', limit: undefined },
      amount: { code: 'too_small', limit: 1 },
      tags: { code: 'too_few_items', limit: 1 },
      kind: { code: 'not_allowed', limit: undefined },
      note: { code: 'invalid', limit: undefined },
      required: { code: 'required', limit: undefined },
      extra: { code: 'unknown_field', limit: undefined },
    });
    expect(issuesOf({ name: 'abcdefg', email: 'a@b.test', site: 'https://x.test', slug: 'ab', currency: 'EUR', amount: 11, tags: ['a', 'b', 'c'], kind: 'sale', note: 'ok', required: 5 })).toEqual({
      name: { code: 'too_long', limit: 5 },
      amount: { code: 'too_big', limit: 10 },
      tags: { code: 'too_many_items', limit: 2 },
      required: { code: 'wrong_type', limit: undefined },
    });
  });

  it('are worded in the web app’s language, the API’s reason kept where there is no code', async () => {
    const de = JSON.parse(readFileSync(new URL('../../../src/i18n/locales/de/web-common.json', import.meta.url), 'utf8'));
    await i18next.init({ lng: 'de', resources: { de: { 'web-common': de } }, interpolation: { escapeValue: false } });
    expect(fieldIssueText({ field: 'name', reason: 'Too small: expected string to have >=2 characters', code: 'too_short', limit: 2 })).toBe('Zu kurz (Mindestlänge: 2).');
    expect(fieldIssueText({ field: 'email', reason: 'Invalid email address', code: 'invalid_email' })).toBe('Keine gültige E-Mail-Adresse.');
    expect(fieldIssueText({ field: 'occurredAt', reason: 'must not be in the future' })).toBe('must not be in the future');
    expect(fieldIssueText({ field: 'note', reason: 'must not be no', code: 'invalid' })).toBe('must not be no');
    // A bound the API did not send is not made up.
    expect(fieldIssueText({ field: 'name', reason: 'Too small', code: 'too_short' })).toBe('Too small');
  });
});
