import type { JobDefinition } from './types.js';

/**
 * The typed job map: every background job Trellis runs, by name. Handlers live in their domain
 * folders (`src/core/points/jobs/...`); this file only lists them.
 */
export const jobMap = {} satisfies Record<string, JobDefinition>;

export type JobMap = typeof jobMap;
