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

const CONTENT_TYPES = ['application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/vnd.api+json', 'application/x-ndjson'];
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

type Body = { text: string; note: string; headers?: Record<string, string> };
const jsonBody = (value: unknown, note: string, contentType = 'application/json'): Body => ({ text: jsonText(value), note, headers: { 'content-type': contentType } });

/** A body the schema accepts, or one with one hostile field, a hostile whole, broken text or another Content-Type. */
function jsonBodies(schema: JsonSchema | undefined, ctx: OperationContext): { valid: fc.Arbitrary<Body>; hostile: fc.Arbitrary<Body> } {
  const valid = valueFor(schema, ctx);
  return {
    valid: valid.map((value) => jsonBody(value, 'schema-valid body')),
    hostile: fc.oneof(
      { arbitrary: withOneHostileField(valid).map(({ value, note }) => jsonBody(value, note)), weight: 8 },
      { arbitrary: hostileValue.map((value) => jsonBody(value, 'hostile body')), weight: 2 },
      { arbitrary: rawBodies.map((text) => ({ text, note: 'raw body', headers: { 'content-type': 'application/json' } })), weight: 1 },
      { arbitrary: fc.tuple(valid, fc.constantFrom(...CONTENT_TYPES)).map(([value, type]) => jsonBody(value, `Content-Type ${type}`, type)), weight: 1 },
    ),
  };
}

const MEMBER_COLUMNS = ['externalId', 'email', 'name', 'phone', 'birthday', 'country', 'locale', 'source', 'status', 'tier', 'pointsBalance', 'referredByExternalId', 'shoe_size'];
const validCell = fc.constantFrom('crm-1', 'ada@example.test', 'Ada', 'DE', 'de', '12', '', 'active', 'Gold');
const cell = fc.oneof({ arbitrary: validCell, weight: 3 }, { arbitrary: hostileString.filter((s) => s.length < 10_000), weight: 2 });
const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

/** Member files (imports stream them, then a job reads them): a CSV or NDJSON of rows, with the given cells. */
function importBody(mediaType: string, cells: fc.Arbitrary<string>, extraColumn: fc.Arbitrary<string | null>): fc.Arbitrary<Body> {
  const rows = fc.tuple(fc.shuffledSubarray(MEMBER_COLUMNS, { minLength: 1 }), fc.array(fc.array(cells, { minLength: MEMBER_COLUMNS.length, maxLength: MEMBER_COLUMNS.length }), { maxLength: 4 }), extraColumn);
  const headers = { 'content-type': mediaType };
  if (mediaType === 'text/csv') {
    return rows.map(([columns, cells, extra]) => {
      const header = [...columns, ...(extra === null ? [] : [extra])];
      const lines = [header.map(quoted).join(','), ...cells.map((row) => header.map((_, i) => quoted(row[i] ?? '')).join(','))];
      return { text: lines.join('\r\n'), note: 'CSV member file', headers };
    });
  }
  return rows.map(([columns, cells, extra]) => {
    const keys = [...columns, ...(extra === null ? [] : [extra])];
    const lines = cells.map((row) => jsonText(objectOf(keys.map((key, i) => [key, row[i] ?? null]))));
    return { text: lines.join('\n'), note: 'NDJSON member file', headers };
  });
}

function importBodies(mediaType: string): { valid: fc.Arbitrary<Body>; hostile: fc.Arbitrary<Body> } {
  const hostile = importBody(mediaType, cell, fc.option(extraKey));
  return {
    valid: importBody(mediaType, validCell, fc.constant(null)),
    hostile: fc.oneof(hostile, fc.tuple(hostile, fc.constantFrom(...CONTENT_TYPES)).map(([b, type]) => ({ ...b, note: `${b.note} as ${type}`, headers: { 'content-type': type } }))),
  };
}

/** A wire-ready value for a path or query parameter the operation accepts: the world's real one, or a schema-valid one. */
function validParameter(p: Parameter, ctx: OperationContext): fc.Arbitrary<string> {
  const real = ctx.pathValues[p.name];
  const valid = valueFor(p.schema, ctx).map((v) => encodeURIComponent(typeof v === 'string' ? v : (JSON.stringify(v) ?? '')));
  return real === undefined ? valid : fc.oneof({ arbitrary: fc.constant(encodeURIComponent(real)), weight: 4 }, { arbitrary: valid, weight: 1 });
}

const hostileParameter = (p: Parameter) => (p.in === 'path' ? hostileSegment : hostileQueryValue);

/** Values for each parameter: valid ones, or (with `hostile`) valid ones but for one. Optional query parameters may be left out. */
function parameterValues(params: Parameter[], ctx: OperationContext, hostile: boolean): fc.Arbitrary<(string | null)[]> {
  const valid = fc.tuple(...params.map((p) => (p.in === 'path' || p.required ? validParameter(p, ctx) : fc.option(validParameter(p, ctx), { freq: 3 }))));
  if (!hostile || params.length === 0) return valid;
  return fc.tuple(valid, fc.nat(params.length - 1), fc.oneof(...params.map(hostileParameter))).map(([values, i, bad]) => values.map((v, j) => (j === i ? bad : v)));
}

function pathOf(op: Operation, params: Parameter[], values: (string | null)[]): string {
  const byName = Object.fromEntries(params.map((p, i) => [p.name, values[i] ?? 'placeholder']));
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => byName[name] ?? 'placeholder');
}

function queryOf(params: Parameter[], values: (string | null)[], extra: [string, string] | null): string {
  const pairs = params.flatMap((p, i) => (values[i] === null ? [] : [`${encodeURIComponent(p.name)}=${values[i]}`]));
  if (extra) pairs.push(`${extra[0]}=${extra[1]}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}

// A parameter nobody declared, a prototype key, or a declared one given twice.
const extraQuery = (params: Parameter[]) => fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, ...params.map((p) => p.name)), hostileSegment), hostileQueryValue);

const latin1 = (v: string) => !/[\0\r\n]/.test(v) && /^[\u0000-\u00ff]*$/.test(v);

function headerValues(params: Parameter[], ctx: OperationContext, hostile: boolean): fc.Arbitrary<Record<string, string>> {
  const value = (p: Parameter) => (hostile ? fc.oneof(valueFor(p.schema, ctx).map(String).filter(latin1), hostileHeaderValue) : valueFor(p.schema, ctx).map(String).filter(latin1));
  const entries = params.map((p) => fc.option(value(p), { freq: 2 }).map((v) => (v === null ? [] : [[p.name, v] as const])));
  return fc.tuple(...entries).map((lists) => Object.fromEntries(lists.flat()));
}

/** The caller's language: none, one we ship (so errors come localised), or a header no parser expects. */
const language: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 4 },
  { arbitrary: fc.constantFrom('de', 'ja', 'zh-CN', 'pt-BR', 'fr;q=0.9, es;q=0.8').map((v) => ({ 'accept-language': v })), weight: 2 },
  {
    arbitrary: fc.oneof(
      fc.constantFrom('de;q=abc', '*;q=0', '-', ',,,,', 'x'.repeat(5000), 'de-'.repeat(300)).map((v) => ({ 'accept-language': v })),
      fc.constantFrom('trellis_lang=%E0%A4%A', 'trellis_lang=__proto__', 'trellis_lang="de', `trellis_lang=${'x'.repeat(4000)}`).map((v) => ({ cookie: v })),
      hostileHeaderValue.map((v) => ({ 'accept-language': v, 'x-request-id': v })),
    ),
    weight: 1,
  },
);

/**
 * Requests for one operation, each with (mostly) one hostile place so the rest gets it past
 * validation to the services: all valid, or a hostile body, path parameter, query value or header,
 * or everything hostile at once. Path parameters are the world's real ids unless made hostile.
 */
export function requestArbitrary(ctx: OperationContext, body?: fc.Arbitrary<Body>): fc.Arbitrary<FuzzRequest> {
  const { op } = ctx;
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const headerParams = op.parameters.filter((p) => p.in === 'header');
  const content = op.requestBody?.content ?? {};
  const mediaType = Object.keys(content)[0];
  const bodies = body
    ? { valid: body, hostile: body }
    : mediaType === undefined
      ? { valid: fc.constant<Body>({ text: '', note: 'no body' }), hostile: hostileValue.map((v) => jsonBody(v, 'unexpected body')) }
      : /^application\/([\w.-]+\+)?json$/.test(mediaType)
        ? jsonBodies(content[mediaType], ctx)
        : importBodies(mediaType);
  const request = (hostile: { path?: boolean; query?: boolean; headers?: boolean; body?: boolean }, note: string) =>
    fc
      .tuple(
        parameterValues(pathParams, ctx, hostile.path === true),
        parameterValues(queryParams, ctx, hostile.query === true),
        hostile.query ? fc.option(extraQuery(queryParams), { freq: 3 }) : fc.constant(null),
        headerValues(headerParams, ctx, hostile.headers === true),
        hostile.body ? bodies.hostile : bodies.valid,
        language,
      )
      .map(([path, query, extra, headers, b, lang]): FuzzRequest => ({
        method: op.method.toUpperCase(),
        url: pathOf(op, pathParams, path) + queryOf(queryParams, query, extra),
        headers: { ...lang, ...headers, ...(b.headers ?? {}) },
        // GET cannot carry a body; any other method may get one the operation does not expect.
        ...((b.text === '' && !b.headers?.['content-type']) || op.method === 'get' ? {} : { body: b.text }),
        note: note === 'body' ? b.note : note,
      }));
  return fc.oneof(
    { arbitrary: request({}, 'all valid'), weight: 2 },
    { arbitrary: request({ body: true }, 'body'), weight: op.method === 'get' ? 1 : 6 },
    ...(pathParams.length ? [{ arbitrary: request({ path: true }, 'a hostile path parameter'), weight: 1 }] : []),
    { arbitrary: request({ query: true }, 'a hostile query value'), weight: queryParams.length ? 2 : 1 },
    ...(headerParams.length ? [{ arbitrary: request({ headers: true }, 'a hostile header'), weight: 1 }] : []),
    { arbitrary: request({ path: true, query: true, headers: true, body: true }, 'everything hostile'), weight: 1 },
  );
}
