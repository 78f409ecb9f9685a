import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.js';
import type { ServiceContext } from '../../context.js';
import { getAffiliate } from '../../core/members/affiliates.js';
import { pageLimit, type Page, type PageInput } from '../../core/pagination.js';
import { ValidationError } from '../../errors.js';
import type { LogKeys } from '../log/keys.js';
import { signReceipt } from '../log/receipts.js';
import { saltHexOf } from './salts.js';

/**
 * An affiliate's own log entries with their receipts, and the salt their references are hashed
 * under: what they need to check, with the verifier, that the log holds every commission they
 * were told about. Scope is the affiliate profile's (getAffiliate): the affiliate themselves,
 * admins, regional managers for affiliates in their countries.
 */

export interface PartnerEntryView {
  /** The entry's index in the log; null until the sequencer has appended it (within seconds). */
  index: number | null;
  /** base64 of SHA-256(0x00 || entry), the RFC 9162 leaf hash. */
  leafHash: string;
  type: string;
  recordedAt: Date;
  /** The entry exactly as logged (canonical JSON): hash these bytes to get the leaf hash. */
  entry: string;
  receipt: string;
}

interface EntryRow extends Record<string, unknown> {
  idx: number | string | null;
  outbox_id: number | string;
  entry: string;
  leaf_hash: string;
  type: string;
  recorded_at: Date | string;
}

/**
 * Newest first. Pages are keyed by the outbox id, which an entry keeps when the sequencer moves it
 * into the log (in outbox order), so an entry sequenced between two pages is neither lost nor
 * listed twice.
 */
export async function listPartnerEntries(ctx: ServiceContext, keys: LogKeys, programId: string, memberId: string, page: PageInput = {}): Promise<Page<PartnerEntryView>> {
  const affiliate = await getAffiliate(ctx, programId, memberId);
  const { limit, fetch, cursor } = pageLimit(page);
  if (cursor !== undefined && !/^\d{1,15}$/.test(cursor)) throw new ValidationError([{ field: 'cursor', reason: 'must be a nextCursor this list returned' }]);
  const before = cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(cursor);
  const partner = affiliate.id;
  const rows = await queryRows<EntryRow>(
    ctx.db,
    sql`select * from (
          (select null::bigint as idx, o.id as outbox_id, o.entry, encode(o.leaf_hash, 'base64') as leaf_hash, o.type, o.created_at as recorded_at
             from log_outbox o where o.partner_member_id = ${partner} and o.id < ${before} order by o.id desc limit ${fetch})
          union all
          (select e.idx, e.outbox_id, e.entry, encode(e.leaf_hash, 'base64'), e.type, e.recorded_at
             from log_entries e where e.partner_member_id = ${partner} and e.outbox_id < ${before} order by e.idx desc limit ${fetch})
        ) x order by outbox_id desc limit ${fetch}`,
  );
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  const data = await Promise.all(
    slice.map(async (r): Promise<PartnerEntryView> => {
      const leafHash = r.leaf_hash.replace(/\n/g, '');
      const recordedAt = r.recorded_at instanceof Date ? r.recorded_at : new Date(r.recorded_at);
      return {
        index: r.idx === null ? null : Number(r.idx),
        leafHash,
        type: r.type,
        recordedAt,
        entry: r.entry,
        receipt: await signReceipt(keys, { leafHash: new Uint8Array(Buffer.from(leafHash, 'base64')), recordedAt }),
      };
    }),
  );
  return { data, nextCursor: more ? String(slice[slice.length - 1]!.outbox_id) : null };
}

/** The affiliate's salt (hex; see salts.ts for how references are hashed with it). */
export async function partnerLogSalt(ctx: ServiceContext, programId: string, memberId: string): Promise<{ memberId: string; salt: string; algorithm: 'HMAC-SHA256' }> {
  const affiliate = await getAffiliate(ctx, programId, memberId);
  return { memberId: affiliate.id, salt: await saltHexOf(ctx, affiliate.id), algorithm: 'HMAC-SHA256' };
}
