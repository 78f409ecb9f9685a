import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Envelope encryption of values stored in the database (AES-256-GCM, node:crypto). Each value gets
 * its own random data key; the data key is encrypted ("wrapped") by a key-encryption key (KEK) that
 * never touches the database. The sealed text names the format version and the KEK (by an id
 * derived from it), so a process knows which of its keys opens a value, and a rotation only
 * re-wraps the 60-byte data key instead of re-encrypting the data:
 *
 *   sealed.v1.<kek id>.<base64url(iv | wrapped data key | tag)>.<base64url(iv | ciphertext | tag)>
 *
 * Both encryptions carry additional authenticated data naming where the value lives (table,
 * column, row id): a sealed value copied into another row, or another column, does not open.
 */

/** Where a sealed value is stored; it opens only there. */
export interface SealedAt {
  table: string;
  column: string;
  rowId: string;
}

export interface KeyEncryptionKey {
  /** Derived from the key (an HMAC of a fixed text), so it names the key without revealing it. */
  id: string;
  key: Buffer;
}

export interface SealedParts {
  kekId: string;
  wrappedKey: Buffer;
  data: Buffer;
}

export const KEY_BYTES = 32;
const PREFIX = 'sealed';
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED_FORMAT = /^sealed\.v1\.([0-9a-f]{16})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

export function keyEncryptionKey(key: Buffer): KeyEncryptionKey {
  if (key.length !== KEY_BYTES) throw new RangeError(`a key-encryption key is ${KEY_BYTES} bytes, not ${key.length}`);
  return { id: createHmac('sha256', key).update('trellis key-encryption key id').digest('hex').slice(0, 16), key };
}

/** True for text in the sealed format (of any KEK); plaintext never looks like it. */
export const isSealed = (text: string): boolean => text.startsWith(`${PREFIX}.`);

export function parseSealed(text: string): SealedParts | undefined {
  const m = SEALED_FORMAT.exec(text);
  if (!m) return undefined;
  return { kekId: m[1]!, wrappedKey: Buffer.from(m[2]!, 'base64url'), data: Buffer.from(m[3]!, 'base64url') };
}

// PostgreSQL text holds no NUL, so NUL-separated fields cannot be confused with one another.
function aad(part: 'data-key' | 'data', at: SealedAt): Buffer {
  return Buffer.from([PREFIX, VERSION, part, at.table, at.column, at.rowId].join('\u0000'), 'utf8');
}

function encrypt(key: Buffer, plaintext: Uint8Array, additional: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additional);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Throws when the box was altered or the additional data differs (GCM's tag does not verify). */
function decrypt(key: Buffer, box: Buffer, additional: Buffer): Buffer {
  if (box.length < IV_BYTES + TAG_BYTES) throw new Error('sealed box too short');
  const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(additional);
  decipher.setAuthTag(box.subarray(box.length - TAG_BYTES));
  return Buffer.concat([decipher.update(box.subarray(IV_BYTES, box.length - TAG_BYTES)), decipher.final()]);
}

const format = (kekId: string, wrappedKey: Buffer, data: Buffer) => `${PREFIX}.${VERSION}.${kekId}.${wrappedKey.toString('base64url')}.${data.toString('base64url')}`;

export function sealWith(kek: KeyEncryptionKey, plaintext: Uint8Array, at: SealedAt): string {
  const dataKey = randomBytes(KEY_BYTES);
  try {
    return format(kek.id, encrypt(kek.key, dataKey, aad('data-key', at)), encrypt(dataKey, plaintext, aad('data', at)));
  } finally {
    dataKey.fill(0);
  }
}

export function openWith(kek: KeyEncryptionKey, sealed: SealedParts, at: SealedAt): Buffer {
  const dataKey = decrypt(kek.key, sealed.wrappedKey, aad('data-key', at));
  try {
    return decrypt(dataKey, sealed.data, aad('data', at));
  } finally {
    dataKey.fill(0);
  }
}

/**
 * The same value under another KEK: the data key re-wrapped, the data as it was. The data is
 * opened first, so a value that was altered is never re-wrapped into looking sound.
 */
export function rewrap(from: KeyEncryptionKey, to: KeyEncryptionKey, sealed: SealedParts, at: SealedAt): string {
  const dataKey = decrypt(from.key, sealed.wrappedKey, aad('data-key', at));
  try {
    decrypt(dataKey, sealed.data, aad('data', at)).fill(0);
    return format(to.id, encrypt(to.key, dataKey, aad('data-key', at)), sealed.data);
  } finally {
    dataKey.fill(0);
  }
}
