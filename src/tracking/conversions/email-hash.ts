import { createHmac } from 'node:crypto';
import type { ServiceContext } from '../../context.js';

/**
 * Customers' emails as conversions keep them. The merchant sends the address (hashed on arrival,
 * never stored) or its sha256 hex (`customer.emailHash`, input.ts hashEmail); what is stored is
 * that sha256 keyed with the tenant's email hash key:
 *
 *   email_hmac = hex(HMAC-SHA256(tenant key, sha256 hex of the normalised email))
 *
 * An unkeyed sha256 is reversed by anyone holding a list of addresses; this one only by whoever
 * also holds the key, a random 32 bytes per tenant, sealed in tenant_secrets (src/secrets). One
 * customer gets the same value every time within the tenant, so matching (customer identity,
 * repeat customers, self-referral) compares stored values as before.
 */
export function keyedEmailHash(key: Buffer, emailSha256: string): string {
  return createHmac('sha256', key).update(emailSha256, 'utf8').digest('hex');
}

/**
 * The tenant's email hash key: from this process's memory after the first time (no round trip on
 * the conversion hot path), made on first need.
 */
export async function emailHashKeyOf(ctx: Pick<ServiceContext, 'db' | 'afterCommit' | 'secrets'>, tenantId: string): Promise<Buffer> {
  return ctx.secrets.tenantKeys.cached(tenantId, 'email_hash') ?? (await ctx.secrets.tenantKeys.get(ctx, tenantId, 'email_hash'));
}

/** The stored hash of an email (sha256 hex or null), under the tenant's key. */
export async function customerEmailHmac(ctx: Pick<ServiceContext, 'db' | 'afterCommit' | 'secrets'>, tenantId: string, emailSha256: string | null): Promise<string | null> {
  return emailSha256 === null ? null : keyedEmailHash(await emailHashKeyOf(ctx, tenantId), emailSha256);
}

/**
 * Conversions accepted before keyed hashes carry a payload fingerprint (request_hash) computed
 * over the unkeyed email hash, which would test a guessed address as well as the hash did. Boot
 * replaces each such fingerprint with this keyed one, and a replay of such a conversion compares
 * with it (track.ts).
 */
export function keyedLegacyFingerprint(key: Buffer, unkeyedFingerprint: string): string {
  return createHmac('sha256', key).update(`trellis legacy track fingerprint\u0000${unkeyedFingerprint}`, 'utf8').digest('hex');
}
