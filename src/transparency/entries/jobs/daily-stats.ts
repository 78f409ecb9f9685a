import { z } from 'zod';
import { defineJob } from '../../../jobs/types.js';
import { writeDailyStats } from '../daily-stats.js';

/**
 * Hourly: the statistics entries of UTC days that ended (daily-stats.ts). Idempotent: a day's
 * figures are written once per owner (log_daily_stats' primary key), whoever runs it.
 */
export const dailyStatsJob = defineJob({
  name: 'transparency.daily-stats',
  payload: z.object({}).passthrough(),
  everyMs: 3_600_000,
  attempts: 3,
  async handler(deps) {
    const written = await writeDailyStats(deps);
    if (written > 0) deps.logger.info({ written }, 'daily statistics logged');
  },
});
