import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../db/client.js';
import { applyMigrations } from '../db/migrate.js';
import { createChangeFeed, type ChangeFeed } from './change-feed.js';
import type { Config } from './config.js';
import { systemClock, type Clock } from './context.js';
import { TokenService } from './core/auth/tokens.js';
import { createJobRunner } from './jobs/index.js';
import type { JobRunner } from './jobs/types.js';
import { createLogger, type Logger } from './logger.js';
import { secureDataAtRest } from './secrets/at-rest.js';
import { keyringFromConfig } from './secrets/from-config.js';
import { createSecrets, type Secrets } from './secrets/index.js';
import { LogKeys } from './transparency/log/keys.js';
import { sequenceLog } from './transparency/log/sequencer.js';

/** The long-lived pieces a process is made of; server.ts and worker.ts build one each. */
export interface Runtime {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: Database;
  jobs: JobRunner;
  /** The keyring (SECRET_KEY) and the tenants' keys: what opens the secrets in the database. */
  secrets: Secrets;
  tokens: TokenService;
  /** The transparency log's signing keys. */
  log: LogKeys;
  /** Cross-process change announcements (Redis pub/sub, or local without Redis). */
  changes: ChangeFeed;
  healthCheck(): Promise<void>;
}

/**
 * config -> keyring -> database (migrated, secrets at rest secured) -> jobs. The caller decides
 * whether this process runs workers.
 */
export async function createRuntime(config: Config, opts: { logger?: Logger; clock?: Clock } = {}): Promise<Runtime> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const clock = opts.clock ?? systemClock;
  // First: a missing or malformed key stops the process before it touches the database.
  const secrets = createSecrets(keyringFromConfig(config, logger));
  const database = await openDatabase({
    url: config.DATABASE_URL,
    // The embedded database gets its own folder so DATA_DIR can hold other files (demo.json).
    dataDir: join(config.DATA_DIR, 'pglite'),
    poolSize: config.DATABASE_POOL_SIZE,
  });
  logger.info({ driver: database.driver }, 'database opened');
  await applyMigrations(database);
  await secureDataAtRest({ db: database.db, secrets, logger });
  const jobs = createJobRunner(config, { db: database.db, logger, clock, secrets });
  const tokens = new TokenService(database.db, clock, config.ACCESS_TOKEN_TTL_SECONDS, secrets.keyring);
  await tokens.init();
  const log = new LogKeys(database.db, clock, config.TRANSPARENCY_ORIGIN, secrets.keyring);
  await log.init();
  // A new log publishes the empty tree's checkpoint at once (a no-op when a checkpoint exists or
  // another process sequences). One batch at most: a backlog is the sequencer job's, not the boot's.
  await sequenceLog({ db: database.db, clock, keys: log }, { maxBatches: 1 });
  const changes = createChangeFeed(config, logger);
  return {
    config,
    logger,
    clock,
    database,
    jobs,
    secrets,
    tokens,
    log,
    changes,
    healthCheck: async () => {
      await database.db.execute(sql`select 1`);
    },
  };
}

/** Jobs first (they finish their work on the database), then the database. */
export async function closeRuntime(rt: Runtime): Promise<void> {
  await rt.jobs.close();
  await rt.changes.close();
  await rt.database.close();
}

/** Runs `stop` once on SIGTERM/SIGINT, bounded by a timeout, then exits. */
export function onShutdownSignal(logger: Logger, timeoutMs: number, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop()
      .then(() => {
        logger.info('shutdown complete');
        process.exit(0);
      })
      .catch((err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
