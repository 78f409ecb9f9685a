import { isSealed, keyEncryptionKey, openWith, parseSealed, rewrap, sealWith, type KeyEncryptionKey, type SealedAt } from './envelope.js';

export type { SealedAt } from './envelope.js';
export { isSealed } from './envelope.js';

const where = (at: SealedAt) => `${at.table}.${at.column} of row ${at.rowId}`;

/** A sealed value names a key this process was not given: a configuration error, not bad data. */
export class UnknownSecretKeyError extends Error {
  constructor(
    readonly kekId: string,
    at: SealedAt,
    known: { source: string; current: string; previous: string[] },
  ) {
    super(
      `The sealed value in ${where(at)} was sealed with key ${kekId}, which is neither the current key (${known.current}, from ${known.source})` +
        (known.previous.length ? ` nor a previous one (${known.previous.join(', ')})` : ' nor a previous one (none is set)') +
        '. Give the key it was sealed with as SECRET_KEY, or as SECRET_KEY_PREVIOUS during a rotation (README, rotating SECRET_KEY).',
    );
    this.name = 'UnknownSecretKeyError';
  }
}

/** A sealed value that does not open with its key: altered, or copied from another row or column. */
export class SealedValueError extends Error {
  constructor(at: SealedAt, reason: string) {
    super(`The sealed value in ${where(at)} cannot be opened: ${reason}.`);
    this.name = 'SealedValueError';
  }
}

/**
 * The process's key-encryption keys: SECRET_KEY seals, SECRET_KEY and SECRET_KEY_PREVIOUS open
 * (during a rotation a value may be under either). Built once per process from the configuration
 * (src/secrets/from-config.ts) and handed down through the runtime, never read from a global.
 */
export class Keyring {
  readonly current: KeyEncryptionKey;
  private readonly byId = new Map<string, KeyEncryptionKey>();

  /** `source` says where the current key came from, for error messages (SECRET_KEY, or the key file). */
  constructor(
    current: Buffer,
    previous: readonly Buffer[] = [],
    private readonly source = 'SECRET_KEY',
  ) {
    this.current = keyEncryptionKey(current);
    for (const key of [this.current, ...previous.map(keyEncryptionKey)]) if (!this.byId.has(key.id)) this.byId.set(key.id, key);
  }

  private known() {
    return { source: this.source, current: this.current.id, previous: this.previousKeyIds };
  }

  /** The ids of the keys that open values other than the current one. */
  get previousKeyIds(): string[] {
    return [...this.byId.keys()].filter((id) => id !== this.current.id);
  }

  seal(value: string | Uint8Array, at: SealedAt): string {
    return sealWith(this.current, typeof value === 'string' ? Buffer.from(value, 'utf8') : value, at);
  }

  sealJson(value: unknown, at: SealedAt): string {
    return this.seal(JSON.stringify(value), at);
  }

  /** The plaintext bytes; throws UnknownSecretKeyError or SealedValueError. */
  open(sealed: string, at: SealedAt): Buffer {
    const parts = parseSealed(sealed);
    if (!parts) throw new SealedValueError(at, isSealed(sealed) ? 'its format is not one this version reads' : 'it is not sealed');
    const kek = this.byId.get(parts.kekId);
    if (!kek) throw new UnknownSecretKeyError(parts.kekId, at, this.known());
    try {
      return openWith(kek, parts, at);
    } catch {
      throw new SealedValueError(at, 'it was altered, or belongs to another row or column');
    }
  }

  openText(sealed: string, at: SealedAt): string {
    return this.open(sealed, at).toString('utf8');
  }

  openJson<T>(sealed: string, at: SealedAt): T {
    return JSON.parse(this.openText(sealed, at)) as T;
  }

  /** Whether the value is sealed under the current key (a rotation leaves it alone). */
  sealedWithCurrent(sealed: string): boolean {
    return parseSealed(sealed)?.kekId === this.current.id;
  }

  /**
   * The value sealed under the current key: its data key re-wrapped, its data untouched. A value
   * already under the current key comes back as it is, so re-sealing twice changes nothing.
   */
  reseal(sealed: string, at: SealedAt): string {
    const parts = parseSealed(sealed);
    if (!parts) throw new SealedValueError(at, 'it is not sealed');
    if (parts.kekId === this.current.id) return sealed;
    const kek = this.byId.get(parts.kekId);
    if (!kek) throw new UnknownSecretKeyError(parts.kekId, at, this.known());
    try {
      return rewrap(kek, this.current, parts, at);
    } catch {
      throw new SealedValueError(at, 'it was altered, or belongs to another row or column');
    }
  }
}
