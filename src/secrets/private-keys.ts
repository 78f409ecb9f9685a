import type { JWK } from 'jose';
import type { Keyring } from './keyring.js';
import { SEALED_COLUMNS, sealedAt } from './sealed-columns.js';

/** A signing key's private JWK (access-token and log keys alike), sealed to its row by kid. */
export function sealPrivateJwk(keyring: Keyring, kid: string, jwk: JWK): string {
  return keyring.sealJson(jwk, sealedAt(SEALED_COLUMNS.signingKey, kid));
}

/** The private JWK of a signing_keys row; boot has sealed every row (at-rest.ts). */
export function openPrivateJwk(keyring: Keyring, row: { kid: string; privateKeySealed: string | null }): JWK {
  if (!row.privateKeySealed) throw new Error(`signing key ${row.kid} has no sealed private key`);
  return keyring.openJson<JWK>(row.privateKeySealed, sealedAt(SEALED_COLUMNS.signingKey, row.kid));
}
