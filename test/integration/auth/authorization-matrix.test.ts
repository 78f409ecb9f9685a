import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members, notifications, payoutAccounts, payoutRuns, tiers } from '../../../db/schema/index.js';
import { PRINCIPALS, type Principal } from '../../../src/core/auth/actor.js';
import { ACCESS_EXTENSION } from '../../../src/api/openapi.js';
import { createAffiliate, createCommission, createConversion, createLink, createWorld, TEST_PASSWORD, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { fillPath, hasBody, isGuarded, label, operations as listOperations, PATH_VALUES, type Operation } from '../../helpers/openapi-operations.js';

/**
 * The authorization matrix, generic over the live OpenAPI document: every operation any engineer
 * adds is covered the moment it is registered. Access is checked before validation, so placeholder
 * ids and empty bodies are enough for the 401 and 403 cases.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

/** Operations anyone may call. Adding a public operation is a decision: list it here on purpose. */
// followLink is the redirect visitors follow from anywhere: GET /r/{slug}.
// The transparency log is published for anyone to verify: checkpoint, vkey, tiles, proofs.
const PUBLIC_OPERATIONS = new Set([
  'health',
  'login',
  'getJwks',
  'followLink',
  'getLogCheckpoint',
  'getLogCheckpointJws',
  'getLogVkey',
  'getLogHashTile',
  'getLogEntryBundle',
  'getLogInclusionProof',
  'getLogConsistencyProof',
  // A program's daily statistics are public, so affiliates can compare programs before joining.
  'getPublicProgramStats',
  // The page a member's friends open from an invite (GET /i/{slug}): as public as the invite link.
  'getInviteLanding',
  // Stripe's webhooks: authenticated by the Stripe-Signature header, not by a token.
  'receiveStripeWebhook',
]);

const operations = () => listOperations(h);

function call(op: Operation, url: string, token?: string) {
  return h.request(op.method.toUpperCase(), url, { token, ...(hasBody(op) ? { body: {} } : {}) });
}

describe('authorization matrix', () => {
  it('every operation declares who may call it, and only the listed operations are public', async () => {
    const problems: string[] = [];
    for (const op of await operations()) {
      if (!op.operationId) problems.push(`${label(op)}: no operationId`);
      if (op.access === 'public') {
        if (!PUBLIC_OPERATIONS.has(op.operationId)) problems.push(`${label(op)}: public but not in PUBLIC_OPERATIONS`);
      } else if (!isGuarded(op) || op.access.length === 0 || op.access.some((p) => !PRINCIPALS.includes(p))) {
        problems.push(`${label(op)}: ${ACCESS_EXTENSION} is ${JSON.stringify(op.access)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every path and required query parameter has a known name', async () => {
    const unknown = (await operations()).flatMap((op) =>
      [...op.pathParams, ...op.requiredQuery].filter((name) => !(name in PATH_VALUES)).map((name) => `${label(op)}: {${name}}`),
    );
    expect(unknown, 'add these parameter names to PATH_VALUES').toEqual([]);
  });

  it('refuses every non-public operation without credentials and with a garbage token (401)', async () => {
    const problems: string[] = [];
    for (const op of (await operations()).filter(isGuarded)) {
      const url = fillPath(op.path, {});
      for (const [how, token] of [['no credentials', undefined], ['garbage token', 'garbage.token.value']] as const) {
        const res = await call(op, url, token);
        if (res.status !== 401 || !res.body?.error?.code) problems.push(`${label(op)} with ${how}: ${res.status}`);
      }
      const unknownKey = await call(op, url, 'trl_thisKeyDoesNotExistAnywhere000000000000');
      if (unknownKey.status !== 401) problems.push(`${label(op)} with an unknown API key: ${unknownKey.status}`);
    }
    expect(problems).toEqual([]);
  });

  it('refuses every principal an operation does not list (403)', async () => {
    const w = await createWorld(h);
    const problems: string[] = [];
    let checked = 0;
    for (const op of (await operations()).filter(isGuarded)) {
      const url = fillPath(op.path, {});
      for (const principal of PRINCIPALS.filter((p) => !op.access.includes(p))) {
        checked++;
        const res = await call(op, url, w.tokens[principal]);
        if (res.status !== 403) problems.push(`${label(op)} as ${principal}: ${res.status} ${JSON.stringify(res.body?.error?.code)}`);
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  it("answers 404, never 200, when another tenant's principals guess this tenant's ids", async () => {
    const a = await createWorld(h);
    const b = await createWorld(h);
    const readsWithIds = (await operations()).filter((op) => isGuarded(op) && op.method === 'get' && op.pathParams.length > 0) as (Operation & {
      access: Principal[];
    })[];
    const names = new Set(readsWithIds.flatMap((op) => [...op.pathParams, ...op.requiredQuery]));
    const values: Record<string, string> = {};
    for (const name of names) {
      const build = PATH_VALUES[name];
      if (!build) throw new Error(`No PATH_VALUES entry for {${name}}; add one.`);
      values[name] = await build(h, a);
    }

    expect(readsWithIds.length).toBeGreaterThan(5);
    const problems: string[] = [];
    for (const op of readsWithIds) {
      const query = op.requiredQuery.map((q) => `${q}=${encodeURIComponent(values[q]!)}`).join('&');
      const url = fillPath(op.path, values) + (query ? `?${query}` : '');
      // The ids are real: world A's admin reads them, so B's 404 comes from scope, not absence.
      const own = await call(op, url, a.tokens.admin);
      if (op.access.includes('admin') && (own.status < 200 || own.status > 299)) problems.push(`${label(op)} as A's admin: ${own.status} (check PATH_VALUES)`);
      for (const principal of op.access) {
        const res = await call(op, url, b.tokens[principal]);
        if (res.status !== 404) problems.push(`${label(op)} as B's ${principal}: ${res.status}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("answers 404 when a member or affiliate guesses another member's id in their own program", async () => {
    const w = await createWorld(h);
    const memberReads = (await operations()).filter(
      (op): op is Operation & { access: Principal[] } => isGuarded(op) && op.method === 'get' && op.pathParams.includes('memberId'),
    );
    expect(memberReads.length).toBeGreaterThan(3);
    // Each of them asks for the other's record; the program is their own, so only row scope can refuse.
    const guesses = [
      { principal: 'member' as const, token: w.member.token, otherId: w.affiliate.member.id },
      { principal: 'affiliate' as const, token: w.affiliate.token, otherId: w.member.member.id },
    ];
    const problems: string[] = [];
    for (const op of memberReads) {
      for (const { principal, token, otherId } of guesses) {
        if (!op.access.includes(principal)) continue;
        const url = fillPath(op.path, { programId: w.program.id, memberId: otherId });
        const res = await call(op, url, token);
        if (res.status !== 404) problems.push(`${label(op)} as ${principal}: ${res.status}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

/**
 * Scope through ids named in bodies and queries (issue 16): an id the caller may not name must be
 * answered exactly like an id that does not exist, or the answer tells them which ids exist in
 * other countries, members or tenants. Driven by the OpenAPI document: every id-like property of
 * a request body or query is tried as every principal the operation lists.
 */
describe('ids named in bodies and queries', () => {
  /** Id-like names: `...Id`, `...Ids`, `ids`, and `country` (a regional manager's scope). */
  const ID_LIKE = /(Id|Ids)$|^ids$|^country$/;
  /** Id-like names that reference nothing the caller could be refused. */
  const NOT_NAMED_IDS: Record<string, string> = {
    // The merchant's own identifiers, unique within its program: nothing of anyone else's.
    externalId: "the merchant's own id",
    refundId: "the merchant's idempotency key",
    // Evidence relayed from a visitor: attribution ignores clicks of other programs, and the 202 never depends on it.
    clickId: 'evidence, not a reference',
  };

  type Kind = 'member' | 'link' | 'conversion' | 'tier' | 'payoutRun' | 'program' | 'notification' | 'country';
  const KIND_OF: Record<string, Kind> = {
    memberId: 'member',
    referredByMemberId: 'member',
    ownerMemberId: 'member',
    partnerMemberId: 'member',
    linkId: 'link',
    conversionId: 'conversion',
    tierId: 'tier',
    runId: 'payoutRun',
    programId: 'program',
    ids: 'notification',
    country: 'country',
  };

  /**
   * For operations with an id-like body property: a body that is valid but for that property, so
   * the request reaches the lookup. `field` is the property's dotted path.
   */
  const BODIES: Record<string, (w: World, field: string) => Record<string, unknown>> = {
    createUser: (w) => ({ email: `named-${randomUUID()}@example.test`, name: 'Named', password: TEST_PASSWORD, role: 'affiliate', programId: w.program.id, memberId: w.affiliate.member.id }),
    updateUser: (w) => ({ role: 'affiliate', programId: w.program.id, memberId: w.affiliate.member.id }),
    createMember: (_w, field) => (field === 'country' ? { name: 'Named' } : { name: 'Named', country: 'DE' }),
    updateMember: () => ({}),
    createAffiliate: (_w, field) => (field === 'memberId' ? {} : { member: field === 'member.country' ? { name: 'Named' } : { name: 'Named', country: 'DE' } }),
    createTierPurchase: () => ({ idempotencyKey: randomUUID(), paymentReference: 'named' }),
    createLink: () => ({ destinationUrl: 'https://shop.example/named' }),
    getOrCreateInviteLink: () => ({}),
    createPromoCode: () => ({ code: `NAMED${randomUUID().slice(0, 8).toUpperCase()}` }),
    markNotificationsRead: () => ({}),
  };

  interface NamedId {
    op: Operation & { access: Principal[] };
    field: string;
    where: 'body' | 'query';
    kind: Kind;
  }

  /** Every id-like property of every guarded operation's body (nested objects and arrays too) and query. */
  async function namedIds(): Promise<{ ids: NamedId[]; unknown: string[] }> {
    const doc = (await h.request('GET', '/openapi.json')).body;
    const resolve = (s: any): any => (s?.$ref ? doc.components.schemas[s.$ref.split('/').pop()] : s);
    const props = (schema: any, prefix: string, out: string[], depth = 0): string[] => {
      const s = resolve(schema);
      if (!s || depth > 5) return out;
      for (const k of ['allOf', 'anyOf', 'oneOf']) for (const sub of s[k] ?? []) props(sub, prefix, out, depth + 1);
      if (s.items) props(s.items, `${prefix}[]`, out, depth + 1);
      for (const [name, sub] of Object.entries<any>(s.properties ?? {})) {
        const path = prefix ? `${prefix}.${name}` : name;
        if (ID_LIKE.test(name)) out.push(path);
        props(sub, path, out, depth + 1);
      }
      return out;
    };
    const ids: NamedId[] = [];
    const unknown: string[] = [];
    for (const op of (await operations()).filter(isGuarded)) {
      const item = doc.paths[op.path][op.method];
      const body = props(item.requestBody?.content?.['application/json']?.schema, '', []).map((field) => ({ field, where: 'body' as const }));
      const query = (item.parameters ?? []).filter((p: any) => p.in === 'query' && ID_LIKE.test(p.name)).map((p: any) => ({ field: p.name as string, where: 'query' as const }));
      for (const { field, where } of [...new Map([...body, ...query].map((x) => [x.field + x.where, x])).values()]) {
        const name = field.split('.').pop()!.replace('[]', '');
        if (name in NOT_NAMED_IDS) continue;
        const kind = KIND_OF[name];
        if (!kind) unknown.push(`${label(op)}: ${where} ${field}`);
        else ids.push({ op, field, where, kind });
      }
    }
    return { ids, unknown };
  }

  /** World A, with what each principal may not name: things of another country, member or tenant (world B). */
  async function scopeFixtures() {
    const a = await createWorld(h, { links: {} });
    const b = await createWorld(h, { links: {} });
    // An approved affiliate in the US: outside A's regional manager (DE), and not the affiliate or member themselves.
    const usAffiliate = await createAffiliate(h, a.program.id, { country: 'US', name: 'Uma US' });
    const us = { ...a, affiliate: { ...a.affiliate, member: usAffiliate } };
    const usLink = await createLink(h, us);
    const usConversion = await createConversion(h, us, { marketCountry: 'US', currency: 'USD' });
    const [usNotification] = await h.db.insert(notifications).values({ programId: a.program.id, memberId: usAffiliate.id, kind: 'payout_paid', dedupeKey: `named:${usAffiliate.id}` }).returning();
    const [bTier] = await h.db.insert(tiers).values({ programId: b.program.id, name: 'Gold', rank: 1, kind: 'paid', feeAmount: 1000, feeCurrency: 'EUR' }).returning();
    const [bRun] = await h.db.insert(payoutRuns).values({ programId: b.program.id, trigger: 'admin', method: 'manual', status: 'completed', cutoffAt: new Date() }).returning();
    const bConversion = await createConversion(h, b);
    const bLink = await createLink(h, b);
    const sameTenant = { member: usAffiliate.id, link: usLink.id, conversion: usConversion.id, notification: usNotification!.id };
    const otherTenant = { member: b.affiliate.member.id, link: bLink.id, conversion: bConversion.id, notification: undefined };
    /** An id `principal` may not name, or undefined when every value of the kind is theirs to name. */
    const outOfScope = (kind: Kind, principal: Principal): string | undefined => {
      if (kind === 'tier') return bTier!.id;
      if (kind === 'payoutRun') return bRun!.id;
      if (kind === 'program') return b.program.id;
      if (kind === 'country') return principal === 'regional_manager' ? 'US' : undefined;
      return (principal === 'admin' || principal === 'api_key' ? otherTenant : sameTenant)[kind];
    };
    return { a, usAffiliate, outOfScope };
  }

  /** An id of the same shape that names nothing (a country the program has no market in). */
  const nonexistentLike = (id: string) => (/^[A-Z]{2}$/.test(id) ? 'FR' : id.slice(0, id.indexOf('_') + 1) + '0'.repeat(id.length - id.indexOf('_') - 1));

  /** What must not differ: the status and the body, but for the request id and the id itself. */
  const answer = (res: { status: number; body: any }, id: string) => {
    const { requestId: _requestId, ...error } = res.body?.error ?? {};
    return { status: res.status, body: JSON.stringify(res.body?.error ? error : res.body).replaceAll(id, '<id>') };
  };

  function withField(body: Record<string, unknown>, field: string, value: string): Record<string, unknown> {
    const copy = structuredClone(body);
    const keys = field.replaceAll('[]', '').split('.');
    let at: any = copy;
    for (const key of keys.slice(0, -1)) at = at[key] ??= {};
    at[keys.at(-1)!] = field.endsWith('[]') || keys.at(-1) === 'ids' ? [value] : value;
    return copy;
  }

  it('answers an id the caller may not name exactly like one that does not exist, as every principal', async () => {
    const { ids, unknown } = await namedIds();
    expect(unknown, 'give these properties a kind in KIND_OF, or list them in NOT_NAMED_IDS with a reason').toEqual([]);
    const { a, outOfScope } = await scopeFixtures();
    const pathValues: Record<string, string> = {};
    for (const name of new Set(ids.flatMap(({ op }) => op.pathParams))) pathValues[name] = await PATH_VALUES[name]!(h, a);

    const problems: string[] = [];
    let compared = 0;
    for (const { op, field, where, kind } of ids) {
      for (const principal of op.access) {
        const named = outOfScope(kind, principal);
        if (named === undefined) continue;
        const base = where === 'body' ? BODIES[op.operationId] : undefined;
        if (where === 'body' && !base) {
          problems.push(`${label(op)}: add a valid body to BODIES so ${field} is reached`);
          break;
        }
        // Affiliates and members act on their own member record.
        const own = principal === 'affiliate' ? a.affiliate.member.id : principal === 'member' ? a.member.member.id : undefined;
        const path = fillPath(op.path, { ...pathValues, ...(own ? { memberId: own } : {}) });
        const send = (value: string) =>
          where === 'body'
            ? h.request(op.method.toUpperCase(), path, { token: a.tokens[principal], body: withField(base!(a, field), field, value) })
            : h.request(op.method.toUpperCase(), `${path}?${field}=${encodeURIComponent(value)}`, { token: a.tokens[principal] });
        const absent = nonexistentLike(named);
        const [refused, missing] = [answer(await send(named), named), answer(await send(absent), absent)];
        compared++;
        if (refused.status !== missing.status || refused.body !== missing.body) {
          problems.push(`${label(op)} ${where} ${field} as ${principal}: out of scope ${refused.status} ${refused.body.slice(0, 160)} / absent ${missing.status} ${missing.body.slice(0, 160)}`);
        }
      }
    }
    expect(compared).toBeGreaterThan(30);
    expect(problems).toEqual([]);
  });

  it('answers 404 when a regional manager reads a resource of another country by id', async () => {
    const { a, usAffiliate } = await scopeFixtures();
    const us = { ...a, affiliate: { ...a.affiliate, member: usAffiliate } };
    // Path parameters naming things that belong to a country (through their member or market), built in the US.
    const inTheUs: Record<string, () => Promise<string>> = {
      memberId: async () => {
        await h.db.insert(payoutAccounts).values({ programId: a.program.id, memberId: usAffiliate.id, stripeAccountId: `acct_us${usAffiliate.id.slice(-10)}` }).onConflictDoNothing();
        return usAffiliate.id;
      },
      linkId: async () => (await createLink(h, us)).id,
      conversionId: async () => (await createConversion(h, us, { marketCountry: 'US', currency: 'USD' })).id,
      commissionId: async () => (await createCommission(h, us, { country: 'US' })).id,
    };
    // Path parameters that belong to the whole program, or to a country refused openly (403 out_of_scope: countries are no secret).
    const programWide = new Set(['programId', 'tierId', 'segment', 'market', 'country', 'locale', 'namespace', 'key', 'tag', 'fieldKey']);
    const reads = (await operations()).filter(
      (op): op is Operation & { access: Principal[] } => isGuarded(op) && op.method === 'get' && op.access.includes('regional_manager') && op.pathParams.some((p) => !programWide.has(p)),
    );
    const problems: string[] = [];
    for (const op of reads) {
      const unknown = op.pathParams.filter((p) => !programWide.has(p) && !(p in inTheUs));
      if (unknown.length) {
        problems.push(`${label(op)}: say how {${unknown.join('}, {')}} is built in another country`);
        continue;
      }
      const values: Record<string, string> = { programId: a.program.id };
      for (const p of op.pathParams) if (p in inTheUs) values[p] = await inTheUs[p]!();
      for (const q of op.requiredQuery) values[q] ??= await PATH_VALUES[q]!(h, a);
      const query = op.requiredQuery.map((q) => `${q}=${encodeURIComponent(values[q]!)}`).join('&');
      const url = fillPath(op.path, values) + (query ? `?${query}` : '');
      // The resource is real: the admin reads it. The manager's 404 comes from scope.
      const admin = await call(op, url, a.tokens.admin);
      if (admin.status < 200 || admin.status > 299) problems.push(`${label(op)} as admin: ${admin.status}`);
      const manager = await call(op, url, a.tokens.regional_manager);
      if (manager.status !== 404) problems.push(`${label(op)} as regional_manager: ${manager.status}`);
    }
    expect(reads.length).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  it("refuses a regional manager a referrer from another country exactly like no such member, and creates nothing", async () => {
    const { a, usAffiliate } = await scopeFixtures();
    const create = (referredByMemberId: string) =>
      h.request('POST', `/v1/programs/${a.program.id}/members`, { token: a.manager.token, body: { name: 'Friend', country: 'DE', referredByMemberId } });
    const refused = await create(usAffiliate.id);
    const missing = await create(nonexistentLike(usAffiliate.id));
    expect(refused.status).toBe(400);
    expect(answer(refused, usAffiliate.id)).toEqual(answer(missing, nonexistentLike(usAffiliate.id)));
    expect(refused.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['referredByMemberId']);
    expect(await h.db.select().from(members).where(eq(members.referredByMemberId, usAffiliate.id))).toEqual([]);
    // A referrer in their own country is fine.
    expect((await create(a.affiliate.member.id)).status).toBe(201);
  });

  it("answers a regional manager's read of an affiliate's performance in another country exactly like no such affiliate", async () => {
    const { a, usAffiliate } = await scopeFixtures();
    const performance = (memberId: string) => h.request('GET', `/v1/programs/${a.program.id}/affiliates/${memberId}/performance`, { token: a.manager.token });
    const refused = await performance(usAffiliate.id);
    const missing = await performance(nonexistentLike(usAffiliate.id));
    expect(refused.status).toBe(404);
    expect(answer(refused, usAffiliate.id)).toEqual(answer(missing, nonexistentLike(usAffiliate.id)));
    expect((await performance(a.affiliate.member.id)).status).toBe(200);
  });
});
