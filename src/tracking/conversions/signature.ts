import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { randomBase62 } from '../../../db/ids.js';
import { apiKeys, programs } from '../../../db/schema/index.js';
import { publishAfterCommit, withTransaction, type ServiceContext } from '../../context.js';
import { openSigningSecret, signingSecretAt, type ApiKeyCache } from '../../core/auth/api-key-cache.js';
import { recordAudit } from '../../core/audit.js';
import { UnauthorizedError, UnprocessableError, NotFoundError } from '../../errors.js';
import { conversionSettingsOf } from './settings.js';

/**
 * The optional request signature of the merchant API:
 *   Trellis-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, "<t>.<raw body>")>
 * The timestamp inside the signed text stops replays of an old captured request; the tolerance
 * allows for clocks that are a little apart.
 */
export const SIGNATURE_HEADER = 'trellis-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;
const SECRET_PREFIX = 'tsig_';

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** The hex signature of `rawBody` sent at `timestamp` (unix seconds). Merchants compute the same. */
export function signPayload(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** The header value for `rawBody` signed now; what a merchant's client sends (tests, docs). */
export function signatureHeader(secret: string, rawBody: string, now: Date = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${signPayload(secret, t, rawBody)}`;
}

/**
 * Checks a signature header against the raw body. Several `v1=` entries are allowed (a client
 * signing with an old and a new secret during a rotation); any one matching is enough.
 */
export function verifySignature(secret: string, header: string, rawBody: string, now: Date): SignatureCheck {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value, extra] = part.trim().split('=');
    if (value === undefined || extra !== undefined) return { ok: false, reason: 'The signature header must read t=<unix seconds>,v1=<hex>.' };
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'The signature header must read t=<unix seconds>,v1=<hex>.' };
  if (Math.abs(now.getTime() / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, reason: `The signature timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} seconds from our clock.` };
  }
  const expected = Buffer.from(signPayload(secret, timestamp, rawBody), 'hex');
  const matches = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return matches ? { ok: true } : { ok: false, reason: 'The signature does not match the request body.' };
}

type ProgramSettings = (typeof programs.$inferSelect)['settings'];

// Settings read from the cache are the same object until a change replaces them: parsed once.
const parsedSettings = new WeakMap<object, boolean>();
function requiresSignature(settings: ProgramSettings): boolean {
  let required = parsedSettings.get(settings);
  if (required === undefined) parsedSettings.set(settings, (required = conversionSettingsOf({ settings }).requireSignature));
  return required;
}

/** The key's signing secret and its program's settings: from the cache that just authenticated it, else the database. */
async function signingTermsOf(ctx: ServiceContext, keyId: string, keys: ApiKeyCache | undefined) {
  const cached = keys?.byKeyId(keyId);
  if (cached) return { secret: cached.signingSecret, settings: cached.programSettings };
  const [row] = await ctx.db
    .select({ sealed: apiKeys.signingSecretSealed, settings: programs.settings })
    .from(apiKeys)
    .innerJoin(programs, eq(programs.id, apiKeys.programId))
    .where(and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)));
  return row && { secret: openSigningSecret(ctx.secrets.keyring, keyId, row.sealed), settings: row.settings };
}

/**
 * The merchant API's signature rule for an API key's call: a signature that is present must be
 * valid; a missing one is refused when the program's `conversions.requireSignature` is on.
 */
export async function assertMerchantSignature(
  ctx: ServiceContext,
  call: { keyId: string; header: string | undefined; rawBody: () => Promise<string>; /** The API process's cache, which authenticated the key. */ keys?: ApiKeyCache },
): Promise<void> {
  const row = await signingTermsOf(ctx, call.keyId, call.keys);
  if (!row) throw new UnauthorizedError('The API key is unknown or revoked.', 'invalid_api_key');
  if (call.header === undefined) {
    if (requiresSignature(row.settings)) {
      throw new UnauthorizedError('This program requires signed calls: send a Trellis-Signature header.', 'signature_required');
    }
    return;
  }
  if (!row.secret) throw new UnauthorizedError('No signing secret has been issued for this API key, so its signature cannot be checked.', 'invalid_signature');
  const check = verifySignature(row.secret, call.header, await call.rawBody(), ctx.clock());
  if (!check.ok) throw new UnauthorizedError(check.reason, 'invalid_signature');
}

/**
 * Issues a new signing secret for an API key, replacing any previous one at once. Admins of the
 * key's tenant only; the secret is returned this once. It is stored sealed (src/secrets): verifying
 * needs it back, so it cannot be hashed.
 */
export async function rotateSigningSecret(ctx: ServiceContext, keyId: string): Promise<{ keyId: string; programId: string; signingSecret: string; rotatedAt: Date }> {
  return await withTransaction(ctx, async (tx) => {
    const [key] = await tx.db.select().from(apiKeys).where(eq(apiKeys.id, keyId)).for('update');
    const actor = tx.actor;
    const allowed = actor.kind === 'system' || (actor.kind === 'user' && actor.role === 'admin' && actor.tenantId === key?.tenantId);
    if (!key || !allowed) throw new NotFoundError('API key', keyId);
    if (key.revokedAt) throw new UnprocessableError('unprocessable', `API key ${keyId} is revoked; a revoked key signs nothing.`);
    const signingSecret = SECRET_PREFIX + randomBase62(40);
    const rotatedAt = tx.clock();
    await tx.db
      .update(apiKeys)
      .set({ signingSecretSealed: tx.secrets.keyring.seal(signingSecret, signingSecretAt(key.id)), legacySigningSecret: null })
      .where(eq(apiKeys.id, key.id));
    // The old secret stops working in every API process at once.
    publishAfterCommit(tx, { topic: 'api_key', keyId: key.id });
    await recordAudit(tx, {
      tenantId: key.tenantId,
      programId: key.programId,
      action: 'api_key.signing_secret_rotated',
      entityType: 'api_key',
      entityId: key.id,
      // Never the secret itself.
      before: { hadSigningSecret: key.signingSecretSealed !== null || key.legacySigningSecret !== null },
      after: { hadSigningSecret: true, rotatedAt },
    });
    return { keyId: key.id, programId: key.programId, signingSecret, rotatedAt };
  });
}
