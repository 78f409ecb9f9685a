import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import { NotFoundError } from '../../errors.js';
import type { ProgramDailyStats } from './stats.js';

export interface PublicProgramStats extends ProgramDailyStats {
  /** The entry's index in the log (null in the seconds before it is sequenced), to check it with an inclusion proof. */
  index: number | null;
  /** base64 leaf hash of `entry`. */
  leafHash: string;
  /** The `stats.program.daily` entry exactly as logged. */
  entry: string;
}

/**
 * A program's latest daily figures, as its log entry states them: public, so an affiliate can
 * compare programs before joining, and check the figures are the logged ones.
 */
export async function publicProgramStats(db: Db, programId: string): Promise<PublicProgramStats> {
  const rows = await queryRows<{ idx: number | string | null; entry: string; leaf_hash: string }>(
    db,
    sql`select * from (
          (select o.id as ord, null::bigint as idx, o.entry, encode(o.leaf_hash, 'base64') as leaf_hash from log_outbox o
             where o.program_id = ${programId} and o.type = 'stats.program.daily' order by o.id desc limit 1)
          union all
          (select e.outbox_id, e.idx, e.entry, encode(e.leaf_hash, 'base64') from log_entries e
             where e.program_id = ${programId} and e.type = 'stats.program.daily' order by e.idx desc limit 1)
        ) x order by ord desc limit 1`,
  );
  const row = rows[0];
  // An unknown program and one without figures yet look the same: nothing to show.
  if (!row) throw new NotFoundError('ProgramStats', programId);
  const { type: _type, v: _v, ...stats } = JSON.parse(row.entry) as ProgramDailyStats & { type: string; v: number };
  return { ...stats, index: row.idx === null ? null : Number(row.idx), leafHash: row.leaf_hash.replace(/\n/g, ''), entry: row.entry };
}
