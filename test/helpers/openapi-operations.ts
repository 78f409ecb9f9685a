import { eq } from 'drizzle-orm';
import {
  apiKeys,
  commissionPolicies,
  commissionPolicyVersions,
  customFieldDefinitions,
  importRuns,
  memberOrders,
  memberTags,
  payoutAccounts,
  payoutRuns,
  payouts,
  pointsEntries,
  promoCodes,
  tiers,
} from '../../db/schema/index.js';
import type { Principal } from '../../src/core/auth/actor.js';
import { ACCESS_EXTENSION } from '../../src/api/openapi.js';
import { createCommission, createConversion, createLink, type World } from './factories.js';
import type { Harness } from './harness.js';

/**
 * The live OpenAPI document as a list of operations, and real values for their path parameters,
 * shared by the tests that walk every operation (the authorization matrix, the input fuzz test).
 */

/** An OpenAPI schema object, as the document serialises it. */
export type JsonSchema = Record<string, any>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

export interface Operation {
  operationId: string;
  method: string;
  path: string;
  access: unknown;
  pathParams: string[];
  requiredQuery: string[];
  parameters: Parameter[];
  /** The request body's media types and their schemas (`$ref`s unresolved). */
  requestBody?: { required: boolean; content: Record<string, JsonSchema | undefined> };
}

export interface OpenApiDocument {
  operations: Operation[];
  /** `components.schemas`, which `$ref`s point into. */
  schemas: Record<string, JsonSchema>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export const label = (op: Operation) => `${op.method.toUpperCase()} ${op.path} (${op.operationId})`;
export const hasBody = (op: Operation) => op.method !== 'get' && op.method !== 'delete';
export const isGuarded = (op: Operation): op is Operation & { access: Principal[] } => Array.isArray(op.access);

/** The app's own /openapi.json, read through the harness. */
export async function openApiDocument(h: Harness): Promise<OpenApiDocument> {
  const doc = await h.request('GET', '/openapi.json');
  if (doc.status !== 200) throw new Error(`GET /openapi.json answered ${doc.status}`);
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(doc.body.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const parameters: Parameter[] = op.parameters ?? [];
      const content: Record<string, { schema?: JsonSchema }> | undefined = op.requestBody?.content;
      ops.push({
        operationId: op.operationId,
        method,
        path,
        access: op[ACCESS_EXTENSION],
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
        requiredQuery: parameters.filter((p) => p.in === 'query' && p.required).map((p) => p.name),
        parameters,
        ...(content ? { requestBody: { required: op.requestBody.required === true, content: Object.fromEntries(Object.entries(content).map(([type, c]) => [type, c.schema])) } } : {}),
      });
    }
  }
  // A guard against vacuous tests: the document really lists the API.
  if (ops.length <= 15) throw new Error(`/openapi.json lists only ${ops.length} operations`);
  return { operations: ops, schemas: doc.body.components?.schemas ?? {} };
}

/** Every operation of the app's OpenAPI document. */
export async function operations(h: Harness): Promise<Operation[]> {
  return (await openApiDocument(h)).operations;
}

export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? 'placeholder'));
}

/**
 * How to get a real id (or name) for each path parameter, built in a given world. An operation
 * with a parameter missing here fails the matrix: add a line when a route introduces a new name.
 * Direct inserts are fine; the resource only has to exist in that world.
 */
export const PATH_VALUES: Record<string, (h: Harness, w: World) => Promise<string> | string> = {
  programId: (_h, w) => w.program.id,
  // The affiliate is also a member, so one id serves /members/{memberId} and /affiliates/{memberId}.
  // It has a connected payout account too, so reading /payout-account finds one.
  memberId: async (h, w) => {
    await h.db.insert(payoutAccounts).values({ programId: w.program.id, memberId: w.affiliate.member.id, stripeAccountId: `acct_matrix${w.affiliate.member.id.slice(-10)}` }).onConflictDoNothing();
    return w.affiliate.member.id;
  },
  userId: (_h, w) => w.manager.user.id,
  marketId: (_h, w) => w.markets[0]!.id,
  keyId: async (h, w) => (await h.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.programId, w.program.id)))[0]!.id,
  tierId: async (h, w) => (await h.db.insert(tiers).values({ programId: w.program.id, name: 'Gold', rank: 1 }).returning())[0]!.id,
  fieldKey: async (h, w) => {
    await h.db.insert(customFieldDefinitions).values({ programId: w.program.id, key: 'shoe_size', label: 'Shoe size', type: 'number' });
    return 'shoe_size';
  },
  tag: async (h, w) => {
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
  linkId: async (h, w) => (await createLink(h, w)).id,
  importId: async (h, w) => (await h.db.insert(importRuns).values({ programId: w.program.id, format: 'csv', status: 'completed' }).returning())[0]!.id,
  entryId: async (h, w) =>
    (
      await h.db
        .insert(pointsEntries)
        .values({ programId: w.program.id, memberId: w.affiliate.member.id, kind: 'earn', amount: 10, idempotencyKey: 'matrix', requestHash: 'matrix', actorType: 'system' })
        .returning()
    )[0]!.id,
  // A commission policy market (a country code or 'default'), with one version so reads have data.
  market: async (h, w) => {
    const [policy] = await h.db.insert(commissionPolicies).values({ programId: w.program.id, country: 'DE' }).returning();
    await h.db
      .insert(commissionPolicyVersions)
      .values({ policyId: policy!.id, programId: w.program.id, country: 'DE', version: 1, effectiveFrom: new Date(), mode: 'per_signup', currency: 'EUR', signupAmount: 500, holdDays: 30, attributionWindowDays: 30 });
    return 'DE';
  },
  // A commission of the world's affiliate in DE (inserted with its conversion).
  commissionId: async (h, w) => (await createCommission(h, w)).id,
  conversionId: async (h, w) => (await createConversion(h, w)).id,
  promoCodeId: async (h, w) =>
    (await h.db.insert(promoCodes).values({ programId: w.program.id, code: `MATRIX${w.program.id.slice(-6).toUpperCase()}`, partnerMemberId: w.affiliate.member.id }).returning())[0]!.id,
  // A payout run and a (manual, pending) payout of the world's affiliate, inserted directly.
  runId: async (h, w) => (await h.db.insert(payoutRuns).values({ programId: w.program.id, trigger: 'admin', method: 'manual', status: 'completed', cutoffAt: new Date() }).returning())[0]!.id,
  payoutId: async (h, w) => {
    const [run] = await h.db.insert(payoutRuns).values({ programId: w.program.id, trigger: 'admin', method: 'manual', status: 'completed', cutoffAt: new Date() }).returning();
    const values = { runId: run!.id, programId: w.program.id, partnerMemberId: w.affiliate.member.id, currency: 'EUR', amount: 5000, commissionCount: 0, method: 'manual' as const, idempotencyKey: `matrix:${run!.id}` };
    return (await h.db.insert(payouts).values(values).returning())[0]!.id;
  },
  // Translation overrides: a market of the world and a shipped locale; namespace and key name a text.
  country: () => 'DE',
  locale: () => 'de',
  namespace: () => 'statements',
  key: () => 'title',
  orderId: async (h, w) =>
    (
      await h.db
        .insert(memberOrders)
        .values({ programId: w.program.id, memberId: w.affiliate.member.id, externalId: 'matrix-1', requestHash: 'matrix', amount: 1000, currency: 'EUR', occurredAt: new Date() })
        .returning()
    )[0]!.id,
};
