import type { Checkpoint } from '../checkpoint.js';
import { checkCosignatures, verifySignedCheckpoint, type VerifiedCheckpoint } from './checkpoint.js';
import { checkConsistency } from './consistency.js';
import { LogClient, logEndpoints, type FetchLike } from './fetch.js';
import { newReport, recordFailures, type VerificationReport } from './report.js';
import { defaultStatePath, readVerifiedState, writeVerifiedState, type VerifiedState } from './state.js';
import { rebuildTree, type RebuiltTree } from './tree.js';
import { checkEntryFormats } from './entries.js';
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

  const verified: VerifiedCheckpoint | undefined = await recordFailures(report, async () => verifySignedCheckpoint(await client.checkpoint(), opts.vkey));
  if (!verified) return done();
  const { checkpoint } = verified;
  const rootB64 = Buffer.from(checkpoint.root).toString('base64');
  report.checked.push(`checkpoint of ${checkpoint.origin}: size ${checkpoint.size}, root ${rootB64}, signature verified with the vkey`);
  for (const c of checkCosignatures(verified, opts.witnesses ?? [])) {
    if (c.timestamp === null) report.failures.push(`the checkpoint carries no valid cosignature from witness ${c.witness}`);
    else report.checked.push(`witness ${c.witness} cosigned the checkpoint at ${new Date(c.timestamp * 1000).toISOString()}`);
  }

  const tree = await rebuildTree(client, checkpoint, report);
  if (tree) checkEntryFormats(tree, report);

  const statePath = opts.statePath === undefined ? defaultStatePath() : opts.statePath;
  if (statePath) await checkAgainstState(client, statePath, verified, tree, report, opts.now ?? (() => new Date()));

  if (opts.affiliate) await recordFailures(report, () => verifyAffiliate(client, verified, tree, opts.affiliate!, report));
  return done(checkpoint);
}

/**
 * Consistency with the checkpoint verified last time (if any), then the current one remembered in
 * its place, but only when nothing failed: a state file holds checkpoints this verifier believed.
 */
async function checkAgainstState(client: LogClient, statePath: string, verified: VerifiedCheckpoint, tree: RebuiltTree | undefined, report: VerificationReport, now: () => Date) {
  const { checkpoint } = verified;
  let previous: VerifiedState | undefined;
  try {
    previous = await readVerifiedState(statePath, checkpoint.origin);
  } catch (err) {
    report.failures.push((err as Error).message);
    return;
  }
  if (previous) await checkConsistency(client, previous, checkpoint, tree, report);
  else report.checked.push(`no earlier checkpoint of ${checkpoint.origin} in ${statePath}: this one is the first`);
  if (report.failures.length) return;
  const state = { size: checkpoint.size, root: Buffer.from(checkpoint.root).toString('base64'), checkpoint: verified.note, verifiedAt: now().toISOString() };
  const saved = await recordFailures(report, async () => {
    await writeVerifiedState(statePath, checkpoint.origin, state);
    return true;
  });
  if (saved) report.checked.push(`remembered the checkpoint of size ${checkpoint.size} in ${statePath}`);
}
