import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors.js';

/** Zod issues as field-named issues; `prefix` roots them (`settings.points`). */
export function issuesFromZod(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const named = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || 'body';
    return issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: named([...issue.path, key]), reason: 'is not a known field' }))
      : [{ field: named(issue.path), reason: issue.message }];
  });
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
