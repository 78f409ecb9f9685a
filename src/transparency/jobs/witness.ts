import { z } from 'zod';
import { defineJob } from '../../jobs/types.js';
import { collectCosignatures } from '../log/witnesses.js';

/**
 * After the sequencer signs a checkpoint: ask each configured witness to cosign the latest one.
 * Idempotent: a witness that already cosigned that tree size is not asked again, so a retry
 * (after one witness failed) only asks the ones that did not answer.
 */
export const witnessCheckpointJob = defineJob({
  name: 'transparency.witness',
  payload: z.object({ treeSize: z.number().int().min(0).optional() }).passthrough(),
  attempts: 5,
  async handler(deps) {
    const outcomes = await collectCosignatures(deps, deps.config?.TRANSPARENCY_WITNESSES ?? []);
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (failed.length > 0) throw new Error(`witnesses did not cosign: ${failed.map((f) => `${f.witness} (${f.reason})`).join('; ')}`);
  },
});
