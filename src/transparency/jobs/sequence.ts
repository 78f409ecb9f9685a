import { z } from 'zod';
import type { Db } from '../../../db/client.js';
import type { Clock } from '../../context.js';
import { defineJob, type JobConfig } from '../../jobs/types.js';
import type { Secrets } from '../../secrets/index.js';
import { LogKeys } from '../log/keys.js';
import { sequenceLog } from '../log/sequencer.js';

export const DEFAULT_TRANSPARENCY_ORIGIN = 'trellis.localhost/log';

// One LogKeys per database handle, so a worker does not re-import the key every second.
const keysByDb = new WeakMap<Db, LogKeys>();

/** The log keys a job uses: built from the job's database, clock, keyring and configured origin. */
export function jobLogKeys(deps: { db: Db; clock: Clock; secrets: Secrets; config?: JobConfig }): LogKeys {
  const origin = deps.config?.TRANSPARENCY_ORIGIN ?? DEFAULT_TRANSPARENCY_ORIGIN;
  let keys = keysByDb.get(deps.db);
  if (!keys || keys.origin !== origin) keysByDb.set(deps.db, (keys = new LogKeys(deps.db, deps.clock, origin, deps.secrets.keyring)));
  return keys;
}

/**
 * Every TRANSPARENCY_SEQUENCE_INTERVAL_MS: appends waiting outbox rows to the log and signs a
 * checkpoint (sequencer.ts). Idempotent: a run that finds nothing waiting (or another process
 * sequencing) does nothing; the first run of a new log signs the empty tree's checkpoint.
 */
export const sequenceLogJob = defineJob({
  name: 'transparency.sequence',
  payload: z.object({}).passthrough(),
  everyMs: (config) => config.TRANSPARENCY_SEQUENCE_INTERVAL_MS ?? 1_000,
  attempts: 3,
  async handler(deps) {
    const result = await sequenceLog({ db: deps.db, clock: deps.clock, keys: jobLogKeys(deps) });
    if (result.appended === 0) return;
    deps.logger.debug({ appended: result.appended, treeSize: result.treeSize }, 'log entries sequenced');
    if ((deps.config?.TRANSPARENCY_WITNESSES ?? []).length > 0) {
      // One witness round per tree size; a later checkpoint supersedes a round still waiting.
      await deps.jobs.enqueue('transparency.witness', { treeSize: result.treeSize }, { jobId: `transparency.witness:${result.treeSize}` });
    }
  },
});
