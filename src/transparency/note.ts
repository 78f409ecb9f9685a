import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64Strict, encodeBase64 } from './base64.js';

/**
 * C2SP signed-note: text ending in a newline, a blank line, then signature lines
 * `— <key name> base64(key ID || signature)`. Ed25519 (signature type 0x01) signers and
 * verifiers, and vkeys `<name>+<hex key ID>+base64(type || public key)`.
 */

export class NoteError extends Error {
  override name = 'NoteError';
}

export interface NoteSigner {
  name: string;
  keyId: Uint8Array;
  sign(msg: Uint8Array): Uint8Array;
}

export interface NoteVerifier {
  name: string;
  keyId: Uint8Array;
  verify(msg: Uint8Array, sig: Uint8Array): boolean;
}

export interface OpenedNote {
  text: string;
  /** The known keys whose signatures verified, in the note's order. */
  verified: { name: string; keyId: Uint8Array }[];
  /** Signature lines from keys we do not know (e.g. witness cosignatures), without the newline. */
  otherLines: string[];
}

export const ED25519_NOTE_TYPE = 0x01;
const ED25519_PUBLIC_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
const KEY_ID_SIZE = 4;
/** The spec asks verifiers to accept at least 16 signatures and to bound them. */
export const MAX_NOTE_SIGNATURES = 100;
const EM_DASH = '\u2014';

// Control characters other than newline, and lone surrogates (text that is not valid UTF-8).
const FORBIDDEN_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f]|\p{Cs}/u;
const UNICODE_SPACE_OR_PLUS = /[\s+\u0085\u180e\u200b]/u;

export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !UNICODE_SPACE_OR_PLUS.test(name) && !FORBIDDEN_CHARACTERS.test(name);
}

function assertKeyName(name: string): void {
  if (!isValidKeyName(name)) throw new NoteError(`key name ${JSON.stringify(name)} is empty or contains a space, a plus or a control character`);
}

/** SHA-256(name || 0x0A || type || public key)[:4], the signed-note key ID recipe. */
export function noteKeyId(name: string, type: number, publicKey: Uint8Array): Uint8Array {
  const digest = createHash('sha256').update(name, 'utf8').update(new Uint8Array([0x0a, type])).update(publicKey).digest();
  return new Uint8Array(digest.subarray(0, KEY_ID_SIZE));
}

export function ed25519NoteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  return noteKeyId(name, ED25519_NOTE_TYPE, publicKey);
}

/** The raw 32-byte public key of an Ed25519 KeyObject (private or public). */
export function ed25519PublicKeyBytes(key: KeyObject): Uint8Array {
  if (key.asymmetricKeyType !== 'ed25519') throw new NoteError(`expected an Ed25519 key, got ${key.asymmetricKeyType ?? key.type}`);
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const x = publicKey.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new NoteError('Ed25519 key has no public part');
  return new Uint8Array(Buffer.from(x, 'base64url'));
}

/** An Ed25519 KeyObject from its raw 32-byte public key. */
export function ed25519PublicKey(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE) throw new NoteError(`Ed25519 public key must be ${ED25519_PUBLIC_KEY_SIZE} bytes`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
}

export function ed25519Verify(key: KeyObject, msg: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== ED25519_SIGNATURE_SIZE) return false;
  try {
    return verify(null, msg, key, sig);
  } catch {
    return false;
  }
}

export function ed25519NoteSigner(name: string, privateKey: KeyObject): NoteSigner {
  assertKeyName(name);
  if (privateKey.type !== 'private') throw new NoteError('a note signer needs a private key');
  const keyId = ed25519NoteKeyId(name, ed25519PublicKeyBytes(privateKey));
  return { name, keyId, sign: (msg) => new Uint8Array(sign(null, msg, privateKey)) };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** A vkey of any signature type: `<name>+<hex key ID>+base64(type || key material)`. */
export function formatTypedVkey(name: string, keyId: Uint8Array, type: number, keyMaterial: Uint8Array): string {
  assertKeyName(name);
  return `${name}+${hex(keyId)}+${encodeBase64(new Uint8Array([type, ...keyMaterial]))}`;
}

export function formatVkey(name: string, publicKey: Uint8Array): string {
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE) throw new NoteError(`Ed25519 public key must be ${ED25519_PUBLIC_KEY_SIZE} bytes`);
  return formatTypedVkey(name, ed25519NoteKeyId(name, publicKey), ED25519_NOTE_TYPE, publicKey);
}

export interface VkeyParts {
  name: string;
  keyId: Uint8Array;
  type: number;
  keyMaterial: Uint8Array;
}

/** Splits a vkey of any signature type; throws NoteError when it is malformed. */
export function parseVkeyParts(vkey: string): VkeyParts {
  // Only the first two pluses separate: the base64 key may contain more.
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new NoteError('vkey must be <name>+<key id>+<key>');
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  const keyB64 = vkey.slice(second + 1);
  assertKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteError('vkey key ID must be 8 lowercase hex digits');
  const key = decodeBase64Strict(keyB64);
  if (!key || key.length < 2) throw new NoteError('vkey key is not base64 of a type byte and key material');
  return { name, keyId: new Uint8Array(Buffer.from(idHex, 'hex')), type: key[0]!, keyMaterial: key.subarray(1) };
}

/** An Ed25519 note verifier from its vkey; throws NoteError on a malformed or mismatched vkey. */
export function parseVkey(vkey: string): NoteVerifier {
  const { name, keyId, type, keyMaterial } = parseVkeyParts(vkey);
  if (type !== ED25519_NOTE_TYPE) throw new NoteError(`vkey signature type 0x${type.toString(16).padStart(2, '0')} is not Ed25519 (0x01)`);
  if (keyMaterial.length !== ED25519_PUBLIC_KEY_SIZE) throw new NoteError('vkey Ed25519 key must be 32 bytes');
  if (!bytesEqual(keyId, ed25519NoteKeyId(name, keyMaterial))) throw new NoteError('vkey key ID does not match its name and key');
  const key = ed25519PublicKey(keyMaterial);
  return { name, keyId, verify: (msg, sig) => ed25519Verify(key, msg, sig) };
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function assertNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('note text must end in a newline');
  if (FORBIDDEN_CHARACTERS.test(text)) throw new NoteError('note text contains a control character or invalid UTF-16');
}

/** `— <name> base64(keyId || signature)`, without the newline. */
export function formatSignatureLine(name: string, keyId: Uint8Array, signature: Uint8Array): string {
  assertKeyName(name);
  if (keyId.length !== KEY_ID_SIZE) throw new NoteError('key ID must be 4 bytes');
  return `${EM_DASH} ${name} ${encodeBase64(new Uint8Array([...keyId, ...signature]))}`;
}

/** A signature line's parts, or null if it is not `— <name> <base64 of more than 4 bytes>`. */
export function parseSignatureLine(line: string): { name: string; keyId: Uint8Array; signature: Uint8Array } | null {
  const parts = line.split(' ');
  if (parts.length !== 3 || parts[0] !== EM_DASH) return null;
  const [, name, b64] = parts as [string, string, string];
  if (!isValidKeyName(name)) return null;
  const bytes = decodeBase64Strict(b64);
  if (!bytes || bytes.length <= KEY_ID_SIZE) return null;
  return { name, keyId: bytes.slice(0, KEY_ID_SIZE), signature: bytes.slice(KEY_ID_SIZE) };
}

/** Signs `text` (which must end in a newline) with every signer, in order. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  assertNoteText(text);
  if (signers.length === 0) throw new NoteError('a signed note needs at least one signature');
  if (signers.length > MAX_NOTE_SIGNATURES) throw new NoteError(`at most ${MAX_NOTE_SIGNATURES} signatures`);
  const msg = new TextEncoder().encode(text);
  const lines = signers.map((s) => `${formatSignatureLine(s.name, s.keyId, s.sign(msg))}\n`);
  return `${text}\n${lines.join('')}`;
}

/**
 * Opens a signed note against the keys we trust. Signatures from unknown keys (name and key ID
 * not both matching) are kept in `otherLines`; a known key whose signature fails rejects the
 * whole note, and so does a note no known key signed.
 */
export function openNote(signed: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  if (FORBIDDEN_CHARACTERS.test(signed)) throw new NoteError('note contains a control character or invalid UTF-16');
  // The text may hold empty lines itself; signature lines never are, so the last blank line splits.
  const split = signed.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('note has no signature block');
  const text = signed.slice(0, split + 1);
  const block = signed.slice(split + 2);
  if (!block.endsWith('\n')) throw new NoteError('note must end in a newline after its last signature');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw new NoteError(`note has more than ${MAX_NOTE_SIGNATURES} signatures`);

  const msg = new TextEncoder().encode(text);
  const verified: OpenedNote['verified'] = [];
  const otherLines: string[] = [];
  for (const line of lines) {
    const sig = parseSignatureLine(line);
    if (!sig) throw new NoteError(`malformed signature line ${JSON.stringify(line)}`);
    const verifier = verifiers.find((v) => v.name === sig.name && bytesEqual(v.keyId, sig.keyId));
    if (!verifier) {
      otherLines.push(line);
      continue;
    }
    if (!verifier.verify(msg, sig.signature)) throw new NoteError(`signature by ${sig.name} does not verify`);
    if (!verified.some((v) => v.name === sig.name && bytesEqual(v.keyId, sig.keyId))) verified.push({ name: sig.name, keyId: sig.keyId });
  }
  if (verified.length === 0) throw new NoteError('note is not signed by any known key');
  return { text, verified, otherLines };
}
