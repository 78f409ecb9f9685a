import { decodeBase64Strict, encodeBase64 } from './base64.js';
import { HASH_SIZE, type Hash } from './merkle.js';

/**
 * C2SP tlog-checkpoint note text: origin, tree size, base64 root hash, then optional extension
 * lines, each non-empty and newline-terminated.
 */

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
  extensions: string[];
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;
// Control characters (a newline would split the line) and lone surrogates.
const FORBIDDEN_IN_LINE = /[\u0000-\u001f\u007f]|\p{Cs}/u;

function assertLine(what: string, line: string): void {
  if (line.length === 0) throw new CheckpointError(`checkpoint ${what} must not be empty`);
  if (FORBIDDEN_IN_LINE.test(line)) throw new CheckpointError(`checkpoint ${what} contains a control character`);
}

/** The checkpoint's note text (ending in a newline). */
export function formatCheckpoint(c: Checkpoint): string {
  assertLine('origin', c.origin);
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new CheckpointError(`checkpoint size must be a non-negative safe integer, got ${c.size}`);
  if (!(c.root instanceof Uint8Array) || c.root.length !== HASH_SIZE) throw new CheckpointError('checkpoint root must be 32 bytes');
  c.extensions.forEach((e) => assertLine('extension line', e));
  return [c.origin, String(c.size), encodeBase64(c.root), ...c.extensions].map((l) => `${l}\n`).join('');
}

/** Parses checkpoint note text (the part before the signatures); throws CheckpointError if malformed. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new CheckpointError('checkpoint must end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointError('checkpoint needs an origin, a size and a root hash line');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  assertLine('origin', origin);
  if (!DECIMAL.test(sizeText)) throw new CheckpointError('checkpoint size must be a decimal number without leading zeroes');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw new CheckpointError('checkpoint size is too large');
  const root = decodeBase64Strict(rootText);
  if (!root) throw new CheckpointError('checkpoint root hash is not base64');
  if (root.length !== HASH_SIZE) throw new CheckpointError(`checkpoint root hash must be ${HASH_SIZE} bytes, got ${root.length}`);
  extensions.forEach((e) => assertLine('extension line', e));
  return { origin, size, root, extensions };
}
