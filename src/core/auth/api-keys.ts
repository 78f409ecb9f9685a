import { createHash } from 'node:crypto';
import { z } from 'zod';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { randomBase62 } from '../../../db/ids.js';
import { apiKeys } from '../../../db/schema/index.js';
import { publishAfterCommit, withTransaction, type ServiceContext } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import type { Actor } from './actor.js';
import type { ApiKeyCache } from './api-key-cache.js';
import { recordAudit } from '../audit.js';
import { pageLimit, toPage, type Page, type PageInput } from '../pagination.js';
import { parseInput } from '../validation.js';
import { assertTenantAdmin, loadProgramInScope } from './scope.js';

const SECRET_PREFIX = 'trl_';

const ApiKeyCreateInputSchema = z.object({ programId: z.string().min(1), name: z.string().trim().min(1).max(100) });

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export const looksLikeApiKey = (token: string) => token.startsWith(SECRET_PREFIX);

export type ApiKeyView = {
  id: string;
  programId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const toView = (r: typeof apiKeys.$inferSelect): ApiKeyView => ({
  id: r.id,
  programId: r.programId,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.createdAt,
  lastUsedAt: r.lastUsedAt,
  revokedAt: r.revokedAt,
});

/**
 * Creates a merchant API key for one program. The secret is returned this once; only its SHA-256
 * is stored (the secret has ~238 bits of entropy, so a fast hash is enough).
 */
export async function createApiKey(ctx: ServiceContext, raw: { programId: string; name: string }) {
  const input = parseInput(ApiKeyCreateInputSchema, raw);
  return withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, input.programId);
    assertTenantAdmin(tx.actor, program.tenantId);
    const secret = SECRET_PREFIX + randomBase62(40);
    const [row] = await tx.db
      .insert(apiKeys)
      .values({
        tenantId: program.tenantId,
        programId: program.id,
        name: input.name,
        prefix: secret.slice(0, 12),
        secretHash: hashSecret(secret),
        createdBy: tx.actor.kind === 'user' ? tx.actor.userId : null,
      })
      .returning();
    await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'api_key.created', entityType: 'api_key', entityId: row!.id, after: toView(row!) });
    return { ...toView(row!), secret };
  });
}

export async function listApiKeys(ctx: ServiceContext, programId: string, page: PageInput = {}): Promise<Page<ApiKeyView>> {
  const program = await loadProgramInScope(ctx, programId);
  assertTenantAdmin(ctx.actor, program.tenantId);
  const { limit, fetch, cursor } = pageLimit(page);
  const rows = await ctx.db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.programId, program.id), cursor ? gt(apiKeys.id, cursor) : undefined))
    .orderBy(apiKeys.id)
    .limit(fetch);
  return toPage(rows, limit, toView);
}

export async function revokeApiKey(ctx: ServiceContext, input: { programId: string; keyId: string }): Promise<ApiKeyView> {
  return withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, input.programId);
    assertTenantAdmin(tx.actor, program.tenantId);
    const [existing] = await tx.db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.programId, program.id)));
    if (!existing) throw new NotFoundError('API key', input.keyId);
    if (existing.revokedAt) return toView(existing);
    const [row] = await tx.db.update(apiKeys).set({ revokedAt: tx.clock() }).where(eq(apiKeys.id, existing.id)).returning();
    // Every API process drops the key from its cache (this one before the revoke answers).
    publishAfterCommit(tx, { topic: 'api_key', keyId: existing.id });
    await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'api_key.revoked', entityType: 'api_key', entityId: existing.id, before: toView(existing), after: toView(row!) });
    return toView(row!);
  });
}

/** The key's row by its secret's hash, unless revoked: from the process's cache when there is one. */
async function liveKey(ctx: Pick<ServiceContext, 'db'>, secretHash: string, cache: ApiKeyCache | undefined) {
  if (cache) return await cache.bySecretHash(secretHash);
  const [row] = await ctx.db
    .select({ keyId: apiKeys.id, tenantId: apiKeys.tenantId, programId: apiKeys.programId, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.secretHash, secretHash), isNull(apiKeys.revokedAt)));
  return row;
}

/**
 * Resolves a presented secret to its actor, or undefined when unknown or revoked. With the API
 * process's cache (see api-key-cache.ts) a busy merchant's calls read nothing here.
 */
export async function authenticateApiKey(ctx: Pick<ServiceContext, 'db' | 'clock'>, secret: string, cache?: ApiKeyCache): Promise<Extract<Actor, { kind: 'api_key' }> | undefined> {
  const key = await liveKey(ctx, hashSecret(secret), cache);
  if (!key) return undefined;
  // Write last-used at most once a minute per key, so busy merchant servers do not write on every call.
  const now = ctx.clock();
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
    // Noted first, so concurrent calls of this process do not all write it.
    key.lastUsedAt = now;
    await ctx.db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, key.keyId));
  }
  return { kind: 'api_key', keyId: key.keyId, tenantId: key.tenantId, programId: key.programId };
}
