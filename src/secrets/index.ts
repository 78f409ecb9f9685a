import type { Keyring } from './keyring.js';
import { TenantKeys } from './tenant-keys.js';

export { Keyring, SealedValueError, UnknownSecretKeyError, isSealed, type SealedAt } from './keyring.js';
export { TenantKeys, type TenantKeyPurpose } from './tenant-keys.js';
export { SEALED_COLUMNS, sealedAt } from './sealed-columns.js';

/**
 * How code reaches the secrets: one per process, built from the configuration (keyringFromConfig)
 * and handed down through the runtime, the service context, the app's and the jobs' dependencies.
 */
export interface Secrets {
  /** Seals values for the database and opens them (SECRET_KEY, SECRET_KEY_PREVIOUS). */
  keyring: Keyring;
  /** Per-tenant random keys, sealed at rest and held by this process once read. */
  tenantKeys: TenantKeys;
}

export function createSecrets(keyring: Keyring): Secrets {
  return { keyring, tenantKeys: new TenantKeys(keyring) };
}
