import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors.js';

/** Zod issues as field-named issues, each with its code; `prefix` roots them (`settings.points`). */
export function issuesFromZod(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    return issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldName([...issue.path, key], prefix), reason: 'is not a known field', code: 'unknown_field' }))
      : [{ field: fieldName(issue.path, prefix), reason: issue.message, ...codeOf(issue) }];
  });
}

// Any NUL or surrogate: a cheap scan that almost all text passes at once.
const SUSPECT_TEXT = /[\0\ud800-\udfff]/;
// NUL, or a surrogate without its other half.
const UNSTORABLE_TEXT = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Whether text can be stored: no NUL (PostgreSQL's text and jsonb cannot hold one) and no lone
 * UTF-16 surrogate (not Unicode: it has no UTF-8 form, and jsonb refuses its escape).
 */
export function isStorableText(text: string): boolean {
  if (!SUSPECT_TEXT.test(text)) return true;
  UNSTORABLE_TEXT.lastIndex = 0;
  return !UNSTORABLE_TEXT.test(text);
}

/** The text with each unstorable character written as a `\u0000` escape: a name made of input that can be stored and shown. */
export function escapeUnstorable(text: string): string {
  return isStorableText(text) ? text : text.replace(UNSTORABLE_TEXT, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A field's dotted path (`settings.points`), its keys escaped (escapeUnstorable); `body` for the whole input. */
export function fieldName(path: readonly PropertyKey[], prefix?: string): string {
  return [prefix, ...path.map((key) => (typeof key === 'string' ? escapeUnstorable(key) : String(key)))].filter(Boolean).join('.') || 'body';
}

const UNSTORABLE_TEXT_REASON = 'contains a NUL character or a lone UTF-16 surrogate';
/**
 * How deep input may nest. Far beyond any of our schemas, and far below what breaks the code that
 * recurses over it (JSON.stringify, zod refinements, PostgreSQL's jsonb), which fail near 5,000.
 */
export const MAX_INPUT_DEPTH = 32;
/** More issues than this say nothing more: a file of a million bad cells gets a short answer. */
const MAX_INPUT_ISSUES = 20;

interface Visit {
  value: unknown;
  key: PropertyKey | undefined;
  parent: Visit | undefined;
  depth: number;
}

const pathOf = (visit: Visit): PropertyKey[] => {
  const path: PropertyKey[] = [];
  for (let v: Visit | undefined = visit; v?.key !== undefined; v = v.parent) path.push(v.key);
  return path.reverse();
};

const isPlainObject = (value: object): value is Record<string, unknown> => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * Field issues for input no column can store: each string and object key with text that is not
 * storable (isStorableText), and each array or object nested deeper than MAX_INPUT_DEPTH. The one
 * check all input passes on its way in (request bodies, parameters and headers, import rows,
 * webhook events), so none of it reaches the services to fail there. Iterative: input may nest
 * deeper than the call stack.
 */
export function unstorableInputIssues(value: unknown, prefix?: string): FieldIssue[] {
  if (typeof value === 'string') return isStorableText(value) ? [] : [textIssue([], prefix)];
  if (value === null || typeof value !== 'object') return [];
  const issues: FieldIssue[] = [];
  const stack: Visit[] = [{ value, key: undefined, parent: undefined, depth: 1 }];
  const visitChild = (parent: Visit, key: PropertyKey, child: unknown) => {
    if (typeof child === 'string') {
      if (!isStorableText(child)) issues.push(textIssue([...pathOf(parent), key], prefix));
    } else if (child !== null && typeof child === 'object') {
      if (parent.depth >= MAX_INPUT_DEPTH) issues.push({ field: fieldName([...pathOf(parent), key], prefix), reason: `is nested deeper than ${MAX_INPUT_DEPTH} levels`, code: 'too_deep', limit: MAX_INPUT_DEPTH });
      else stack.push({ value: child, key, parent, depth: parent.depth + 1 });
    }
  };
  while (stack.length && issues.length < MAX_INPUT_ISSUES) {
    const visit = stack.pop()!;
    const current = visit.value;
    // Children are checked in order and pushed in reverse, so issues come out in document order.
    const pending = stack.length;
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) visitChild(visit, i, current[i]);
    } else if (current !== null && typeof current === 'object' && isPlainObject(current)) {
      for (const key of Object.keys(current)) {
        if (isStorableText(key)) visitChild(visit, key, current[key]);
        else issues.push(textIssue([...pathOf(visit), key], prefix));
      }
    }
    for (let i = pending, j = stack.length - 1; i < j; i++, j--) [stack[i], stack[j]] = [stack[j]!, stack[i]!];
  }
  return issues.slice(0, MAX_INPUT_ISSUES);
}

const textIssue = (path: PropertyKey[], prefix?: string): FieldIssue => ({ field: fieldName(path, prefix), reason: UNSTORABLE_TEXT_REASON, code: 'invalid_characters' });

/** Throws a ValidationError naming each field of `value` that cannot be stored (unstorableInputIssues). */
export function assertStorableInput(value: unknown, prefix?: string): void {
  const issues = unstorableInputIssues(value, prefix);
  if (issues.length) throw new ValidationError(issues);
}

/**
 * Whether JSON text nests arrays and objects deeper than `limit`, read without parsing it: a
 * bound checked before anything recurses over the parsed value (brackets inside strings do not count).
 */
export function jsonNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* backslash */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
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
