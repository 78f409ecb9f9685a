import { fromBase64, toBase64, utf8 } from './bytes';
import { parseCanonicalObject } from './canonical';
import type { VerifiedCheckpoint } from './checkpoint';
import { VerifyFailure } from './failure';
import { leafHash, verifyInclusion } from './merkle';
import { verifyReceipt } from './receipts';

/** One row of GET /v1/programs/{programId}/affiliates/{memberId}/receipts. */
export interface ListedEntry {
  index: number | null;
  leafHash: string;
  type: string;
  recordedAt: string;
  entry: string;
  receipt: string;
}

/** `ok`: receipt, hash and inclusion all verified; `pending`: receipted but after the checkpoint. */
export type EntryStatus = 'ok' | 'pending' | 'failed';

export interface EntryResult {
  leafHash: string;
  index: number | null;
  type: string;
  recordedAt: string;
  status: EntryStatus;
  /** The amount the entry logs: a commission's (in its currency) or a payout's. */
  money?: { amount: number; currency: string };
  /** The commission's status after this change, for commission.* entries. */
  commissionStatus?: string;
  /** Reason code when failed (web-verify:reason.<code>). */
  reason?: string;
  detail?: string;
  /** The parsed entry, when its bytes are the listed hash's and canonical. */
  parsed?: Record<string, unknown>;
}

export interface EntryCheckContext {
  checkpoint: VerifiedCheckpoint;
  memberId: string;
  receiptKeys: Map<string, CryptoKey>;
  inclusionProof: (index: number, treeSize: number) => Promise<string[]>;
}

function moneyOf(entry: Record<string, unknown>): EntryResult['money'] {
  if (typeof entry.amount === 'number' && typeof entry.currency === 'string') return { amount: entry.amount, currency: entry.currency };
  return undefined;
}

/**
 * What the CLI checks for each of an affiliate's entries: the bytes hash to the listed leaf hash,
 * they are canonical JSON of the listed type and belong to this affiliate, the receipt is the
 * log's signature over this origin and leaf hash, and, once the checkpoint covers it, the log's
 * inclusion proof puts that leaf at its index under the checkpoint's signed root.
 */
export async function checkEntry(e: ListedEntry, ctx: EntryCheckContext): Promise<EntryResult> {
  const base: EntryResult = { leafHash: e.leafHash, index: e.index, type: e.type, recordedAt: e.recordedAt, status: 'failed' };
  const fail = (reason: string, detail: string, extra: Partial<EntryResult> = {}): EntryResult => ({ ...base, ...extra, reason, detail });

  const computed = toBase64(await leafHash(utf8(e.entry)));
  if (computed !== e.leafHash) return fail('leaf_hash_mismatch', `the entry's bytes hash to ${computed}, not to the listed ${e.leafHash}`);
  const parsed = parseCanonicalObject(e.entry);
  if (!parsed) return fail('not_canonical', 'the entry is not canonical JSON (RFC 8785)');
  const shown: Partial<EntryResult> = { parsed, money: moneyOf(parsed), ...(typeof parsed.status === 'string' ? { commissionStatus: parsed.status } : {}) };
  if (parsed.type !== e.type) return fail('type_mismatch', `the entry is of type ${String(parsed.type)}, listed as ${e.type}`, shown);
  if (parsed.partnerMemberId !== ctx.memberId) return fail('other_partner', `the entry belongs to ${String(parsed.partnerMemberId)}`, shown);

  try {
    const claims = await verifyReceipt(e.receipt, ctx.receiptKeys);
    if (claims.origin !== ctx.checkpoint.origin) return fail('receipt_other_origin', `the receipt is for log "${claims.origin}"`, shown);
    if (claims.leafHash !== e.leafHash) return fail('receipt_other_leaf', `the receipt promises leaf hash ${claims.leafHash}`, shown);
  } catch (err) {
    if (err instanceof VerifyFailure) return fail(err.code, err.message, shown);
    throw err;
  }

  const { size, root } = ctx.checkpoint;
  if (e.index === null || e.index >= size) return { ...base, ...shown, status: 'pending' };
  let proof: string[];
  try {
    proof = await ctx.inclusionProof(e.index, size);
  } catch (err) {
    return fail('proof_unavailable', (err as Error).message, shown);
  }
  const hashes = proof.map(fromBase64);
  const leaf = fromBase64(e.leafHash)!;
  const included = hashes.every((h) => h !== null) && (await verifyInclusion(leaf, e.index, size, hashes as Uint8Array[], root));
  if (!included) return fail('inclusion_failed', `the inclusion proof of entry ${e.index} does not verify against the root of size ${size}`, shown);
  return { ...base, ...shown, status: 'ok' };
}
