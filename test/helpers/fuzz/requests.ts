import fc from 'fast-check';
import type { JsonSchema, Operation, Parameter } from '../openapi-operations.js';
import { hostileHeaderValue, hostileQueryValue, hostileSegment, hostileString, hostileValue, jsonText, nastyText, objectOf, PROTOTYPE_KEYS, unstorableText } from './hostile-values.js';
import { valueFor, type SchemaContext } from './schema-values.js';

/** One request of the fuzz test, as sent. */
export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** What the case made hostile, for the report. */
  note: string;
}

export interface OperationContext extends SchemaContext {
  op: Operation;
  /** Real values of the operation's path parameters (and required query parameters) in its world. */
  pathValues: Record<string, string>;
}

const JSON_TYPES = ['application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/vnd.api+json'];
const MEGABYTE = 1024 * 1024;

/** Raw bodies no JSON parser should choke on: broken, doubled, oversized, with a BOM or a NUL. */
const rawBodies = fc.constantFrom(
  '',
  '{',
  '{"a":1,}',
  '{"a":1}{"b":2}',
  '\ufeff{}',
  '{"a":"\u0000"}',
  '{"a\\u0000":1}',
  '"\\ud800"',
  '[' + '1,'.repeat(100_000) + '1]',
  '{"a":' + '"x",'.repeat(10) + '}',
  ' '.repeat(MEGABYTE + 10),
  'null',
  'NaN',
);

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number } | { object: Record<string, unknown> };

/** Every place in a value a hostile value can go: each property and item, and each object for an extra key. */
function slotsOf(root: unknown): Slot[] {
  const slots: Slot[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        slots.push({ parent: value, key: i });
        visit(item);
      });
    } else if (value !== null && typeof value === 'object') {
      slots.push({ object: value as Record<string, unknown> });
      for (const [key, item] of Object.entries(value)) {
        slots.push({ parent: value as Record<string, unknown>, key });
        visit(item);
      }
    }
  };
  visit(root);
  return slots;
}

const extraKey = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), unstorableText, nastyText, fc.string({ maxLength: 10 }));

/** A valid value with one place made hostile: a property or item replaced, or an extra key added. */
export function withOneHostileField(valid: fc.Arbitrary<unknown>): fc.Arbitrary<{ value: unknown; note: string }> {
  return fc.tuple(valid, fc.nat(), hostileValue, extraKey).map(([value, pick, hostile, key]) => {
    const copy = structuredClone(value);
    const slots = slotsOf(copy);
    if (slots.length === 0) return { value: hostile, note: 'the whole body hostile' };
    const slot = slots[pick % slots.length]!;
    if ('object' in slot) {
      Object.defineProperty(slot.object, key, { value: hostile, enumerable: true, writable: true, configurable: true });
      return { value: copy, note: `extra key ${JSON.stringify(key).slice(0, 40)}` };
    }
    (slot.parent as Record<string | number, unknown>)[slot.key] = hostile;
    return { value: copy, note: `field ${JSON.stringify(slot.key).slice(0, 40)} hostile` };
  });
}

function jsonBody(schema: JsonSchema | undefined, ctx: OperationContext): fc.Arbitrary<{ text: string; note: string }> {
  const valid = valueFor(schema, ctx);
  return fc.oneof(
    { arbitrary: valid.map((value) => ({ text: jsonText(value), note: 'schema-valid body' })), weight: 2 },
    { arbitrary: withOneHostileField(valid).map(({ value, note }) => ({ text: jsonText(value), note })), weight: 6 },
    { arbitrary: hostileValue.map((value) => ({ text: jsonText(value), note: 'hostile body' })), weight: 2 },
    { arbitrary: rawBodies.map((text) => ({ text, note: 'raw body' })), weight: 1 },
  );
}

const MEMBER_COLUMNS = ['externalId', 'email', 'name', 'phone', 'birthday', 'country', 'locale', 'source', 'status', 'tier', 'pointsBalance', 'referredByExternalId', 'shoe_size'];
const cell = fc.oneof({ arbitrary: fc.constantFrom('crm-1', 'ada@example.test', 'Ada', 'DE', 'de', '12', '', 'active'), weight: 3 }, { arbitrary: hostileString.filter((s) => s.length < 10_000), weight: 2 });
const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

/** Member files: a CSV or NDJSON of rows whose cells are partly hostile (imports stream them, then a job reads them). */
function importBody(mediaType: string): fc.Arbitrary<{ text: string; note: string }> {
  const rows = fc.tuple(fc.shuffledSubarray(MEMBER_COLUMNS, { minLength: 1 }), fc.array(fc.array(cell, { minLength: MEMBER_COLUMNS.length, maxLength: MEMBER_COLUMNS.length }), { maxLength: 4 }), fc.option(extraKey));
  if (mediaType === 'text/csv') {
    return rows.map(([columns, cells, extra]) => {
      const header = [...columns, ...(extra === null ? [] : [extra])];
      const lines = [header.map(quoted).join(','), ...cells.map((row) => header.map((_, i) => quoted(row[i] ?? '')).join(','))];
      return { text: lines.join('\r\n'), note: 'CSV member file' };
    });
  }
  return rows.map(([columns, cells, extra]) => {
    const keys = [...columns, ...(extra === null ? [] : [extra])];
    const lines = cells.map((row) => jsonText(objectOf(keys.map((key, i) => [key, row[i] ?? null]))));
    return { text: lines.join('\n'), note: 'NDJSON member file' };
  });
}

/** A wire-ready value for a path or query parameter: the world's real one, a schema-valid one, or a hostile one. */
function parameterValue(p: Parameter, ctx: OperationContext): fc.Arbitrary<string> {
  const real = ctx.pathValues[p.name];
  const valid = valueFor(p.schema, ctx).map((v) => encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v) ?? ''));
  return fc.oneof(
    ...(real === undefined ? [] : [{ arbitrary: fc.constant(encodeURIComponent(real)), weight: 6 }]),
    { arbitrary: valid, weight: 2 },
    { arbitrary: p.in === 'path' ? hostileSegment : hostileQueryValue, weight: 3 },
  );
}

function queryString(params: Parameter[], ctx: OperationContext): fc.Arbitrary<string> {
  const pairs = params.map((p) => (p.required ? parameterValue(p, ctx) : fc.option(parameterValue(p, ctx), { freq: 2 })).map((value) => (value === null ? [] : [`${encodeURIComponent(p.name)}=${value}`])));
  const extra = fc.option(fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, ...params.map((p) => p.name)), hostileSegment), hostileQueryValue), { freq: 4 });
  return fc.tuple(fc.tuple(...pairs), extra).map(([lists, more]) => {
    const all = [...lists.flat(), ...(more === null ? [] : [`${more[0]}=${more[1]}`])];
    return all.length ? `?${all.join('&')}` : '';
  });
}

function headerValues(params: Parameter[], ctx: OperationContext): fc.Arbitrary<Record<string, string>> {
  const entries = params.map((p) =>
    fc.option(fc.oneof(valueFor(p.schema, ctx).map(String).filter((v) => !/[\0\r\n]/.test(v) && /^[\u0000-\u00ff]*$/.test(v)), hostileHeaderValue), { freq: 2 }).map((value) => (value === null ? [] : [[p.name, value] as const])),
  );
  return fc.tuple(...entries).map((lists) => Object.fromEntries(lists.flat()));
}

/**
 * Requests for one operation: its path with real or hostile parameters, hostile query values and
 * headers, and a body that is valid, valid but for one hostile field, hostile, or broken text.
 */
export function requestArbitrary(ctx: OperationContext, body?: fc.Arbitrary<{ text: string; note: string; headers?: Record<string, string> }>): fc.Arbitrary<FuzzRequest> {
  const { op } = ctx;
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const path = fc.tuple(...pathParams.map((p) => parameterValue(p, ctx).map((value) => [p.name, value] as const))).map((values) => {
    const byName = Object.fromEntries(values);
    return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => byName[name] ?? 'placeholder');
  });
  const query = queryString(op.parameters.filter((p) => p.in === 'query'), ctx);
  const headers = headerValues(op.parameters.filter((p) => p.in === 'header'), ctx);
  const content = op.requestBody?.content ?? {};
  const mediaTypes = Object.keys(content);
  type Body = { text: string; note: string; headers?: Record<string, string> };
  const bodies: fc.Arbitrary<Body> = body
    ? body
    : mediaTypes.length === 0
      ? fc.oneof({ arbitrary: fc.constant<Body>({ text: '', note: 'no body' }), weight: 4 }, { arbitrary: hostileValue.map((v) => ({ text: jsonText(v), note: 'unexpected body' })), weight: 1 })
      : fc.constantFrom(...mediaTypes).chain((type) =>
          /^application\/([\w.-]+\+)?json$/.test(type)
            ? fc.tuple(jsonBody(content[type], ctx), fc.constantFrom(...JSON_TYPES)).map(([b, contentType]) => ({ ...b, headers: { 'content-type': contentType } }))
            : fc.tuple(importBody(type), fc.constantFrom(type, type, type, 'application/json', 'text/plain')).map(([b, contentType]) => ({ ...b, headers: { 'content-type': contentType } })),
        );
  return fc.tuple(path, query, headers, bodies).map(([p, q, h, b]) => ({
    method: op.method.toUpperCase(),
    url: p + q,
    headers: { ...h, ...(b.headers ?? {}) },
    // GET cannot carry a body; any other method may get one the operation does not expect.
    ...((b.text === '' && !b.headers?.['content-type']) || op.method === 'get' ? {} : { body: b.text }),
    note: b.note,
  }));
}
