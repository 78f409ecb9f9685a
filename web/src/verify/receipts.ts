import { fromBase64Url, utf8 } from './bytes';
import { VerifyFailure } from './failure';
import { ed25519Verify } from './note';

/** A receipt is a compact JWS by a log key (kid `tlog_…`, listed in /.well-known/jwks.json). */
export const RECEIPT_TYP = 'trellis-receipt+jws';

export interface Jwk {
  kid: string;
  kty: string;
  crv?: string;
  x?: string;
}

export interface ReceiptClaims {
  origin: string;
  leafHash: string;
  recordedAt: string;
}

/** The log's receipt keys by kid. Access-token keys share the set; they never sign receipts. */
export async function importReceiptKeys(jwks: { keys: readonly Jwk[] }): Promise<Map<string, CryptoKey>> {
  const keys = new Map<string, CryptoKey>();
  for (const k of jwks.keys) {
    if (!k.kid.startsWith('tlog_') || k.kty !== 'OKP' || k.crv !== 'Ed25519' || !k.x) continue;
    const x = fromBase64Url(k.x);
    if (x?.length !== 32) continue;
    keys.set(k.kid, await crypto.subtle.importKey('raw', x, { name: 'Ed25519' }, false, ['verify']));
  }
  return keys;
}

function decodeJson(part: string): Record<string, unknown> | null {
  const bytes = fromBase64Url(part);
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Verifies a compact JWS by a log key (EdDSA, the given `typ`, `kid` one of `keys`) and returns
 * its payload; `failure` is the reason code used when it does not hold.
 */
export async function verifyLogJws(jws: string, keys: Map<string, CryptoKey>, typ: string, failure = 'receipt_invalid'): Promise<Record<string, unknown>> {
  const parts = jws.trim().split('.');
  if (parts.length !== 3) throw new VerifyFailure(failure, 'not a compact JWS');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  const claims = decodeJson(payloadPart);
  const signature = fromBase64Url(signaturePart);
  if (!header || !claims || !signature) throw new VerifyFailure(failure, 'the JWS is malformed');
  if (header.alg !== 'EdDSA' || header.typ !== typ) throw new VerifyFailure(failure, `the JWS is not an EdDSA ${typ}`);
  const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
  if (!key) throw new VerifyFailure(failure, `the JWS key ${String(header.kid)} is not a log key of /.well-known/jwks.json`);
  if (!(await ed25519Verify(key, signature, utf8(`${headerPart}.${payloadPart}`)))) throw new VerifyFailure(failure, 'the JWS signature does not verify');
  return claims;
}

/** Verifies a receipt's EdDSA signature with the log key it names and returns its claims. */
export async function verifyReceipt(jws: string, keys: Map<string, CryptoKey>): Promise<ReceiptClaims> {
  const claims = await verifyLogJws(jws, keys, RECEIPT_TYP);
  if (typeof claims.origin !== 'string' || typeof claims.leafHash !== 'string' || typeof claims.recordedAt !== 'string') {
    throw new VerifyFailure('receipt_invalid', 'the receipt lacks origin, leafHash or recordedAt');
  }
  return { origin: claims.origin, leafHash: claims.leafHash, recordedAt: claims.recordedAt };
}
