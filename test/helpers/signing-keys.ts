import { createPrivateKey } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { importJWK, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { signingKeys } from '../../db/schema/index.js';
import { openPrivateJwk } from '../../src/secrets/private-keys.js';
import { DEMO_LOG_KEY_SEED } from '../../src/transparency/log/keys.js';
import type { Harness } from './harness.js';

/** A private signing key and the kid its tokens name: what someone holding the key can sign with. */
export interface HeldKey {
  kid: string;
  privateKey: CryptoKey;
}

/**
 * The active access-token key as it is stored, so tests can sign tokens the real key signs but
 * the service would never issue (bad lifetimes, missing claims). The one place tests read (and
 * unseal) a private key from signing_keys.
 */
export async function activeAccessTokenKey(h: Harness): Promise<HeldKey> {
  const [row] = await h.db
    .select()
    .from(signingKeys)
    .where(and(eq(signingKeys.purpose, 'access_token'), eq(signingKeys.status, 'active')));
  return { kid: row!.kid, privateKey: (await importJWK(openPrivateJwk(h.secrets.keyring, row!), 'EdDSA')) as CryptoKey };
}

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The demo transparency log key, installed as the harness's log key: its seed is public (README),
 * so anyone holds its private half. Returns it as the attacker would build it, from the seed.
 */
export async function installDemoLogKey(h: Harness): Promise<HeldKey> {
  const { kid } = await h.log.rotate(h.ctx(), { seed: DEMO_LOG_KEY_SEED });
  const keyObject = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, DEMO_LOG_KEY_SEED]), format: 'der', type: 'pkcs8' });
  return { kid, privateKey: (await importJWK(keyObject.export({ format: 'jwk' }) as JWK, 'EdDSA')) as CryptoKey };
}

/** A JWT with exactly these claims, signed by `key`: nothing is added, defaulted or checked. */
export function signToken(key: HeldKey, claims: JWTPayload, header: { typ?: string } = { typ: 'JWT' }): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, ...header }).sign(key.privateKey);
}

/** The harness clock in JWT seconds. */
export const nowSeconds = (h: Harness) => Math.floor(h.clock().getTime() / 1000);
