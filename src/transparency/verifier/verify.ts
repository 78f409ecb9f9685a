import type { Checkpoint } from '../checkpoint.js';
import { checkCosignatures, verifySignedCheckpoint, type VerifiedCheckpoint } from './checkpoint.js';
import { checkConsistency } from './consistency.js';
import { LogClient, logEndpoints, type FetchLike } from './fetch.js';
import { newReport, recordFailures, type VerificationReport } from './report.js';
import { defaultStatePath, readVerifiedState, writeVerifiedState, type VerifiedState } from './state.js';
import { rebuildTree, type RebuiltTree } from './tree.js';
import { checkEntryFormats } from './entries.js';
import { rotationsIn, trustedVkeys, type KeyRotation } from './key-rotations.js';
import { verifyAffiliate, type AffiliateCredentials } from './affiliate.js';

export interface VerifyOptions {
  /** The server (`https://trellis.example`) or the log prefix (`https://trellis.example/log`). */
  logUrl: string;
  /** The log's signed-note verifier key, as `GET /log/vkey` shows it; obtained out of band. */
  vkey: string;
  /** Witness vkeys: each must have cosigned the checkpoint. */
  witnesses?: readonly string[];
  /** Where the last verified checkpoint is kept; null remembers nothing. Default: ~/.trellis-verify/state.json. */
  statePath?: string | null;
  /** The API base, when it is not the log prefix's parent. */
  apiUrl?: string;
  /** An affiliate's access, to check their receipts and statistics too. */
  affiliate?: AffiliateCredentials;
  fetch?: FetchLike;
  /** Stamped into the state file; tests pass their clock. */
  now?: () => Date;
}

export interface VerifyResult extends VerificationReport {
  ok: boolean;
  checkpoint?: Checkpoint;
}

/** One verification run: the checkpoint, the whole tree, consistency with the last run and, with credentials, an affiliate's own records. */
export async function verifyLog(opts: VerifyOptions): Promise<VerifyResult> {
  const report = newReport();
  const done = (checkpoint?: Checkpoint): VerifyResult => ({ ...report, ok: report.failures.length === 0, ...(checkpoint ? { checkpoint } : {}) });
  const client = await recordFailures(report, async () => new LogClient(logEndpoints(opts.logUrl, opts.apiUrl), opts.fetch));
  if (!client) return done();

  const statePath = opts.statePath === undefined ? defaultStatePath() : opts.statePath;
  // The state is per origin; before the checkpoint is open, the pinned vkey's name is the origin.
  const origin = opts.vkey.split('+')[0] ?? '';
  let previous: VerifiedState | undefined;
  let stateReadable = true;
  if (statePath) {
    try {
      previous = await readVerifiedState(statePath, origin);
    } catch (err) {
      report.failures.push((err as Error).message);
      stateReadable = false;
    }
  }
  const remembered = previous?.rotations ?? [];
  const trusted = trustedVkeys(opts.vkey, remembered);

  const verified: VerifiedCheckpoint | undefined = await recordFailures(report, async () => verifySignedCheckpoint(await client.checkpoint(), trusted));
  if (!verified) return done();
  const { checkpoint } = verified;
  const rootB64 = Buffer.from(checkpoint.root).toString('base64');
  const by = trusted.filter((vkey) => verified.signedBy.includes(vkey.split('+')[1] ?? ''));
  const byWhom = by.includes(opts.vkey) ? 'the vkey' : `the vkey ${by[0]}, which the pinned one handed over to (remembered in the state file)`;
  report.checked.push(`checkpoint of ${checkpoint.origin}: size ${checkpoint.size}, root ${rootB64}, signature verified with ${byWhom}`);
  for (const c of checkCosignatures(verified, opts.witnesses ?? [])) {
    if (c.timestamp === null) report.failures.push(`the checkpoint carries no valid cosignature from witness ${c.witness}`);
    else report.checked.push(`witness ${c.witness} cosigned the checkpoint at ${new Date(c.timestamp * 1000).toISOString()}`);
  }

  const tree = await rebuildTree(client, checkpoint, report);
  if (tree) checkEntryFormats(tree, report);
  const rotations = [...remembered];
  // Handovers are read only from a tree whose entries give the signed root: nothing else vouches for them.
  if (tree && Buffer.from(tree.root).equals(Buffer.from(checkpoint.root))) {
    for (const r of rotationsIn(tree, trusted, checkpoint.origin, report)) {
      if (rotations.some((known) => known.from === r.from && known.to === r.to)) continue;
      rotations.push(r);
      report.checked.push(`entry ${r.entryIndex}, in the tree a trusted key signed, hands the log key over to ${r.to}: checkpoints signed by it are trusted from now on`);
    }
  }

  if (statePath && stateReadable) await checkAgainstState(client, statePath, previous, verified, tree, rotations, report, opts.now ?? (() => new Date()));

  if (opts.affiliate) await recordFailures(report, () => verifyAffiliate(client, verified, tree, opts.affiliate!, report));
  return done(checkpoint);
}

/**
 * Consistency with the checkpoint verified last time (if any), then the current one remembered in
 * its place with the key handovers learned, but only when nothing failed: a state file holds
 * checkpoints this verifier believed.
 */
async function checkAgainstState(
  client: LogClient,
  statePath: string,
  previous: VerifiedState | undefined,
  verified: VerifiedCheckpoint,
  tree: RebuiltTree | undefined,
  rotations: KeyRotation[],
  report: VerificationReport,
  now: () => Date,
) {
  const { checkpoint } = verified;
  if (previous) await checkConsistency(client, previous, checkpoint, tree, report);
  else report.checked.push(`no earlier checkpoint of ${checkpoint.origin} in ${statePath}: this one is the first`);
  if (report.failures.length) return;
  const state: VerifiedState = {
    size: checkpoint.size,
    root: Buffer.from(checkpoint.root).toString('base64'),
    checkpoint: verified.note,
    verifiedAt: now().toISOString(),
    ...(rotations.length ? { rotations } : {}),
  };
  const saved = await recordFailures(report, async () => {
    await writeVerifiedState(statePath, checkpoint.origin, state);
    return true;
  });
  if (saved) report.checked.push(`remembered the checkpoint of size ${checkpoint.size} in ${statePath}`);
}
