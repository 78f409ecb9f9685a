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
// Mostly the past: many instants (occurredAt, completedAt) must not be in the future.
const dates = fc.oneof(
  { arbitrary: fc.date({ min: new Date(Date.now() - 400 * DAY), max: new Date(Date.now() - 60_000), noInvalidDate: true }), weight: 3 },
  { arbitrary: fc.date({ min: new Date(Date.now() + DAY), max: new Date(Date.now() + 400 * DAY), noInvalidDate: true }), weight: 1 },
);
// Plain addresses: fc.emailAddress's RFC corner cases are for the hostile side.
const emails = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/), fc.constantFrom('example.test', 'shop.example')).map(([local, domain]) => `${local}@${domain}`);

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
      return emails.filter(fits);
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

const clamp = (n: number, min: number, max: number) => Math.min(Math.max(n, min), max);

function numberValue(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lower = s.minimum ?? (typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + (integer ? 1 : Number.EPSILON) : undefined);
  const upper = s.maximum ?? (typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - (integer ? 1 : Number.EPSILON) : undefined);
  if (integer) {
    const min = Math.max(lower ?? -1_000_000, Number.MIN_SAFE_INTEGER);
    const max = Math.min(upper ?? 1_000_000, Number.MAX_SAFE_INTEGER);
    // Mostly everyday amounts; the bounds themselves, where storage overflows, come up often too.
    return fc.oneof(
      { arbitrary: fc.integer({ min: clamp(0, min, max), max: clamp(1000, min, max) }), weight: 3 },
      { arbitrary: fc.integer({ min, max }), weight: 1 },
      { arbitrary: fc.constantFrom(min, max), weight: 1 },
    );
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
  // An optional property is given a third of the time: each one risks a rule across fields (`only a paid tier has a fee`).
  const entries = properties.map(([name, sub]) => {
    const value = withRealValue(name, valueFor(sub, ctx, depth + 1), ctx).map((v) => [name, v] as const);
    return required.has(name) ? value : fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: value, weight: 1 });
  });
  return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs.filter((pair) => pair !== null)));
}

const shopUrls = fc.constantFrom('https://shop.example/landing', 'https://www.shop.example/a?b=c', 'https://shop.example/join');
/** Properties whose valid values their schema does not spell out (a market's country, a currency): what clients send. */
const WELL_KNOWN: Record<string, fc.Arbitrary<unknown>> = {
  email: emails,
  country: fc.constantFrom('DE', 'US', 'FR', 'BR'),
  currency: fc.constantFrom('EUR', 'USD'),
  base: fc.constantFrom('EUR', 'USD'),
  quote: fc.constantFrom('EUR', 'USD', 'BRL'),
  rate: fc.constantFrom('0.9215', '1', '5.4321'),
  code: fc.stringMatching(/^[A-Z][A-Z0-9]{2,11}$/),
  promoCode: fc.stringMatching(/^[A-Z][A-Z0-9]{2,11}$/),
  payoutCurrency: fc.constantFrom('EUR', 'USD'),
  feeCurrency: fc.constantFrom('EUR', 'USD'),
  locale: fc.constantFrom('de', 'en', 'de-DE'),
  defaultLocale: fc.constantFrom('de', 'en'),
  birthday: fc.constant('1990-04-23'),
  destinationUrl: shopUrls,
  fallbackUrl: shopUrls,
  returnUrl: shopUrls,
  refreshUrl: shopUrls,
  website: fc.constant('https://publisher.example'),
};

/** The world's real value for an id-like property, a well-known value, or a generated one. */
function withRealValue(name: string, generated: fc.Arbitrary<unknown>, ctx: SchemaContext): fc.Arbitrary<unknown> {
  const real = ctx.realValue(name);
  if (real !== undefined) return fc.oneof({ arbitrary: fc.constant(real), weight: 4 }, { arbitrary: generated, weight: 1 });
  const known = WELL_KNOWN[name];
  return known ? fc.oneof({ arbitrary: known, weight: 5 }, { arbitrary: generated, weight: 1 }) : generated;
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
  return s.example !== undefined ? fc.oneof(fc.constant(s.example), generated) : generated;
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
