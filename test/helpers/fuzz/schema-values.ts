import fc from 'fast-check';
import type { JsonSchema } from '../openapi-operations.js';

/**
 * Values that satisfy an OpenAPI 3.1 schema (the subset zod-openapi writes: type, properties,
 * required, additionalProperties, items, enum, pattern, formats, bounds, anyOf, allOf, $ref), so a
 * fuzzed request gets past validation. Properties named like an id take the world's real ids.
 */
export interface SchemaContext {
  schemas: Record<string, JsonSchema>;
  /** A real value for a property name (memberId, tierId...), when the world has one. */
  realValue(property: string): string | undefined;
}

const REF = '#/components/schemas/';

export function resolve(schema: JsonSchema | undefined, schemas: Record<string, JsonSchema>): JsonSchema {
  let current = schema ?? {};
  for (let hops = 0; typeof current.$ref === 'string' && hops < 20; hops++) current = schemas[current.$ref.slice(REF.length)] ?? {};
  return current;
}

/** Every property name anywhere in a schema, `$ref`s followed: which real ids a body may need. */
export function propertyNames(schema: JsonSchema | undefined, schemas: Record<string, JsonSchema>, seen = new Set<JsonSchema>()): Set<string> {
  const names = new Set<string>();
  const visit = (s: JsonSchema | undefined) => {
    if (s === undefined) return;
    const r = resolve(s, schemas);
    if (seen.has(r)) return;
    seen.add(r);
    for (const [name, sub] of Object.entries<JsonSchema>(r.properties ?? {})) {
      names.add(name);
      visit(sub);
    }
    for (const sub of [r.items, typeof r.additionalProperties === 'object' ? r.additionalProperties : undefined, ...(r.anyOf ?? []), ...(r.allOf ?? []), ...(r.oneOf ?? [])]) visit(sub);
  };
  visit(schema);
  return names;
}

const MAX_DEPTH = 6;
const DAY = 86_400_000;
const dates = fc.date({ min: new Date(Date.now() - 400 * DAY), max: new Date(Date.now() + 400 * DAY), noInvalidDate: true });

function stringValue(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? Math.max(min, 40);
  // Only the schema's own bounds filter: a pattern or format decides the length otherwise.
  const fits = (v: string) => v.length >= min && (s.maxLength === undefined || v.length <= s.maxLength);
  switch (s.format) {
    case 'date-time':
      return dates.map((d) => d.toISOString());
    case 'date':
      return dates.map((d) => d.toISOString().slice(0, 10));
    case 'email':
      return fc.emailAddress().filter(fits);
    case 'uri':
      return fc.oneof(fc.constantFrom('https://shop.example/landing', 'https://www.shop.example/a?b=c', 'https://publisher.example'), fc.webUrl()).filter(fits);
    case 'ip':
      return fc.oneof(fc.ipV4(), fc.ipV6());
  }
  if (typeof s.pattern === 'string') {
    let pattern: RegExp;
    try {
      pattern = new RegExp(s.pattern);
    } catch {
      return fc.string({ minLength: min, maxLength: max });
    }
    return fc.stringMatching(pattern).filter(fits);
  }
  return fc.string({ minLength: min, maxLength: Math.min(max, 60) });
}

function numberValue(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lower = s.minimum ?? (typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + (integer ? 1 : Number.EPSILON) : undefined);
  const upper = s.maximum ?? (typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - (integer ? 1 : Number.EPSILON) : undefined);
  if (integer) {
    const min = Math.max(lower ?? -1_000_000, Number.MIN_SAFE_INTEGER);
    const max = Math.min(upper ?? 1_000_000, Number.MAX_SAFE_INTEGER);
    // The bounds themselves are where storage overflows, so they come up often.
    return fc.oneof({ arbitrary: fc.integer({ min, max }), weight: 4 }, { arbitrary: fc.constantFrom(min, max), weight: 1 });
  }
  return fc.double({ min: lower ?? -1e6, max: upper ?? 1e6, noNaN: true, noDefaultInfinity: true });
}

function objectValue(s: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries<JsonSchema>(s.properties ?? {});
  const required = new Set<string>(s.required ?? []);
  if (properties.length === 0) {
    const extra = s.additionalProperties;
    if (extra === false) return fc.constant({});
    const values = typeof extra === 'object' && Object.keys(extra).length ? valueFor(extra, ctx, depth + 1) : fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean());
    return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), values, { maxKeys: 3 });
  }
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, sub] of properties) model[name] = withRealValue(name, valueFor(sub, ctx, depth + 1), ctx);
  return fc.record(model, { requiredKeys: [...required].filter((name) => name in model) });
}

function withRealValue(name: string, generated: fc.Arbitrary<unknown>, ctx: SchemaContext): fc.Arbitrary<unknown> {
  const real = ctx.realValue(name);
  return real === undefined ? generated : fc.oneof({ arbitrary: fc.constant(real), weight: 4 }, { arbitrary: generated, weight: 1 });
}

/** A value the schema accepts (most of the time: cross-field rules are the services' to check). */
export function valueFor(schema: JsonSchema | undefined, ctx: SchemaContext, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, ctx.schemas);
  if (depth > MAX_DEPTH) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) return fc.oneof(...((s.anyOf ?? s.oneOf) as JsonSchema[]).map((sub) => valueFor(sub, ctx, depth)));
  if (Array.isArray(s.allOf)) return valueFor(mergeAll(s.allOf, ctx.schemas), ctx, depth);
  const generated = typedValue(s, ctx, depth);
  // The schema's own example is valid by construction, and often the only value a free-text field checks for.
  return s.example !== undefined ? fc.oneof({ arbitrary: fc.constant(s.example), weight: 1 }, { arbitrary: generated, weight: 2 }) : generated;
}

function typedValue(s: JsonSchema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown> {
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ['object'] : [];
  if (types.length === 0) return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null));
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case 'string':
          return stringValue(s);
        case 'integer':
          return numberValue(s, true);
        case 'number':
          return numberValue(s, false);
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array':
          return fc.array(valueFor(s.items, ctx, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, Math.max(s.minItems ?? 0, 3)) });
        default:
          return objectValue(s, ctx, depth);
      }
    }),
  );
}

function mergeAll(parts: JsonSchema[], schemas: Record<string, JsonSchema>): JsonSchema {
  const merged: JsonSchema = { type: 'object', properties: {}, required: [] };
  for (const part of parts.map((p) => resolve(p, schemas))) {
    Object.assign(merged.properties, part.properties ?? {});
    merged.required.push(...(part.required ?? []));
    if (part.additionalProperties !== undefined) merged.additionalProperties = part.additionalProperties;
  }
  return merged;
}
