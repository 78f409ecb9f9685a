import { createHash, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ed25519NoteKeyId,
  ed25519NoteSigner,
  ed25519PublicKeyBytes,
  formatVkey,
  NoteError,
  openNote,
  parseVkey,
  signNote,
  type NoteSigner,
} from '../../../src/transparency/note.js';

/** An Ed25519 private key from an RFC 8032 seed (PKCS#8 wrapping of the 32-byte seed). */
const fromSeed = (seedHex: string) =>
  createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seedHex, 'hex')]), format: 'der', type: 'pkcs8' });

// RFC 8032 §7.1 TEST 1.
const SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

describe('signed-note keys', () => {
  it('key ID and vkey match a hand derivation (known answer)', () => {
    const key = fromSeed(SEED);
    const pub = ed25519PublicKeyBytes(key);
    expect(Buffer.from(pub).toString('hex')).toBe(PUBLIC);
    const name = 'log.trellis.test/transparency';
    const byHand = createHash('sha256').update(Buffer.concat([Buffer.from(name), Buffer.from([0x0a, 0x01]), Buffer.from(PUBLIC, 'hex')])).digest().subarray(0, 4);
    expect(Buffer.from(ed25519NoteKeyId(name, pub))).toEqual(byHand);
    const vkey = `${name}+${byHand.toString('hex')}+${Buffer.concat([Buffer.from([1]), Buffer.from(PUBLIC, 'hex')]).toString('base64')}`;
    expect(formatVkey(name, pub)).toBe(vkey);
    // The same, computed independently (Python's hashlib and base64) and written down.
    expect(formatVkey(name, pub)).toBe('log.trellis.test/transparency+f4c6ffdf+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea');
    const verifier = parseVkey(vkey);
    expect(verifier.name).toBe(name);
    expect(Buffer.from(verifier.keyId)).toEqual(byHand);
  });

  it('verifies the signed-note spec example', () => {
    const verifier = parseVkey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
    const note = 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
    const opened = openNote(note, [verifier]);
    expect(opened.text).toBe('This is an example message.\n');
    expect(opened.verified).toEqual([{ name: 'example.com/foo', keyId: new Uint8Array([0x53, 0x0d, 0x90, 0x3a]) }]);
    expect(opened.otherLines).toEqual([]);
    expect(() => openNote(note.replace('example message', 'exemple message'), [verifier])).toThrow(NoteError);
  });

  it.each([
    ['two parts', 'example.com/foo+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['uppercase hex', 'example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['short hex', 'example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['wrong key id', 'example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['wrong name', 'example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['empty name', '+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['space in name', 'example.com/ foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['bad base64', 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2'],
    ['not ed25519', 'example.com/foo+530d903a+BOkyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k'],
    ['short key', 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3Q=='],
  ])('parseVkey rejects %s', (_what, vkey) => {
    expect(() => parseVkey(vkey)).toThrow(NoteError);
  });
});

describe('signNote / openNote', () => {
  const logKey = generateKeyPairSync('ed25519').privateKey;
  const otherKey = generateKeyPairSync('ed25519').privateKey;
  const log = ed25519NoteSigner('log.example/one', logKey);
  const other = ed25519NoteSigner('witness.example/w1', otherKey);
  const logVerifier = parseVkey(formatVkey(log.name, ed25519PublicKeyBytes(logKey)));
  const otherVerifier = parseVkey(formatVkey(other.name, ed25519PublicKeyBytes(otherKey)));
  const text = 'log.example/one\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';

  it('round trips with one and several signatures, keeping unknown ones', () => {
    const one = signNote(text, [log]);
    const [body, sigLine] = one.split('\n\n');
    expect(body + '\n').toBe(text);
    expect(sigLine).toMatch(/^— log\.example\/one [A-Za-z0-9+/]+=*\n$/);
    // Ed25519 is deterministic: the signature is exactly node:crypto's over the text, after the key ID.
    const raw = Buffer.from(sigLine!.trim().split(' ')[2]!, 'base64');
    expect(raw.subarray(0, 4)).toEqual(Buffer.from(log.keyId));
    expect(raw.subarray(4)).toEqual(sign(null, Buffer.from(text), logKey));

    const both = signNote(text, [log, other]);
    expect(openNote(both, [logVerifier])).toEqual({
      text,
      verified: [{ name: log.name, keyId: log.keyId }],
      otherLines: [both.trimEnd().split('\n').at(-1)],
    });
    expect(openNote(both, [logVerifier, otherVerifier]).verified.map((v) => v.name)).toEqual([log.name, other.name]);
    expect(openNote(both, [otherVerifier]).otherLines).toHaveLength(1);
  });

  it('allows empty lines inside the text (the last blank line separates the signatures)', () => {
    const poem = 'first\n\nsecond\n';
    expect(openNote(signNote(poem, [log]), [logVerifier]).text).toBe(poem);
  });

  it('rejects tampered text, wrong keys, wrong names', () => {
    const signed = signNote(text, [log]);
    expect(() => openNote(signed.replace('42', '43'), [logVerifier])).toThrow(/does not verify/);
    expect(() => openNote(signed, [otherVerifier])).toThrow(/not signed by any known key/);
    const impostor: NoteSigner = { ...ed25519NoteSigner(log.name, otherKey), keyId: log.keyId };
    expect(() => openNote(signNote(text, [impostor]), [logVerifier])).toThrow(/does not verify/);
    // Same key ID under another name is not our key: ignored, so nothing verifies.
    const renamed = signed.replace('— log.example/one ', '— log.example/two ');
    expect(() => openNote(renamed, [logVerifier])).toThrow(/not signed by any known key/);
    // A failing known signature rejects the note even if another known one verifies.
    const bad = signNote(text, [log]).trimEnd() + '\n' + signNote('other\n', [other]).split('\n\n')[1];
    expect(openNote(bad, [logVerifier]).verified).toHaveLength(1);
    expect(() => openNote(bad, [logVerifier, otherVerifier])).toThrow(/does not verify/);
  });

  it.each([
    ['no blank line', 'text\n— log.example/one AAAAAAA=\n'],
    ['no final newline', `${text}\n— log.example/one AAAAAAA=`],
    ['no signatures', `${text}\n`],
    ['empty signature line', `${text}\n\n`],
    ['hyphen instead of em dash', `${text}\n- log.example/one AAAAAAA=\n`],
    ['bad base64', `${text}\n— log.example/one AAAAAAA\n`],
    ['signature without bytes', `${text}\n— log.example/one AAAAAA==\n`],
    ['extra field', `${text}\n— log.example/one AAAAAAA= x\n`],
    ['control character', `te\u0007xt\n\n— log.example/one AAAAAAA=\n`],
    ['carriage return', `text\r\n\n— log.example/one AAAAAAA=\n`],
    ['too many signatures', `${text}\n${'— x/y AAAAAAA=\n'.repeat(101)}`],
  ])('openNote rejects a note with %s', (_what, note) => {
    expect(() => openNote(note, [logVerifier])).toThrow(NoteError);
  });

  it('accepts 16 unknown signatures next to a known one', () => {
    const signed = signNote(text, [log]) + '— x/y AAAAAAA=\n'.repeat(16);
    expect(openNote(signed, [logVerifier]).otherLines).toHaveLength(16);
  });

  it('signNote refuses bad text and names', () => {
    expect(() => signNote('no newline', [log])).toThrow(NoteError);
    expect(() => signNote('tab\there\n', [log])).toThrow(NoteError);
    expect(() => signNote(text, [])).toThrow(NoteError);
    expect(() => ed25519NoteSigner('with space', logKey)).toThrow(NoteError);
    expect(() => ed25519NoteSigner('with+plus', logKey)).toThrow(NoteError);
    expect(() => ed25519NoteSigner('nbsp\u00a0name', logKey)).toThrow(NoteError);
  });
});
