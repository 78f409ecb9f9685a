import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { leafHash, verifyInclusion } from '../merkle.js';
import type { VerifiedCheckpoint } from './checkpoint.js';
import type { LogClient } from './fetch.js';
import { fetchInclusionProof } from './proofs.js';
import { VerificationFailure, type VerificationReport } from './report.js';
import { mapLimit, type RebuiltTree } from './tree.js';

/** The `typ` of a receipt JWS (src/transparency/log/receipts.ts signs them). */
const RECEIPT_TYP = 'trellis-receipt+jws';

/** One row of the affiliate receipts list (GET /v1/programs/{programId}/affiliates/{memberId}/receipts). */
export interface ListedEntry {
  index: number | null;
  leafHash: string;
  type: string;
  recordedAt: string;
  entry: string;
  receipt: string;
}

export interface ReceiptOutcome {
  /** Entries whose receipt verified and that the checkpoint's tree holds, with a verified inclusion proof. */
  included: ListedEntry[];
  /** Entries whose receipt verified but that came after the checkpoint (not yet sequenced, or sequenced since). */
  pending: ListedEntry[];
}

const encoder = new TextEncoder();
const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64');

/** Every page of the list, oldest first. */
export async function listAffiliateEntries(client: LogClient, token: string, programId: string, memberId: string): Promise<ListedEntry[]> {
  const out: ListedEntry[] = [];
  let cursor: string | null = null;
  do {
    const page: { data: ListedEntry[]; nextCursor: string | null } = await client.json(
      `/v1/programs/${encodeURIComponent(programId)}/affiliates/${encodeURIComponent(memberId)}/receipts?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return out.reverse();
}

/**
 * Checks each listed entry: its receipt is a JWS by a log key of `/.well-known/jwks.json` naming this
 * log's origin and the entry's leaf hash; the leaf hash is the entry's; and, when the entry is in
 * the checkpoint's tree, leaf `index` of the downloaded tree is that hash and the log's inclusion
 * proof verifies against the checkpoint's root. Each problem is one failure line.
 */
export async function checkReceipts(client: LogClient, verified: VerifiedCheckpoint, tree: RebuiltTree | undefined, listed: readonly ListedEntry[], report: VerificationReport): Promise<ReceiptOutcome> {
  // The set lists access-token keys too; only log keys (kid `tlog_…`) may verify a receipt.
  const published = await client.json<JSONWebKeySet>('/.well-known/jwks.json');
  const jwks = createLocalJWKSet({ keys: published.keys.filter((k) => k.kid?.startsWith('tlog_')) });
  const { checkpoint } = verified;
  const outcome: ReceiptOutcome = { included: [], pending: [] };
  await mapLimit(listed, 4, async (e) => {
    const name = `${e.type} entry ${e.index ?? '(not yet sequenced)'} (leaf hash ${e.leafHash})`;
    const computed = b64(leafHash(encoder.encode(e.entry)));
    if (computed !== e.leafHash) return void report.failures.push(`${name}: the entry's bytes hash to ${computed}, not to the leaf hash listed`);
    let claims: { origin?: unknown; leafHash?: unknown };
    try {
      const { payload, protectedHeader } = await compactVerify(e.receipt, jwks, { algorithms: ['EdDSA'] });
      if (protectedHeader.typ !== RECEIPT_TYP) throw new Error(`typ is ${String(protectedHeader.typ)}, not ${RECEIPT_TYP}`);
      claims = JSON.parse(new TextDecoder().decode(payload));
    } catch (err) {
      return void report.failures.push(`${name}: the receipt does not verify with the log's keys (${(err as Error).message})`);
    }
    if (claims.origin !== checkpoint.origin) return void report.failures.push(`${name}: the receipt names log "${String(claims.origin)}", not "${checkpoint.origin}"`);
    if (claims.leafHash !== e.leafHash) return void report.failures.push(`${name}: the receipt promises leaf hash ${String(claims.leafHash)}, not this entry's`);
    if (e.index === null || e.index >= checkpoint.size) return void outcome.pending.push(e);
    if (tree && b64(tree.leafHashes[e.index]!) !== e.leafHash) {
      return void report.failures.push(`${name}: leaf ${e.index} of the log's tree is another entry; the receipted entry is not where the log says it is`);
    }
    try {
      const proof = await fetchInclusionProof(client, e.index, checkpoint.size);
      if (!verifyInclusion(new Uint8Array(Buffer.from(e.leafHash, 'base64')), e.index, checkpoint.size, proof, checkpoint.root)) {
        throw new VerificationFailure(`${name}: the log's inclusion proof in the tree of size ${checkpoint.size} does not verify against the checkpoint's root`);
      }
    } catch (err) {
      return void report.failures.push(err instanceof VerificationFailure ? err.message : `${name}: ${(err as Error).message}`);
    }
    outcome.included.push(e);
  });
  return outcome;
}
