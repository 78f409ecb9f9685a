import { z } from 'zod';
import type { LogEntryInput } from './append.js';
import { iso, IsoTime } from './fields.js';

/**
 * Signing-key rotations: `log.key_rotated` (the key that signs checkpoints and receipts; written
 * by log/keys.ts) and `auth.key_rotated` (the key that signs access tokens). Logging them lets
 * anyone holding an old key learn, from the log itself, which key took over and when. Keys belong
 * to the deployment: no tenant, program or partner.
 */

export const LogKeyRotatedEntry = z
  .object({
    type: z.literal('log.key_rotated'),
    v: z.literal(1),
    /** The key that signed until now; null for the first. */
    oldKeyId: z.string().nullable(),
    newKeyId: z.string(),
    /** The new key as a C2SP signed-note verifier key (name+keyid+base64(0x01||public key)). */
    newVkey: z.string(),
    at: IsoTime,
  })
  .strict();

export const AuthKeyRotatedEntry = z
  .object({
    type: z.literal('auth.key_rotated'),
    v: z.literal(1),
    /** Key ids that stop signing now (their tokens verify until they expire). */
    oldKeyIds: z.array(z.string()),
    newKeyId: z.string(),
    algorithm: z.literal('EdDSA'),
    /** The new Ed25519 public key, base64url (the JWK `x`, as /.well-known/jwks.json serves it). */
    newPublicKey: z.string(),
    at: IsoTime,
  })
  .strict();

const deploymentWide = { tenantId: null, programId: null, partnerMemberId: null };

export function logKeyRotatedEntry(r: { oldKeyId: string | null; newKeyId: string; newVkey: string; at: Date }): LogEntryInput {
  return { type: 'log.key_rotated', v: 1, ...deploymentWide, body: { oldKeyId: r.oldKeyId, newKeyId: r.newKeyId, newVkey: r.newVkey, at: iso(r.at) } };
}

export function authKeyRotatedEntry(r: { oldKeyIds: readonly string[]; newKeyId: string; newPublicKey: string; at: Date }): LogEntryInput {
  return {
    type: 'auth.key_rotated',
    v: 1,
    ...deploymentWide,
    body: { oldKeyIds: [...r.oldKeyIds], newKeyId: r.newKeyId, algorithm: 'EdDSA', newPublicKey: r.newPublicKey, at: iso(r.at) },
  };
}
