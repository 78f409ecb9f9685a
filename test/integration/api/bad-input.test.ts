import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeEvents } from '../../../db/schema/index.js';
import { ACCESS_EXTENSION } from '../../../src/api/openapi.js';
import { createWorld, type World } from '../../helpers/factories.js';
import { resolve } from '../../helpers/fuzz/schema-values.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { fillPath, openApiDocument, PATH_VALUES, type Operation } from '../../helpers/openapi-operations.js';

/**
 * Generic over the live OpenAPI document: whatever a caller sends, bad input gets a 4xx in the
 * error envelope, never a 500. Each operation is called by a principal allowed to call it, on
 * real ids of its own world, with bodies and parameters that are empty, of the wrong type or junk.
 */
let h: Harness;
const WEBHOOK_SECRET = 'whsec_bad_input';
beforeAll(async () => {
  h = await createHarness({ env: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET } });
});
afterAll(async () => h?.close());

const JUNK_BODIES: unknown[] = [{}, [], 'text', 42, null, { programId: 123, points: 'many', email: 7, amount: -1, name: {}, status: 'nope' }];

describe('bad input never answers 500', () => {
  it('answers every operation with a 4xx envelope for empty and junk input', async () => {
    const w = await createWorld(h);
    const doc = await h.request('GET', '/openapi.json');
    const ids: Record<string, string> = { programId: w.program.id, memberId: w.affiliate.member.id, userId: w.manager.user.id, marketId: w.markets[0]!.id };
    const problems: string[] = [];
    let calls = 0;
    for (const [path, item] of Object.entries<Record<string, any>>(doc.body.paths)) {
      for (const method of ['post', 'put', 'patch', 'get', 'delete']) {
        const op = item[method];
        if (!op) continue;
        const access: unknown = op[ACCESS_EXTENSION];
        const principal = access === 'public' ? undefined : (access as string[]).includes('admin') ? 'admin' : (access as string[])[0]!;
        const token = principal ? w.tokens[principal as keyof typeof w.tokens] : undefined;
        // Unknown ids (tiers, keys...) are left as junk: a 404 is a fine answer, a 500 is not.
        const url = path.replace(/\{([^}]+)\}/g, (_, name: string) => ids[name] ?? 'junk%20id') + '?limit=-5&cursor=%00&format=xml&dryRun=perhaps';
        const bodies = method === 'get' || method === 'delete' ? [undefined] : JUNK_BODIES;
        for (const body of bodies) {
          calls++;
          const res = await h.request(method.toUpperCase(), url, {
            token,
            rawBody: body === undefined ? undefined : JSON.stringify(body),
            headers: body === undefined ? {} : { 'content-type': 'application/json' },
          });
          if (res.status >= 500 || (res.status >= 400 && !res.body?.error?.code)) {
            problems.push(`${method.toUpperCase()} ${path} body=${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });
});

/**
 * A NUL (which PostgreSQL cannot store) or a lone UTF-16 surrogate (not Unicode) anywhere in the
 * input, or nesting past 32 levels, is refused before it reaches a service: 400 validation_failed,
 * each field named by its path with the code `invalid_characters` or `too_deep`.
 */
describe('input no column can store', () => {
  const NUL = 'a\u0000b';
  const textIssue = (field: string) => expect.objectContaining({ field, code: 'invalid_characters' });

  /** A caller each operation allows (admin where it can), in a world whose real ids fill the path. */
  async function callerOf(op: Operation, w: World) {
    const access = op.access as string[] | 'public';
    if (access === 'public') return undefined;
    return w.tokens[(access.includes('admin') ? 'admin' : access[0]!) as keyof World['tokens']];
  }

  async function realValues(ops: Operation[], w: World): Promise<Record<string, string>> {
    const values: Record<string, string> = {};
    for (const name of new Set(ops.flatMap((op) => [...op.pathParams, ...op.requiredQuery]))) values[name] = await PATH_VALUES[name]!(h, w);
    return values;
  }

  it('refuses a NUL in the login e-mail (the issue’s example) with 400 naming the field', async () => {
    const res = await h.request('POST', '/v1/auth/login', { body: { email: 'a\u0000@x.test', password: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', details: { issues: [{ field: 'email', code: 'invalid_characters', reason: expect.any(String) }] } });
  });

  it('refuses it in every property of every JSON body', async () => {
    const w = await createWorld(h);
    const doc = await openApiDocument(h);
    const ops = doc.operations.filter((op) => op.requestBody?.content['application/json']);
    const values = await realValues(ops, w);
    const problems: string[] = [];
    for (const op of ops) {
      const schema = resolve(op.requestBody!.content['application/json'], doc.schemas);
      const names = Object.keys(schema.properties ?? { x: {} });
      const res = await h.request(op.method.toUpperCase(), fillPath(op.path, values), { token: await callerOf(op, w), body: Object.fromEntries(names.map((name) => [name, NUL])) });
      const named = new Set((res.body?.error?.details?.issues ?? []).filter((i: any) => i.code === 'invalid_characters').map((i: any) => i.field));
      const missing = names.filter((name) => !named.has(name));
      if (res.status !== 400 || missing.length) problems.push(`${op.operationId}: ${res.status}, not named: ${missing.join(', ')}`);
    }
    expect(ops.length).toBeGreaterThan(40);
    expect(problems).toEqual([]);
  });

  it('refuses it in every path and query parameter', async () => {
    const w = await createWorld(h);
    const doc = await openApiDocument(h);
    const values = await realValues(doc.operations, w);
    // The tile paths are parsed strictly, not validated: a name with a NUL is no tile.
    const unvalidated = new Set(['getLogHashTile', 'getLogEntryBundle']);
    const problems: string[] = [];
    for (const op of doc.operations) {
      const query = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
      // Required query parameters are validated first: they get real values while a path parameter is bad.
      const required = op.requiredQuery.length ? `?${op.requiredQuery.map((name) => `${name}=${encodeURIComponent(values[name]!)}`).join('&')}` : '';
      const cases = [
        ...op.pathParams.map((name) => ({ url: fillPath(op.path, { ...values, [name]: NUL }) + required, fields: [`path.${name}`] })),
        ...(query.length ? [{ url: `${fillPath(op.path, values)}?${query.map((name) => `${name}=a%00b`).join('&')}`, fields: query.map((name) => `query.${name}`) }] : []),
      ];
      for (const { url, fields } of cases) {
        const res = await h.request(op.method.toUpperCase(), url, { token: await callerOf(op, w), ...(op.requestBody ? { body: {} } : {}) });
        if (unvalidated.has(op.operationId)) {
          if (res.status !== 404) problems.push(`${op.operationId} ${url}: ${res.status}`);
          continue;
        }
        const named = new Set((res.body?.error?.details?.issues ?? []).filter((i: any) => i.code === 'invalid_characters').map((i: any) => i.field));
        const missing = fields.filter((field) => !named.has(field));
        if (res.status !== 400 || missing.length) problems.push(`${op.operationId} ${url}: ${res.status}, not named: ${missing.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names it by its path inside nested jsonb, object keys and arrays of ids', async () => {
    const w = await createWorld(h);
    const details = await h.request('PATCH', `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}`, {
      token: w.admin.token,
      rawBody: '{"payoutDetails":{"iban\\ud800":"DE89","bank":{"names":["ok","\\udc00"]}}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(details.status).toBe(400);
    expect(details.body.error.details.issues).toEqual([textIssue('payoutDetails.iban\\ud800'), textIssue('payoutDetails.bank.names.1')]);

    const ids = await h.request('POST', `/v1/programs/${w.program.id}/members/${w.member.member.id}/notifications/read`, { token: w.member.token, body: { ids: ['ntf_1', '\u0000'] } });
    expect(ids.status).toBe(400);
    expect(ids.body.error.details.issues).toEqual([textIssue('ids.1')]);

    const settings = await h.request('PATCH', `/v1/programs/${w.program.id}`, { token: w.admin.token, body: { settings: { points: { '\ud83d': 1 } } } });
    expect(settings.status).toBe(400);
    expect(settings.body.error.details.issues).toEqual([textIssue('settings.points.\\ud83d')]);
  });

  it('keeps valid text, paired surrogates (emoji) and bidi marks included', async () => {
    const w = await createWorld(h);
    const res = await h.request('PATCH', `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}`, {
      token: w.admin.token,
      body: { payoutDetails: { holder: 'Ada 👩🏽‍💻 \u202eevil', note: 'مرحبا' } },
    });
    expect(res.status).toBe(200);
    expect(res.body.affiliate.payoutDetails).toEqual({ holder: 'Ada 👩🏽‍💻 \u202eevil', note: 'مرحبا' });
  });

  it('refuses it in a signed Stripe event (verified on its raw bytes), and a signed body that is no event', async () => {
    const deliver = (payload: string) =>
      h.request('POST', '/v1/stripe/webhooks', { rawBody: payload, headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) } });
    // The escapes are verified as sent: a body parsed and written again would not match the signature.
    const event = '{ "id": "evt_nul", "object": "event", "type": "account.updated", "created": 1700000000,\n  "data": { "object": { "id": "acct_1", "business_name": "A\\u0000B" } } }';
    const nul = await deliver(event);
    expect(nul.status).toBe(400);
    expect(nul.body.error.details.issues).toEqual([textIssue('data.object.business_name')]);
    expect(await h.db.select().from(stripeEvents).where(eq(stripeEvents.id, 'evt_nul'))).toEqual([]);

    for (const notAnEvent of ['false', '[]', '{"id":"evt_x","type":"account.updated","created":"yesterday"}']) {
      const res = await deliver(notAnEvent);
      expect(res.status, notAnEvent).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    const good = await deliver(event.replace('A\\u0000B', 'A\\u00e9B'));
    expect(good.status).toBe(200);
  });

  it('refuses JSON nested deeper than 32 levels in every JSON body, naming where, before anything recurses over it', async () => {
    const w = await createWorld(h);
    const doc = await openApiDocument(h);
    const ops = doc.operations.filter((op) => op.requestBody?.content['application/json']);
    const values = await realValues(ops, w);
    const brackets = '['.repeat(20_000) + ']'.repeat(20_000);
    const problems: string[] = [];
    for (const op of ops) {
      const res = await h.request(op.method.toUpperCase(), fillPath(op.path, values), { token: await callerOf(op, w), rawBody: brackets, headers: { 'content-type': 'application/json' } });
      if (res.status !== 400 || res.body.error.details?.issues?.[0]?.code !== 'too_deep') problems.push(`${op.operationId}: ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
    }
    expect(problems).toEqual([]);

    // Inside free-form jsonb (program settings, payout details), where the schema itself allows any depth.
    const deep = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const settings = await h.request('PATCH', `/v1/programs/${w.program.id}`, { token: w.admin.token, rawBody: `{"settings":{"custom":${deep(5000)}}}`, headers: { 'content-type': 'application/json' } });
    expect(settings.status).toBe(400);
    expect(settings.body.error.details.issues).toEqual([{ field: `settings.custom.${Array(30).fill('a').join('.')}`, reason: expect.any(String), code: 'too_deep', limit: 32 }]);
    const payout = await h.request('PATCH', `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}`, { token: w.admin.token, rawBody: `{"payoutDetails":{"x":${brackets}}}`, headers: { 'content-type': 'application/json' } });
    expect(payout.status).toBe(400);
    expect(payout.body.error.details.issues[0]).toMatchObject({ code: 'too_deep' });
    const fine = await h.request('PATCH', `/v1/programs/${w.program.id}`, { token: w.admin.token, rawBody: `{"settings":{"custom":${deep(10)}}}`, headers: { 'content-type': 'application/json' } });
    expect(fine.status).toBe(200);
    // A body the route streams (a member file) is not read by the bound, whatever its Content-Type says.
    const streamed = await h.request('POST', `/v1/programs/${w.program.id}/imports?format=ndjson`, { token: w.admin.token, rawBody: '{"externalId":"x"}', headers: { 'content-type': 'application/json' } });
    expect(streamed.status).toBe(202);
  });

  it('answers a broken percent-escape in a dashboard asset path with 404', async () => {
    const res = await h.request('GET', '/assets/%E0%A4%A');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
