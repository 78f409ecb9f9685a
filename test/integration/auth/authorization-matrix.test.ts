import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiKeys,
  commissionPolicies,
  commissionPolicyVersions,
  customFieldDefinitions,
  importRuns,
  memberOrders,
  payoutAccounts,
  payoutRuns,
  payouts,
  memberTags,
  pointsEntries,
  promoCodes,
  tiers,
} from '../../../db/schema/index.js';
import { PRINCIPALS, type Principal } from '../../../src/core/auth/actor.js';
import { ACCESS_EXTENSION } from '../../../src/api/openapi.js';
import { createCommission, createConversion, createLink, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

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

/**
 * How to get a real id (or name) for each path parameter, built in a given world. An operation
 * with a parameter missing here fails the matrix: add a line when a route introduces a new name.
 * Direct inserts are fine; the resource only has to exist in that world.
 */
const PATH_VALUES: Record<string, (w: World) => Promise<string> | string> = {
  programId: (w) => w.program.id,
  // The affiliate is also a member, so one id serves /members/{memberId} and /affiliates/{memberId}.
  // It has a connected payout account too, so reading /payout-account finds one.
  memberId: async (w) => {
    await h.db.insert(payoutAccounts).values({ programId: w.program.id, memberId: w.affiliate.member.id, stripeAccountId: `acct_matrix${w.affiliate.member.id.slice(-10)}` }).onConflictDoNothing();
    return w.affiliate.member.id;
  },
  userId: (w) => w.manager.user.id,
  marketId: (w) => w.markets[0]!.id,
  keyId: async (w) => (await h.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.programId, w.program.id)))[0]!.id,
  tierId: async (w) => (await h.db.insert(tiers).values({ programId: w.program.id, name: 'Gold', rank: 1 }).returning())[0]!.id,
  fieldKey: async (w) => {
    await h.db.insert(customFieldDefinitions).values({ programId: w.program.id, key: 'shoe_size', label: 'Shoe size', type: 'number' });
    return 'shoe_size';
  },
  tag: async (w) => {
    await h.db.insert(memberTags).values({ programId: w.program.id, memberId: w.affiliate.member.id, tag: 'vip' });
    return 'vip';
  },
  segment: () => 'loyal',
  // A slug nobody has: the redirect is public, so only its 404 is exercised here.
  slug: () => 'matrixSlug',
  // Transparency log tiles and proofs (public): a tile path and a tree size.
  level: () => '0',
  tileIndex: () => '000',
  from: () => '0',
  linkId: async (w) => (await createLink(h, w)).id,
  importId: async (w) => (await h.db.insert(importRuns).values({ programId: w.program.id, format: 'csv', status: 'completed' }).returning())[0]!.id,
  entryId: async (w) =>
    (
      await h.db
        .insert(pointsEntries)
        .values({ programId: w.program.id, memberId: w.affiliate.member.id, kind: 'earn', amount: 10, idempotencyKey: 'matrix', requestHash: 'matrix', actorType: 'system' })
        .returning()
    )[0]!.id,
  // A commission policy market (a country code or 'default'), with one version so reads have data.
  market: async (w) => {
    const [policy] = await h.db.insert(commissionPolicies).values({ programId: w.program.id, country: 'DE' }).returning();
    await h.db
      .insert(commissionPolicyVersions)
      .values({ policyId: policy!.id, programId: w.program.id, country: 'DE', version: 1, effectiveFrom: new Date(), mode: 'per_signup', currency: 'EUR', signupAmount: 500, holdDays: 30, attributionWindowDays: 30 });
    return 'DE';
  },
  // A commission of the world's affiliate in DE (inserted with its conversion).
  commissionId: async (w) => (await createCommission(h, w)).id,
  conversionId: async (w) => (await createConversion(h, w)).id,
  promoCodeId: async (w) =>
    (await h.db.insert(promoCodes).values({ programId: w.program.id, code: `MATRIX${w.program.id.slice(-6).toUpperCase()}`, partnerMemberId: w.affiliate.member.id }).returning())[0]!.id,
  // A payout run and a (manual, pending) payout of the world's affiliate, inserted directly.
  runId: async (w) => (await h.db.insert(payoutRuns).values({ programId: w.program.id, trigger: 'admin', method: 'manual', status: 'completed', cutoffAt: new Date() }).returning())[0]!.id,
  payoutId: async (w) => {
    const [run] = await h.db.insert(payoutRuns).values({ programId: w.program.id, trigger: 'admin', method: 'manual', status: 'completed', cutoffAt: new Date() }).returning();
    const values = { runId: run!.id, programId: w.program.id, partnerMemberId: w.affiliate.member.id, currency: 'EUR', amount: 5000, commissionCount: 0, method: 'manual' as const, idempotencyKey: `matrix:${run!.id}` };
    return (await h.db.insert(payouts).values(values).returning())[0]!.id;
  },
  // Translation overrides: a market of the world and a shipped locale; namespace and key name a text.
  country: () => 'DE',
  locale: () => 'de',
  namespace: () => 'statements',
  key: () => 'title',
  orderId: async (w) =>
    (
      await h.db
        .insert(memberOrders)
        .values({ programId: w.program.id, memberId: w.affiliate.member.id, externalId: 'matrix-1', requestHash: 'matrix', amount: 1000, currency: 'EUR', occurredAt: new Date() })
        .returning()
    )[0]!.id,
};

interface Operation {
  operationId: string;
  method: string;
  path: string;
  access: unknown;
  pathParams: string[];
  requiredQuery: string[];
}

const label = (op: Operation) => `${op.method.toUpperCase()} ${op.path} (${op.operationId})`;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const hasBody = (op: Operation) => op.method !== 'get' && op.method !== 'delete';

async function operations(): Promise<Operation[]> {
  const doc = await h.request('GET', '/openapi.json');
  expect(doc.status).toBe(200);
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(doc.body.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params: { name: string; in: string; required?: boolean }[] = op.parameters ?? [];
      ops.push({
        operationId: op.operationId,
        method,
        path,
        access: op[ACCESS_EXTENSION],
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
        requiredQuery: params.filter((p) => p.in === 'query' && p.required).map((p) => p.name),
      });
    }
  }
  // A guard against a vacuous matrix: the document really lists the API.
  expect(ops.length).toBeGreaterThan(15);
  return ops;
}

const isGuarded = (op: Operation): op is Operation & { access: Principal[] } => Array.isArray(op.access);

function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? 'placeholder'));
}

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
      values[name] = await build(a);
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
