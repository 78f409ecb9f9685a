import { createHash } from 'node:crypto';
import { parseVkey, parseVkeyParts } from '../note.js';
import type { VerificationReport } from './report.js';
import type { RebuiltTree } from './tree.js';

/**
 * Following the log's key across rotations, with nothing taken on trust: a new vkey is believed
 * only from a `log.key_rotated` entry inside a tree signed by a key already believed. After a
 * rotation the log co-signs checkpoints with the old key for 30 days, so a verifier that pinned
 * the old vkey and runs in that time reads the handover from the log itself, and remembers it.
 */

/** A handover this verifier read in a tree it verified: from one vkey to the next, at an entry. */
export interface KeyRotation {
  from: string;
  to: string;
  entryIndex: number;
}

/** The log's id of a key (`tlog_` + the first 16 hex digits of SHA-256 of the raw public key), as `log.key_rotated` names it. */
export function logKeyIdOfVkey(vkey: string): string {
  return `tlog_${createHash('sha256').update(parseVkeyParts(vkey).keyMaterial).digest('hex').slice(0, 16)}`;
}

/** The pinned vkey, then every vkey a remembered handover leads to from it, in order. */
export function trustedVkeys(pinned: string, rotations: readonly KeyRotation[]): string[] {
  const trusted = [pinned];
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rotations) {
      if (trusted.includes(r.from) && !trusted.includes(r.to)) {
        trusted.push(r.to);
        grew = true;
      }
    }
  }
  return trusted;
}

/**
 * The handovers the tree shows from a trusted key: `log.key_rotated` entries whose old key is one
 * of `trusted` (or one they lead to), with a well-formed new vkey named for this log.
 */
export function rotationsIn(tree: RebuiltTree, trusted: readonly string[], origin: string, report: VerificationReport): KeyRotation[] {
  const byKeyId = new Map(trusted.map((vkey) => [logKeyIdOfVkey(vkey), vkey]));
  const found: KeyRotation[] = [];
  const decoder = new TextDecoder();
  tree.entries.forEach((bytes, entryIndex) => {
    let entry: { type?: unknown; oldKeyId?: unknown; newVkey?: unknown };
    try {
      entry = JSON.parse(decoder.decode(bytes));
    } catch {
      return; // checkEntryFormats reports it
    }
    if (entry.type !== 'log.key_rotated' || typeof entry.oldKeyId !== 'string' || typeof entry.newVkey !== 'string') return;
    const from = byKeyId.get(entry.oldKeyId);
    if (!from) return;
    try {
      if (parseVkey(entry.newVkey).name !== origin) throw new Error(`it names another log than ${origin}`);
    } catch (err) {
      report.failures.push(`entry ${entryIndex} hands the log key over to a vkey this verifier cannot use: ${(err as Error).message}`);
      return;
    }
    found.push({ from, to: entry.newVkey, entryIndex });
    byKeyId.set(logKeyIdOfVkey(entry.newVkey), entry.newVkey);
  });
  return found;
}
