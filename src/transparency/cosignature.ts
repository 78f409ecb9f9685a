import { sign, type KeyObject } from 'node:crypto';
import {
  ed25519PublicKey,
  ed25519PublicKeyBytes,
  ed25519Verify,
  formatSignatureLine,
  formatTypedVkey,
  NoteError,
  noteKeyId,
  parseSignatureLine,
  parseVkeyParts,
} from './note.js';

/**
 * C2SP tlog-cosignature v1 (Ed25519, signature type 0x04): a witness signs
 * `cosignature/v1\ntime <T>\n` followed by the checkpoint body, and its signature is
 * key ID || uint64 BE timestamp || Ed25519 signature.
 */

export const COSIGNATURE_TYPE = 0x04;
const TIMESTAMP_SIZE = 8;
const ED25519_SIGNATURE_SIZE = 64;

export function cosignatureKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  return noteKeyId(name, COSIGNATURE_TYPE, publicKey);
}

export function formatWitnessVkey(name: string, publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new NoteError('Ed25519 public key must be 32 bytes');
  return formatTypedVkey(name, cosignatureKeyId(name, publicKey), COSIGNATURE_TYPE, publicKey);
}

/** The message a v1 cosignature signs. */
export function cosignedMessage(checkpointBody: string, timestamp: number): Uint8Array {
  return new TextEncoder().encode(`cosignature/v1\ntime ${timestamp}\n${checkpointBody}`);
}

function assertTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError(`cosignature timestamp must be a non-negative safe integer, got ${timestamp}`);
}

/** The cosignature line `— <name> <base64>` (no newline) over a checkpoint body at `timestamp` (POSIX seconds). */
export function cosign(checkpointBody: string, witness: { name: string; privateKey: KeyObject }, timestamp: number): string {
  assertTimestamp(timestamp);
  if (!checkpointBody.endsWith('\n')) throw new NoteError('checkpoint body must end in a newline');
  const keyId = cosignatureKeyId(witness.name, ed25519PublicKeyBytes(witness.privateKey));
  const signature = sign(null, cosignedMessage(checkpointBody, timestamp), witness.privateKey);
  const stamped = new Uint8Array(TIMESTAMP_SIZE + signature.length);
  new DataView(stamped.buffer).setBigUint64(0, BigInt(timestamp));
  stamped.set(signature, TIMESTAMP_SIZE);
  return formatSignatureLine(witness.name, keyId, stamped);
}

/**
 * Checks a cosignature line (with or without its newline) by the witness of `witnessVkey` over
 * this checkpoint body: its timestamp, or null if the line is malformed, by another key, or does
 * not verify. Throws NoteError if the vkey itself is malformed (configuration, not evidence).
 */
export function verifyCosignature(line: string, checkpointBody: string, witnessVkey: string): { timestamp: number } | null {
  const vkey = parseVkeyParts(witnessVkey);
  if (vkey.type !== COSIGNATURE_TYPE) throw new NoteError(`witness vkey must be of signature type 0x04, got 0x${vkey.type.toString(16)}`);
  if (vkey.keyMaterial.length !== 32) throw new NoteError('witness vkey Ed25519 key must be 32 bytes');
  const expectedId = cosignatureKeyId(vkey.name, vkey.keyMaterial);
  if (Buffer.compare(expectedId, vkey.keyId) !== 0) throw new NoteError('witness vkey key ID does not match its name and key');

  const sig = parseSignatureLine(line.endsWith('\n') ? line.slice(0, -1) : line);
  if (!sig || sig.name !== vkey.name || Buffer.compare(sig.keyId, expectedId) !== 0) return null;
  if (sig.signature.length !== TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) return null;
  const stamp = new DataView(sig.signature.buffer, sig.signature.byteOffset, TIMESTAMP_SIZE).getBigUint64(0);
  if (stamp > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  const timestamp = Number(stamp);
  const ok = ed25519Verify(ed25519PublicKey(vkey.keyMaterial), cosignedMessage(checkpointBody, timestamp), sig.signature.subarray(TIMESTAMP_SIZE));
  return ok ? { timestamp } : null;
}
