import { signedCheckpointTime, verifySignedCheckpoint, type VerifiedCheckpoint } from './checkpoint';
import { checkAgainstLastSeen, type ConsistencyOutcome, type KeyValueStore } from './consistency';
import { compareWithDashboard, latestCommissions, type CommissionMismatch, type DashboardCommission } from './dashboard';
import { checkEntry, type EntryResult, type ListedEntry } from './entries';
import { VerifyFailure } from './failure';
import { importReceiptKeys, type Jwk } from './receipts';

/** What the browser reads from the server; the panel implements it with the API client, tests with a fake log. */
export interface LogSource {
  vkey(): Promise<string>;
  checkpoint(): Promise<string>;
  /** The same checkpoint as a JWS with its time (`/log/checkpoint.jws`). */
  checkpointJws(): Promise<string>;
  jwks(): Promise<{ keys: Jwk[] }>;
  inclusionProof(index: number, treeSize: number): Promise<string[]>;
  consistencyProof(from: number, to: number): Promise<string[]>;
  receipts(cursor: string | null): Promise<{ data: ListedEntry[]; nextCursor: string | null }>;
  commissions(cursor: string | null): Promise<{ data: DashboardCommission[]; nextCursor: string | null }>;
}

/** `first_use`: pinned now; `pinned`: the key pinned before; `changed`: the log serves another key than the pinned one. */
export type KeyPin = 'first_use' | 'pinned' | 'changed';

export interface CheckpointState {
  /** The vkey the checkpoint was checked with (the pinned one). */
  vkey: string;
  /** The vkey the server publishes now. */
  servedVkey: string;
  keyPin: KeyPin;
  pinnedAt?: string;
  checkpoint?: VerifiedCheckpoint;
  /** When the log signed it (from its JWS twin), null when that could not be confirmed. */
  signedAt?: Date | null;
  /** Why the checkpoint did not verify. */
  failure?: VerifyFailure;
  consistency?: ConsistencyOutcome;
}

const VKEY_PIN = 'trellis.verify.vkey';

interface Pin {
  vkey: string;
  pinnedAt: string;
}

function readPin(store: KeyValueStore): Pin | undefined {
  try {
    const pin = JSON.parse(store.getItem(VKEY_PIN) ?? 'null') as Pin | null;
    return pin && typeof pin.vkey === 'string' ? pin : undefined;
  } catch {
    return undefined;
  }
}

/** Trusts `vkey` from now on (first use, or after the program announced a key rotation). */
export function pinVkey(store: KeyValueStore, vkey: string, now: Date = new Date()): void {
  store.setItem(VKEY_PIN, JSON.stringify({ vkey, pinnedAt: now.toISOString() } satisfies Pin));
}

/**
 * The latest checkpoint, verified with the log's key, and compared with the one this browser saw
 * last. The key is pinned on first use (trust on first use, like SSH): a log that later serves
 * another key is flagged instead of silently believed. `/log/vkey` is the same key the CLI takes
 * as its argument; the panel shows it so it can be compared with the one the program publishes.
 */
export async function loadCheckpoint(source: LogSource, store: KeyValueStore, now: () => Date = () => new Date()): Promise<CheckpointState> {
  const [servedVkey, note] = await Promise.all([source.vkey().then((v) => v.trim()), source.checkpoint()]);
  let pin = readPin(store);
  const keyPin: KeyPin = !pin ? 'first_use' : pin.vkey === servedVkey ? 'pinned' : 'changed';
  const vkey = pin?.vkey ?? servedVkey;
  const state: CheckpointState = { vkey, servedVkey, keyPin, ...(pin ? { pinnedAt: pin.pinnedAt } : {}) };
  try {
    state.checkpoint = await verifySignedCheckpoint(note, vkey);
  } catch (err) {
    if (!(err instanceof VerifyFailure)) throw err;
    state.failure = err;
    return state;
  }
  if (!pin) {
    pinVkey(store, vkey, now());
    pin = readPin(store);
    state.pinnedAt = pin?.pinnedAt;
  }
  state.signedAt = await Promise.all([source.checkpointJws(), source.jwks()])
    .then(async ([jws, jwks]) => signedCheckpointTime(jws, await importReceiptKeys(jwks), state.checkpoint!))
    .catch(() => null);
  state.consistency = await checkAgainstLastSeen(store, state.checkpoint, (from, to) => source.consistencyProof(from, to), now);
  return state;
}

export interface EntriesReport {
  checkpointSize: number;
  entries: EntryResult[];
  verified: number;
  pending: number;
  failed: number;
  commissionsOnDashboard: number;
  mismatches: CommissionMismatch[];
}

export interface Progress {
  phase: 'listing' | 'checking' | 'comparing';
  done: number;
  total: number;
}

async function allPages<T>(page: (cursor: string | null) => Promise<{ data: T[]; nextCursor: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const next = await page(cursor);
    out.push(...next.data);
    cursor = next.nextCursor;
  } while (cursor);
  return out;
}

/** Runs `fn` over `items`, at most `limit` at a time (the API rate-limits proof requests). */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * The affiliate's own check against a verified checkpoint: every entry listed with its receipt
 * (see checkEntry), then the dashboard's commissions against the latest logged state of each.
 */
export async function checkMyEntries(source: LogSource, checkpoint: VerifiedCheckpoint, memberId: string, onProgress: (p: Progress) => void = () => {}): Promise<EntriesReport> {
  onProgress({ phase: 'listing', done: 0, total: 0 });
  const [listed, jwks] = await Promise.all([allPages((c) => source.receipts(c)), source.jwks()]);
  const receiptKeys = await importReceiptKeys(jwks);
  const oldestFirst = [...listed].reverse();
  let done = 0;
  onProgress({ phase: 'checking', done, total: oldestFirst.length });
  const entries = await mapLimit(oldestFirst, 4, async (e) => {
    const result = await checkEntry(e, { checkpoint, memberId, receiptKeys, inclusionProof: (i, s) => source.inclusionProof(i, s) });
    onProgress({ phase: 'checking', done: ++done, total: oldestFirst.length });
    return result;
  });
  onProgress({ phase: 'comparing', done, total: oldestFirst.length });
  const dashboard = await allPages((c) => source.commissions(c));
  return {
    checkpointSize: checkpoint.size,
    entries,
    verified: entries.filter((e) => e.status === 'ok').length,
    pending: entries.filter((e) => e.status === 'pending').length,
    failed: entries.filter((e) => e.status === 'failed').length,
    commissionsOnDashboard: dashboard.length,
    mismatches: compareWithDashboard(latestCommissions(entries), dashboard),
  };
}
