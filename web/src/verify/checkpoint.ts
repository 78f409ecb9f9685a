import { fromBase64, toBase64, type Bytes } from './bytes';
import { VerifyFailure } from './failure';
import { HASH_SIZE } from './merkle';
import { openNote, parseVkey } from './note';
import { verifyLogJws } from './receipts';

/** A C2SP tlog-checkpoint whose signature verified with the log's vkey. */
export interface VerifiedCheckpoint {
  origin: string;
  size: number;
  root: Bytes;
  rootBase64: string;
  /** The signed note as served: the evidence kept in the browser. */
  note: string;
  /** Witness cosignature lines (not checked here). */
  cosignatures: number;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** Origin, size and root of checkpoint note text (before its signatures). */
export function parseCheckpointText(text: string): { origin: string; size: number; root: Bytes } {
  if (!text.endsWith('\n')) throw new VerifyFailure('checkpoint_malformed', 'the checkpoint does not end in a newline');
  const [origin, sizeText, rootText] = text.slice(0, -1).split('\n');
  if (!origin || sizeText === undefined || rootText === undefined) throw new VerifyFailure('checkpoint_malformed', 'the checkpoint needs an origin, a size and a root line');
  if (!DECIMAL.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) throw new VerifyFailure('checkpoint_malformed', 'the checkpoint size is not a decimal number');
  const root = fromBase64(rootText);
  if (!root || root.length !== HASH_SIZE) throw new VerifyFailure('checkpoint_malformed', 'the checkpoint root is not a base64 SHA-256 hash');
  return { origin, size: Number(sizeText), root };
}

/** Verifies the signed checkpoint with the vkey and checks its origin is the vkey's name (the CLI's first step). */
export async function verifySignedCheckpoint(note: string, vkey: string): Promise<VerifiedCheckpoint> {
  const verifier = await parseVkey(vkey);
  const opened = await openNote(note, verifier);
  const { origin, size, root } = parseCheckpointText(opened.text);
  if (origin !== verifier.name) throw new VerifyFailure('origin_mismatch', `the checkpoint's origin "${origin}" is not the vkey's name "${verifier.name}"`);
  return { origin, size, root, rootBase64: toBase64(root), note, cosignatures: opened.otherLines.length };
}

export const CHECKPOINT_JWS_TYP = 'trellis-checkpoint+jws';

/**
 * The signed-note checkpoint carries no time; its JWS twin (`/log/checkpoint.jws`) does. The time
 * is shown only when that JWS verifies with a log key and names the very same origin, size and
 * root; otherwise (say the log grew between the two requests) there is no time to show.
 */
export async function signedCheckpointTime(jws: string, receiptKeys: Map<string, CryptoKey>, checkpoint: VerifiedCheckpoint): Promise<Date | null> {
  try {
    const claims = await verifyLogJws(jws, receiptKeys, CHECKPOINT_JWS_TYP);
    const same = claims.origin === checkpoint.origin && claims.size === checkpoint.size && claims.root === checkpoint.rootBase64;
    return same && typeof claims.time === 'number' ? new Date(claims.time * 1000) : null;
  } catch {
    return null;
  }
}
