import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint } from '../../../src/transparency/checkpoint.js';
import { cosign, cosignatureKeyId, formatWitnessVkey, verifyCosignature } from '../../../src/transparency/cosignature.js';
import { ed25519NoteSigner, ed25519PublicKeyBytes, formatVkey, NoteError, openNote, parseVkey, signNote } from '../../../src/transparency/note.js';

const witnessKey = generateKeyPairSync('ed25519').privateKey;
const witness = { name: 'witness.example/w1', privateKey: witnessKey };
const witnessPub = ed25519PublicKeyBytes(witnessKey);
const vkey = formatWitnessVkey(witness.name, witnessPub);
const body = formatCheckpoint({ origin: 'log.trellis.test', size: 20852163, root: new Uint8Array(32).fill(7), extensions: [] });
const T = 1679315147;

describe('cosignatures (tlog-cosignature v1)', () => {
  it('derives the key ID with type 0x04 and a vkey of that type', () => {
    const byHand = createHash('sha256').update(Buffer.concat([Buffer.from(witness.name), Buffer.from([0x0a, 0x04]), witnessPub])).digest().subarray(0, 4);
    expect(Buffer.from(cosignatureKeyId(witness.name, witnessPub))).toEqual(byHand);
    expect(vkey).toBe(`${witness.name}+${byHand.toString('hex')}+${Buffer.concat([Buffer.from([4]), witnessPub]).toString('base64')}`);
    // A cosignature vkey is not a note (0x01) vkey.
    expect(() => parseVkey(vkey)).toThrow(NoteError);
  });

  it('signs "cosignature/v1\\ntime <T>\\n" + body, with the timestamp before the signature', () => {
    const line = cosign(body, witness, T);
    const [dash, name, b64] = line.split(' ');
    expect(dash).toBe('—');
    expect(name).toBe(witness.name);
    const raw = Buffer.from(b64!, 'base64');
    expect(raw).toHaveLength(4 + 8 + 64);
    expect(raw.subarray(0, 4)).toEqual(Buffer.from(cosignatureKeyId(witness.name, witnessPub)));
    expect(raw.readBigUInt64BE(4)).toBe(BigInt(T));
    const message = Buffer.from(`cosignature/v1\ntime ${T}\n${body}`);
    expect(verify(null, message, witnessKey, raw.subarray(12))).toBe(true);
    expect(verifyCosignature(line, body, vkey)).toEqual({ timestamp: T });
    expect(verifyCosignature(`${line}\n`, body, vkey)).toEqual({ timestamp: T });
  });

  it('rejects tampered bodies, timestamps, names and other keys', () => {
    const line = cosign(body, witness, T);
    expect(verifyCosignature(line, body.replace('20852163', '20852164'), vkey)).toBeNull();
    const raw = Buffer.from(line.split(' ')[2]!, 'base64');
    raw.writeBigUInt64BE(BigInt(T + 1), 4);
    expect(verifyCosignature(`— ${witness.name} ${raw.toString('base64')}`, body, vkey)).toBeNull();
    expect(verifyCosignature(line.replace(witness.name, 'witness.example/w2'), body, vkey)).toBeNull();
    const otherVkey = formatWitnessVkey(witness.name, ed25519PublicKeyBytes(generateKeyPairSync('ed25519').privateKey));
    expect(verifyCosignature(line, body, otherVkey)).toBeNull();
    expect(verifyCosignature('— witness.example/w1 AAAA', body, vkey)).toBeNull();
    expect(verifyCosignature('not a line', body, vkey)).toBeNull();
    expect(verifyCosignature(line.slice(0, -4), body, vkey)).toBeNull();
    expect(() => verifyCosignature(line, body, 'garbage')).toThrow(NoteError);
    expect(() => cosign(body, witness, -1)).toThrow(RangeError);
    expect(() => cosign('no newline', witness, T)).toThrow(NoteError);
  });

  it('rides along a signed checkpoint as an unknown signature line', () => {
    const logKey = generateKeyPairSync('ed25519').privateKey;
    const log = ed25519NoteSigner('log.trellis.test', logKey);
    const note = `${signNote(body, [log])}${cosign(body, witness, T)}\n`;
    const opened = openNote(note, [parseVkey(formatVkey(log.name, ed25519PublicKeyBytes(logKey)))]);
    expect(opened.text).toBe(body);
    expect(opened.otherLines).toHaveLength(1);
    expect(verifyCosignature(opened.otherLines[0]!, opened.text, vkey)).toEqual({ timestamp: T });
  });
});
