import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors.js';

/** Zod issues as field-named issues, each with its code; `prefix` roots them (`settings.points`). */
export function issuesFromZod(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    const named = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || 'body';
    return issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: named([...issue.path, key]), reason: 'is not a known field', code: 'unknown_field' }))
      : [{ field: named(issue.path), reason: issue.message, ...codeOf(issue) }];
  });
}

const OUR_WORDS = /^[a-z]/;

const SIZE_CODES = {
  too_small: { string: 'too_short', number: 'too_small', bigint: 'too_small', int: 'too_small', array: 'too_few_items', set: 'too_few_items' },
  too_big: { string: 'too_long', number: 'too_big', bigint: 'too_big', int: 'too_big', array: 'too_many_items', set: 'too_many_items' },
} as const;

/** The zod issue as a FieldIssue code (and bound), for clients to word in their own language. */
function codeOf(issue: z.core.$ZodIssue): Pick<FieldIssue, 'code' | 'limit'> {
  switch (issue.code) {
    case 'invalid_type':
      // zod words a missing value "expected string, received undefined" and keeps no input.
      return { code: /received undefined$/.test(issue.message) ? 'required' : 'wrong_type' };
    case 'too_small':
    case 'too_big': {
      const code = SIZE_CODES[issue.code][issue.origin as keyof (typeof SIZE_CODES)['too_small']];
      const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      return code ? { code, ...(Number.isFinite(limit) ? { limit } : {}) } : { code: 'invalid' };
    }
    // A pattern or set of values our schema words itself ("must be an ISO 4217 code": our
    // messages start in lower case, zod's own in capitals) says more than any generic word for it.
    case 'invalid_format':
      if (issue.format === 'email') return { code: 'invalid_email' };
      if (issue.format === 'url') return { code: 'invalid_url' };
      return { code: OUR_WORDS.test(issue.message) ? 'invalid' : 'invalid_format' };
    case 'invalid_value':
      return { code: OUR_WORDS.test(issue.message) ? 'invalid' : 'not_allowed' };
    default:
      return { code: 'invalid' };
  }
}

/**
 * Parses service input, throwing a ValidationError that names each bad field. Services validate
 * even though routes already did, because jobs, the seed and the CLI call them too.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(issuesFromZod(result.error, prefix));
  return result.data;
}
