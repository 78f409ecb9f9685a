import { rootOf, verifyConsistency, type Hash } from '../merkle.js';
import type { Checkpoint } from '../checkpoint.js';
import type { LogClient } from './fetch.js';
import { recordFailures, VerificationFailure, type VerificationReport } from './report.js';
import type { VerifiedState } from './state.js';
import type { RebuiltTree } from './tree.js';
import { fetchConsistencyProof } from './proofs.js';

const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64');
const fromB64 = (s: string): Hash => new Uint8Array(Buffer.from(s, 'base64'));

/**
 * The append-only promise, checked against the checkpoint a previous run verified: the tree did
 * not shrink, its first `previous.size` leaves still give the old root (computed from the entries
 * downloaded now), and the log's consistency proof between the two checkpoints verifies.
 */
export async function checkConsistency(client: LogClient, previous: VerifiedState, current: Checkpoint, tree: RebuiltTree | undefined, report: VerificationReport): Promise<void> {
  const since = `the checkpoint of size ${previous.size} verified at ${previous.verifiedAt}`;
  if (current.size < previous.size) {
    report.failures.push(`the log shrank: the checkpoint has size ${current.size}, smaller than ${since}`);
    return;
  }
  const oldRoot = fromB64(previous.root);
  if (tree) {
    const prefixRoot = rootOf(tree.leafHashes.slice(0, previous.size));
    if (b64(prefixRoot) !== previous.root) {
      report.failures.push(`history rewritten: the first ${previous.size} entries now give root ${b64(prefixRoot)}, but ${since} had root ${previous.root}`);
    } else {
      report.checked.push(`the first ${previous.size} entries still give the root of ${since}`);
    }
  }
  if (current.size === previous.size) {
    if (b64(current.root) !== previous.root) report.failures.push(`history rewritten: the checkpoint has the same size as ${since} but another root (${b64(current.root)}, was ${previous.root})`);
    return;
  }
  if (previous.size === 0) return; // every tree extends the empty one; there is no proof to ask for
  await recordFailures(report, async () => {
    const proof = await fetchConsistencyProof(client, previous.size, current.size);
    if (!verifyConsistency(previous.size, current.size, proof, oldRoot, current.root)) {
      throw new VerificationFailure(`the log's consistency proof from size ${previous.size} to ${current.size} does not verify against ${since} and the current checkpoint`);
    }
    report.checked.push(`the log's consistency proof from size ${previous.size} to ${current.size} verifies`);
  });
}
