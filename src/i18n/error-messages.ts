import type { Locale } from './locales.js';
import { translator } from './translate.js';

/**
 * The `errors:<code>` text of an error in a locale, its placeholders filled from the error's
 * details: `{{fields}}` lists a validation error's fields, other placeholders take the detail of
 * the same name (`{{spendable}}`). Undefined when the code has no text.
 */
export function localizedErrorMessage(locale: Locale, code: string, details: unknown): string | undefined {
  // Details go in `replace`, so a detail never reads as an i18next option (`lng`, `context`...).
  const replace: Record<string, unknown> = isRecord(details) ? { ...details } : {};
  const issues = isRecord(details) && Array.isArray(details.issues) ? details.issues : undefined;
  let count: number | undefined;
  if (issues) {
    const fields = [...new Set(issues.map((issue) => (isRecord(issue) ? String(issue.field) : '')).filter(Boolean))];
    replace.fields = new Intl.ListFormat(locale, { type: 'conjunction' }).format(fields);
    count = Math.max(fields.length, 1);
  }
  const text = translator(locale)(`errors:${code}`, { replace, ...(count === undefined ? {} : { count }), defaultValue: '' });
  // A placeholder the details did not fill would show as `{{name}}`: the English message is better.
  return text === '' || text.includes('{{') ? undefined : text;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
