import { fromBase64 } from './bytes';
import type { VerifiedCheckpoint } from './checkpoint';
import { verifyConsistency } from './merkle';

/**
 * The append-only promise as one browser can check it: the checkpoint it saw last (kept in
 * localStorage) against the latest one. A log that shrank, or whose same-size tree has another
 * root, or whose consistency proof does not verify, forked or rewrote its history.
 */

export interface SeenCheckpoint {
  size: number;
  root: string;
  /** The signed note, kept as evidence. */
  note: string;
  seenAt: string;
}

export type ConsistencyStatus = 'first' | 'unchanged' | 'extended' | 'shrunk' | 'forked' | 'unproven';

export interface ConsistencyOutcome {
  status: ConsistencyStatus;
  previous?: SeenCheckpoint;
  /** Why the check could not be done (network, server error) when `unproven`. */
  detail?: string;
}

/** Just what the panel needs of localStorage, so tests can pass a Map. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const checkpointKey = (origin: string) => `trellis.verify.checkpoint:${origin}`;

export function lastSeenCheckpoint(store: KeyValueStore, origin: string): SeenCheckpoint | undefined {
  try {
    const value = JSON.parse(store.getItem(checkpointKey(origin)) ?? 'null') as SeenCheckpoint | null;
    return value && Number.isSafeInteger(value.size) && typeof value.root === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export const isConsistent = (s: ConsistencyStatus) => s === 'first' || s === 'unchanged' || s === 'extended';

/**
 * Compares `current` with the checkpoint seen last and, when it extends it, remembers `current`.
 * A checkpoint that fails is never remembered: the store holds only checkpoints believed.
 */
export async function checkAgainstLastSeen(
  store: KeyValueStore,
  current: VerifiedCheckpoint,
  consistencyProof: (from: number, to: number) => Promise<string[]>,
  now: () => Date = () => new Date(),
): Promise<ConsistencyOutcome> {
  const previous = lastSeenCheckpoint(store, current.origin);
  const outcome = await compare(previous, current, consistencyProof);
  if (isConsistent(outcome.status) && outcome.status !== 'unchanged') {
    const seen: SeenCheckpoint = { size: current.size, root: current.rootBase64, note: current.note, seenAt: now().toISOString() };
    store.setItem(checkpointKey(current.origin), JSON.stringify(seen));
  }
  return outcome;
}

async function compare(previous: SeenCheckpoint | undefined, current: VerifiedCheckpoint, consistencyProof: (from: number, to: number) => Promise<string[]>): Promise<ConsistencyOutcome> {
  if (!previous) return { status: 'first' };
  if (current.size < previous.size) return { status: 'shrunk', previous };
  if (current.size === previous.size) return { status: current.rootBase64 === previous.root ? 'unchanged' : 'forked', previous };
  const oldRoot = fromBase64(previous.root);
  if (!oldRoot) return { status: 'forked', previous };
  if (previous.size === 0) return { status: 'extended', previous }; // every tree extends the empty one
  let proof: string[];
  try {
    proof = await consistencyProof(previous.size, current.size);
  } catch (err) {
    return { status: 'unproven', previous, detail: (err as Error).message };
  }
  const hashes = proof.map(fromBase64);
  if (hashes.some((h) => h === null)) return { status: 'forked', previous };
  const ok = await verifyConsistency(previous.size, current.size, hashes as Uint8Array[], oldRoot, current.root);
  return { status: ok ? 'extended' : 'forked', previous };
}
