import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../../db/client.js';
import { defineJob } from '../../jobs/types.js';
import { utcDay } from '../clicks/classify.js';
import { ensureClickPartition } from '../clicks/writer.js';

/** The schema default of CLICK_RETENTION_MONTHS, for runners built without config. */
const DEFAULT_RETENTION_MONTHS = 13;
/** Partitions made ahead of time (this month and the next two), so no flush waits on DDL. */
const MONTHS_AHEAD = 2;
const DAY_MS = 86_400_000;

/**
 * Hourly upkeep of the click tables: partitions for the coming months, retention of old months,
 * and the day-scoped tables (dedup rows and IP-hash secrets) pruned past yesterday. Every step is
 * idempotent, so overlapping or repeated runs are harmless. Rollups are never pruned: they are the
 * history the dashboards read once the raw clicks are gone.
 */
export const maintainClicksJob = defineJob({
  name: 'tracking.maintain-clicks',
  payload: z.object({}).passthrough(),
  everyMs: 60 * 60_000,
  async handler(deps) {
    const now = deps.clock();
    const today = utcDay(now);
    const yesterday = utcDay(now.getTime() - DAY_MS);

    for (let ahead = 0; ahead <= MONTHS_AHEAD; ahead++) {
      const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + ahead, 1));
      await ensureClickPartition(deps.db, utcDay(month));
    }

    // A month is dropped once all of it is older than the retention; PostgreSQL's date
    // arithmetic clamps month ends (31 March minus one month is 28 February).
    const retention = deps.config?.CLICK_RETENTION_MONTHS ?? DEFAULT_RETENTION_MONTHS;
    const dropped = await queryRows<{ name: string }>(
      deps.db,
      sql`select name from clicks_drop_partitions_before((${today}::date - make_interval(months => ${retention}::int))::date) as name`,
    );

    // Yesterday's rows stay: a click just after midnight may still be a duplicate of one before.
    const [pruned] = await queryRows<{ dedup: number; salts: number }>(
      deps.db,
      sql`with d as (delete from click_dedup where day < ${yesterday}::date returning 1),
               s as (delete from click_ip_salts where day < ${yesterday}::date returning 1)
          select (select count(*) from d)::int as dedup, (select count(*) from s)::int as salts`,
    );

    if (dropped.length || pruned?.dedup || pruned?.salts) {
      deps.logger.info({ droppedPartitions: dropped.map((r) => r.name), retentionMonths: retention, dedupRows: pruned?.dedup, ipSalts: pruned?.salts }, 'click tables maintained');
    }
  },
});
