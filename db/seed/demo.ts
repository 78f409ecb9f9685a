import type { Db } from '../client.js';
import type { Config } from '../../src/config.js';
import type { Clock } from '../../src/context.js';
import type { JobQueue } from '../../src/jobs/types.js';
import type { Logger } from '../../src/logger.js';

export interface DemoCredentials {
  logins: { role: string; email: string; password: string }[];
  apiKey: string;
  programId: string;
}

/** Seeds the demo program on an empty database (SEED_DEMO=auto). Filled in with the member core. */
export async function seedDemoIfEmpty(
  _deps: { db: Db; logger: Logger; clock: Clock; jobs: JobQueue },
  _config: Config,
): Promise<DemoCredentials | undefined> {
  return undefined;
}
