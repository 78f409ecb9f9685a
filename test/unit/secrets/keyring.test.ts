import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Keyring, SealedValueError, UnknownSecretKeyError, isSealed, type SealedAt } from '../../../src/secrets/index.js';

const at: SealedAt = { table: 'affiliate_profiles', column: 'payout_details_sealed', rowId: 'mem_ana' };
const details = { method: 'sepa', iban: 'DE89370400440532013000' };

/** The sealed text's five dot-separated parts: format, version, KEK id, wrapped data key, data. */
const partsOf = (sealed: string) => sealed.split('.');
/** The sealed text with one byte of a part (3: wrapped key, 4: data) flipped. */
function tampered(sealed: string, part: 3 | 4): string {
  const parts = partsOf(sealed);
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[bytes.length >> 1]! ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('envelope encryption (src/secrets)', () => {
  it('round-trips text, bytes and JSON, each value under its own data key, and names the format and the key', () => {
    const keyring = new Keyring(randomBytes(32));
    const sealed = keyring.sealJson(details, at);
    expect(keyring.openJson(sealed, at)).toEqual(details);
    expect(keyring.openText(keyring.seal('tsig_secret', at), at)).toBe('tsig_secret');
    const bytes = randomBytes(32);
    expect(keyring.open(keyring.seal(bytes, at), at).equals(bytes)).toBe(true);

    expect(isSealed(sealed)).toBe(true);
    expect(partsOf(sealed).slice(0, 3)).toEqual(['sealed', 'v1', keyring.current.id]);
    expect(sealed).not.toContain('DE89370400440532013000');
    // A fresh data key and IVs every time: equal values do not look equal.
    const again = keyring.sealJson(details, at);
    expect(again).not.toBe(sealed);
    expect(partsOf(again)[3]).not.toBe(partsOf(sealed)[3]);
  });

  it('derives the key id from the key: stable, and different for another key', () => {
    const key = randomBytes(32);
    expect(new Keyring(key).current.id).toBe(new Keyring(Buffer.from(key)).current.id);
    expect(new Keyring(key).current.id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Keyring(randomBytes(32)).current.id).not.toBe(new Keyring(key).current.id);
    expect(() => new Keyring(randomBytes(16))).toThrow(RangeError);
  });

  it('does not open a value moved to another row, column or table (the AAD binds it to where it lives)', () => {
    const keyring = new Keyring(randomBytes(32));
    const sealed = keyring.sealJson(details, at);
    for (const elsewhere of [{ ...at, rowId: 'mem_felix' }, { ...at, column: 'other_sealed' }, { ...at, table: 'api_keys' }]) {
      expect(() => keyring.open(sealed, elsewhere)).toThrow(SealedValueError);
    }
    expect(() => keyring.open(sealed, { ...at, rowId: 'mem_felix' })).toThrow(/affiliate_profiles\.payout_details_sealed of row mem_felix .*another row/);
  });

  it('refuses tampered bytes, whether in the wrapped data key or in the data, and text that is not sealed', () => {
    const keyring = new Keyring(randomBytes(32));
    const sealed = keyring.sealJson(details, at);
    expect(() => keyring.open(tampered(sealed, 3), at)).toThrow(SealedValueError);
    expect(() => keyring.open(tampered(sealed, 4), at)).toThrow(SealedValueError);
    expect(() => keyring.open(sealed.slice(0, -4), at)).toThrow(SealedValueError);
    expect(() => keyring.open('{"iban":"DE89370400440532013000"}', at)).toThrow(/not sealed/);
    expect(() => keyring.open(sealed.replace('sealed.v1.', 'sealed.v9.'), at)).toThrow(/format/);
    // Tampering is not hidden by a rotation either: the data is checked before its key is re-wrapped.
    const next = new Keyring(randomBytes(32), [randomBytes(32), keyring.current.key]);
    expect(() => next.reseal(tampered(sealed, 4), at)).toThrow(SealedValueError);
  });

  it('names an unknown key, and what it was given instead', () => {
    const sealer = new Keyring(randomBytes(32));
    const sealed = sealer.seal('tsig_secret', at);
    const other = new Keyring(randomBytes(32), [randomBytes(32)]);
    expect(() => other.open(sealed, at)).toThrow(UnknownSecretKeyError);
    expect(() => other.open(sealed, at)).toThrow(new RegExp(`sealed with key ${sealer.current.id}.*${other.current.id}.*${other.previousKeyIds[0]}`));
  });

  it('opens with the previous key during a rotation, seals with the current one, and re-seals by re-wrapping the data key only', () => {
    const oldKey = randomBytes(32);
    const old = new Keyring(oldKey);
    const sealed = old.sealJson(details, at);
    const rotating = new Keyring(randomBytes(32), [oldKey]);
    expect(rotating.openJson(sealed, at)).toEqual(details);
    expect(rotating.sealedWithCurrent(sealed)).toBe(false);
    expect(rotating.sealedWithCurrent(rotating.sealJson(details, at))).toBe(true);

    const resealed = rotating.reseal(sealed, at);
    expect(partsOf(resealed)[2]).toBe(rotating.current.id);
    // The data is not re-encrypted: only the data key's wrapping changed.
    expect(partsOf(resealed)[4]).toBe(partsOf(sealed)[4]);
    expect(partsOf(resealed)[3]).not.toBe(partsOf(sealed)[3]);
    // Re-sealing again changes nothing; once rotated, the old key is no longer needed.
    expect(rotating.reseal(resealed, at)).toBe(resealed);
    expect(new Keyring(rotating.current.key).openJson(resealed, at)).toEqual(details);
    expect(() => old.open(resealed, at)).toThrow(UnknownSecretKeyError);
    // Still bound to its row after the re-wrap.
    expect(() => rotating.open(resealed, { ...at, rowId: 'mem_felix' })).toThrow(SealedValueError);
  });
});
