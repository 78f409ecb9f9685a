import { createPublicKey, verify } from 'node:crypto';
import type { JWK } from 'jose';
import type { LogKeys } from './keys.js';

/**
 * A receipt is the log's promise, signed before sequencing, that an entry will be in the log: a
 * compact JWS (EdDSA, header `typ` RECEIPT_TYP and the log key's `kid`) whose payload is
 *
 *   { "origin": "<log origin>", "leafHash": "<base64 SHA-256(0x00 || entry)>", "recordedAt": "<ISO 8601>" }
 *
 * Whoever holds it can later ask for an inclusion proof by leaf hash
 * (`GET /v1/log/proofs/inclusion?entryHash=`) and check the log kept its promise.
 */
export const RECEIPT_TYP = 'trellis-receipt+jws';

/** Log key ids start so (keys.ts names a key by its public key's hash); access-token kids never do. */
const LOG_KEY_ID_PREFIX = 'tlog_';

export interface ReceiptClaims {
  origin: string;
  leafHash: Uint8Array;
  recordedAt: Date;
  /** The log key that signed the receipt. */
  kid: string;
}

/** Signs a receipt for an entry (its leaf hash) recorded at `recordedAt`. */
export function signReceipt(keys: LogKeys, r: { leafHash: Uint8Array; recordedAt: Date }): Promise<string> {
  return keys.signJws({ origin: keys.origin, leafHash: Buffer.from(r.leafHash).toString('base64'), recordedAt: r.recordedAt.toISOString() }, RECEIPT_TYP);
}

/**
 * Checks a receipt against the log's public keys (`/.well-known/jwks.json`, or its `keys`):
 * its claims when the signature verifies with the log key its `kid` names, else null. The JWKS
 * lists access-token keys too; a key has one purpose, so only log keys (kid `tlog_…`) count.
 */
export function verifyReceipt(jws: string, jwks: readonly JWK[] | { keys: readonly JWK[] }): ReceiptClaims | null {
  const keys = Array.isArray(jwks) ? jwks : (jwks as { keys: readonly JWK[] }).keys;
  const parts = jws.split('.');
  if (parts.length !== 3) return null;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as { alg?: string; kid?: string; typ?: string };
    if (header.alg !== 'EdDSA' || header.typ !== RECEIPT_TYP || !header.kid) return null;
    const jwk = keys.find((k) => k.kid === header.kid && k.kid.startsWith(LOG_KEY_ID_PREFIX) && k.kty === 'OKP' && k.crv === 'Ed25519');
    if (!jwk) return null;
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x! }, format: 'jwk' });
    if (!verify(null, Buffer.from(`${headerPart}.${payloadPart}`), publicKey, Buffer.from(signaturePart, 'base64url'))) return null;
    const claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as { origin?: unknown; leafHash?: unknown; recordedAt?: unknown };
    if (typeof claims.origin !== 'string' || typeof claims.leafHash !== 'string' || typeof claims.recordedAt !== 'string') return null;
    const leafHash = new Uint8Array(Buffer.from(claims.leafHash, 'base64'));
    const recordedAt = new Date(claims.recordedAt);
    if (leafHash.length !== 32 || Number.isNaN(recordedAt.getTime())) return null;
    return { origin: claims.origin, leafHash, recordedAt, kid: header.kid };
  } catch {
    return null;
  }
}
