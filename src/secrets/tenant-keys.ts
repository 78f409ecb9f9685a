import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { tenantSecrets } from '../../db/schema/index.js';
import { KEY_BYTES } from './envelope.js';
import type { Keyring, SealedAt } from './keyring.js';
import { SEALED_COLUMNS, sealedAt } from './sealed-columns.js';

/** What a tenant key is for; each purpose is its own random key. */
export type TenantKeyPurpose = 'email_hash';

/** Where a tenant key is sealed: the AAD binds it to its tenant and purpose. */
export const tenantKeyAt = (tenantId: string, purpose: TenantKeyPurpose): SealedAt => sealedAt(SEALED_COLUMNS.tenantKey, `${tenantId}/${purpose}`);

/**
 * Per-tenant random keys (tenant_secrets, sealed), made on first need and kept by this process: a
 * key never changes, so after the first read a tenant's key costs no database round trip. One made
 * inside a transaction is kept only once that commits: a rolled-back key must not live on here
 * while another process makes the one that counts.
 */
export class TenantKeys {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly keyring: Keyring) {}

  /** The key when this process holds it already (no promise: the hot path's case). */
  cached(tenantId: string, purpose: TenantKeyPurpose): Buffer | undefined {
    return this.cache.get(`${tenantId}/${purpose}`);
  }

  async get(ctx: { db: Db; afterCommit?: (fn: () => void) => void }, tenantId: string, purpose: TenantKeyPurpose): Promise<Buffer> {
    const held = this.cached(tenantId, purpose);
    if (held) return held;
    const at = tenantKeyAt(tenantId, purpose);
    // Processes race to make the same key; the first insert wins and everyone reads the winner.
    const made = await ctx.db
      .insert(tenantSecrets)
      .values({ tenantId, purpose, sealed: this.keyring.seal(randomBytes(KEY_BYTES), at) })
      .onConflictDoNothing()
      .returning({ tenantId: tenantSecrets.tenantId });
    const [row] = await ctx.db
      .select({ sealed: tenantSecrets.sealed })
      .from(tenantSecrets)
      .where(and(eq(tenantSecrets.tenantId, tenantId), eq(tenantSecrets.purpose, purpose)));
    if (!row) throw new Error(`tenant ${tenantId} has no ${purpose} key although one was just made`);
    const key = this.keyring.open(row.sealed, at);
    const keep = () => this.cache.set(`${tenantId}/${purpose}`, key);
    if (made.length > 0 && ctx.afterCommit) ctx.afterCommit(keep);
    else keep();
    return key;
  }
}
