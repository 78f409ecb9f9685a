import { parseCheckpoint, type Checkpoint } from '../checkpoint.js';
import { verifyCosignature } from '../cosignature.js';
import { openNote, parseVkey, type NoteVerifier } from '../note.js';
import { VerificationFailure } from './report.js';

export interface VerifiedCheckpoint {
  checkpoint: Checkpoint;
  /** The note text the log signed (what a witness cosigns too). */
  body: string;
  /** The signed note as served, kept in the state file as evidence. */
  note: string;
  /** Lines the note carries besides the log's signature (witness cosignatures, other keys). */
  otherLines: string[];
  /** Hex key ids (as in a vkey) of the trusted log keys whose signatures verified. */
  signedBy: string[];
}

/** The vkey parsed, or a failure line that says the vkey (not the log) is at fault. */
export function logVerifier(vkey: string): NoteVerifier {
  try {
    return parseVkey(vkey);
  } catch (err) {
    throw new VerificationFailure(`the log vkey is malformed: ${(err as Error).message}`);
  }
}

/**
 * Opens the signed checkpoint with the log's vkeys (the pinned one and those a verified key
 * rotation led to; all name the same log) and checks its origin is their name.
 */
export function verifySignedCheckpoint(note: string, vkeys: string | readonly string[]): VerifiedCheckpoint {
  const verifiers = (typeof vkeys === 'string' ? [vkeys] : vkeys).map(logVerifier);
  const verifier = verifiers[0]!;
  let opened;
  try {
    opened = openNote(note, verifiers);
  } catch (err) {
    const keys = verifiers.length === 1 ? 'the vkey' : `any of the ${verifiers.length} vkeys (the pinned one and those its rotations led to)`;
    const hint = /not signed by any known key/.test((err as Error).message)
      ? '. If the log rotated its key, its checkpoints carried the old key’s signature for 30 days after; a verifier that ran then learned the new vkey. Otherwise obtain it out of band (`GET /log/vkey`; the log’s `log.key_rotated` entry names it)'
      : '';
    throw new VerificationFailure(`checkpoint signature does not verify with ${keys} of ${verifier.name}: ${(err as Error).message}${hint}`);
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(opened.text);
  } catch (err) {
    throw new VerificationFailure(`checkpoint is malformed: ${(err as Error).message}`);
  }
  if (checkpoint.origin !== verifier.name) {
    throw new VerificationFailure(`checkpoint origin "${checkpoint.origin}" is not the vkey's name "${verifier.name}"`);
  }
  return { checkpoint, body: opened.text, note, otherLines: opened.otherLines, signedBy: opened.verified.map((v) => Buffer.from(v.keyId).toString('hex')) };
}

/**
 * For each witness vkey, whether one of the checkpoint's other signature lines is that witness's
 * valid cosignature of this very body: the witnesses named, with their timestamps or null.
 */
export function checkCosignatures(verified: VerifiedCheckpoint, witnessVkeys: readonly string[]): { witness: string; timestamp: number | null }[] {
  return witnessVkeys.map((vkey) => {
    const witness = vkey.split('+')[0] ?? vkey;
    for (const line of verified.otherLines) {
      let found: { timestamp: number } | null = null;
      try {
        found = verifyCosignature(line, verified.body, vkey);
      } catch {
        // a line of another kind, or a malformed witness vkey: not this witness's cosignature
      }
      if (found) return { witness, timestamp: found.timestamp };
    }
    return { witness, timestamp: null };
  });
}
