import { bytesEqual, concatBytes, fromBase64, fromHex, utf8, type Bytes } from './bytes';
import { VerifyFailure } from './failure';

/**
 * C2SP signed-note with WebCrypto Ed25519: vkeys `<name>+<hex key ID>+base64(0x01 || key)` and
 * notes `text \n signature lines`, each line `— <name> base64(key ID || signature)`.
 */

export interface NoteVerifierKey {
  name: string;
  keyId: Bytes;
  /** The raw 32-byte Ed25519 public key. */
  publicKey: Bytes;
  key: CryptoKey;
}

export interface OpenedNote {
  /** The signed text, final newline included. */
  text: string;
  /** Signature lines of other keys (witness cosignatures), ignored here. */
  otherLines: string[];
}

const ED25519_TYPE = 0x01;
const EM_DASH = '\u2014';
const MAX_SIGNATURES = 100;
const KEY_NAME = /^[^\s+]+$/u;

/** SHA-256(name || 0x0A || 0x01 || key)[0:4]. */
export async function noteKeyId(name: string, publicKey: Uint8Array): Promise<Bytes> {
  const digest = await crypto.subtle.digest('SHA-256', concatBytes(utf8(name), new Uint8Array([0x0a, ED25519_TYPE]), publicKey));
  return new Uint8Array(digest.slice(0, 4));
}

export async function importEd25519(publicKey: Bytes): Promise<CryptoKey> {
  return await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
}

export async function ed25519Verify(key: CryptoKey, signature: Bytes, message: Bytes): Promise<boolean> {
  if (signature.length !== 64) return false;
  try {
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
  } catch {
    return false;
  }
}

/** Parses and imports an Ed25519 vkey; its key ID must be the one its name and key give. */
export async function parseVkey(vkey: string): Promise<NoteVerifierKey> {
  const text = vkey.trim();
  // Only the first two pluses separate: the base64 key may contain more.
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new VerifyFailure('vkey_malformed', 'vkey must be <name>+<key id>+<key>');
  const name = text.slice(0, first);
  const keyId = /^[0-9a-f]{8}$/.test(text.slice(first + 1, second)) ? fromHex(text.slice(first + 1, second)) : null;
  const material = fromBase64(text.slice(second + 1));
  if (!KEY_NAME.test(name) || !keyId) throw new VerifyFailure('vkey_malformed', 'vkey name or key ID is malformed');
  if (!material || material.length !== 33 || material[0] !== ED25519_TYPE) throw new VerifyFailure('vkey_malformed', 'vkey key is not an Ed25519 key');
  const publicKey = material.slice(1);
  if (!bytesEqual(keyId, await noteKeyId(name, publicKey))) throw new VerifyFailure('vkey_malformed', 'vkey key ID does not match its name and key');
  return { name, keyId, publicKey, key: await importEd25519(publicKey) };
}

/**
 * Opens a signed note with the log's key: the log's signature line must be there and verify.
 * Lines of other keys are kept aside; a line with the log's name and key ID that fails rejects.
 */
export async function openNote(note: string, verifier: NoteVerifierKey): Promise<OpenedNote> {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new VerifyFailure('checkpoint_malformed', 'the note has no signature block');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (!block.endsWith('\n')) throw new VerifyFailure('checkpoint_malformed', 'the note does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new VerifyFailure('checkpoint_malformed', 'too many signature lines');
  const message = utf8(text);
  const otherLines: string[] = [];
  let signed = false;
  for (const line of lines) {
    const parts = line.split(' ');
    const bytes = parts.length === 3 && parts[0] === EM_DASH ? fromBase64(parts[2]!) : null;
    if (!bytes || bytes.length <= 4) throw new VerifyFailure('checkpoint_malformed', `malformed signature line ${JSON.stringify(line)}`);
    if (parts[1] !== verifier.name || !bytesEqual(bytes.slice(0, 4), verifier.keyId)) {
      otherLines.push(line);
      continue;
    }
    if (!(await ed25519Verify(verifier.key, bytes.slice(4), message))) throw new VerifyFailure('signature_invalid', `the signature by ${verifier.name} does not verify`);
    signed = true;
  }
  if (!signed) throw new VerifyFailure('not_signed_by_log', `the note carries no signature by ${verifier.name}`);
  return { text, otherLines };
}
