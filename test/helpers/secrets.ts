import { randomBytes } from 'node:crypto';
import { createSecrets, Keyring, type Secrets } from '../../src/secrets/index.js';
import { customerEmailHmac } from '../../src/tracking/conversions/email-hash.js';
import { hashEmail } from '../../src/tracking/conversions/input.js';
import type { Harness } from './harness.js';

/** A random SECRET_KEY, as `openssl rand -base64 32` makes one. */
export const randomSecretKey = (): string => randomBytes(32).toString('base64');

/** Secrets under a fresh random key, for tests that build a runner or cache without a harness. */
export function testSecrets(): Secrets {
  return createSecrets(new Keyring(randomBytes(32)));
}

/** What conversions store for an email of this tenant: the keyed hash (email-hash.ts). */
export async function storedEmailHash(h: Harness, tenantId: string, email: string): Promise<string> {
  return (await customerEmailHmac(h.ctx(), tenantId, hashEmail(email)))!;
}
