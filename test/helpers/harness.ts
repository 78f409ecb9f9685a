import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { newApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { ServiceContext } from '../../src/context.js';
import { systemActor, type Actor } from '../../src/core/auth/actor.js';
import { TokenService } from '../../src/core/auth/tokens.js';
import { createJobRunner } from '../../src/jobs/index.js';
import type { JobRunner } from '../../src/jobs/types.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createChangeFeed } from '../../src/change-feed.js';
import { createTracking } from '../../src/tracking/runtime.js';
import { LogKeys } from '../../src/transparency/log/keys.js';
import { createApiRateLimiter } from '../../src/api/middleware/rate-limit.js';
import { secureDataAtRest } from '../../src/secrets/at-rest.js';
import { keyringFromConfig } from '../../src/secrets/from-config.js';
import { createSecrets, type Secrets } from '../../src/secrets/index.js';
import type { Tracking } from '../../src/tracking/types.js';
import { createTestDatabase } from './database.js';
import { randomSecretKey } from './secrets.js';

/** A clock tests can move forward; starts at real time so tokens and dates look normal. */
export interface TestClock {
  (): Date;
  advance(ms: number): void;
  set(date: Date): void;
}

export function createTestClock(start = new Date()): TestClock {
  let offset = start.getTime() - Date.now();
  const clock = (() => new Date(Date.now() + offset)) as TestClock;
  clock.advance = (ms) => {
    offset += ms;
  };
  clock.set = (d) => {
    offset = d.getTime() - Date.now();
  };
  return clock;
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface Harness {
  app: App;
  db: Db;
  config: Config;
  logger: Logger;
  clock: TestClock;
  jobs: JobRunner;
  /** This "process's" keyring (a fresh SECRET_KEY per harness) and tenant keys. */
  secrets: Secrets;
  tokens: TokenService;
  /** The transparency log's keys (signing_keys rows of this database). */
  log: LogKeys;
  /** This app instance's link cache, click buffer and change feed (as one API process has). */
  tracking: Tracking;
  databaseUrl?: string;
  /** Calls the app in-process; JSON bodies are serialised, JSON responses parsed. */
  request<T = any>(method: string, path: string, opts?: { token?: string; body?: unknown; rawBody?: string | Uint8Array | ReadableStream | Blob; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  /** A service context acting as `actor` (system by default), for calling domain services directly. */
  ctx(actor?: Actor): ServiceContext;
  close(): Promise<void>;
}

/**
 * One per test file (beforeAll): a fresh database, the real job runner (BullMQ on its own Redis
 * prefix when REDIS_URL is set), and the same app factory the server uses. Each harness has its own
 * random SECRET_KEY, as a deployment would (PostgreSQL mode refuses to start without one).
 */
export async function createHarness(opts: { poolSize?: number; /** Overrides of environment variables. */ env?: Record<string, string> } = {}): Promise<Harness> {
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JOBS_QUEUE_PREFIX: `trellis-test-${randomBytes(5).toString('hex')}`,
    SECRET_KEY: randomSecretKey(),
    SECRET_KEY_PREVIOUS: '',
    ...opts.env,
  });
  const secrets = createSecrets(keyringFromConfig(config));
  const database = await createTestDatabase(opts);
  const logger = createLogger(config.LOG_LEVEL);
  const clock = createTestClock();
  // As at boot: nothing to do on a fresh database, but the step runs where the server runs it.
  await secureDataAtRest({ db: database.db, secrets, logger });
  const jobs = createJobRunner(config, { db: database.db, logger, clock, secrets, backoffMs: 20 });
  await jobs.startWorkers();
  const tokens = new TokenService(database.db, clock, config.ACCESS_TOKEN_TTL_SECONDS, secrets.keyring);
  await tokens.init();
  const log = new LogKeys(database.db, clock, config.TRANSPARENCY_ORIGIN, secrets.keyring);
  await log.init();
  // Each harness is its own "process": its own change feed connection, cache and buffer.
  const changes = createChangeFeed(config, logger);
  const tracking = createTracking({ config, db: database.db, logger, clock, changes, keyring: secrets.keyring });
  await tracking.start();
  const apiRateLimiter = createApiRateLimiter(config, logger, () => clock().getTime());
  await apiRateLimiter?.ready();
  const app = newApp({
    config,
    db: database.db,
    logger,
    clock,
    jobs,
    secrets,
    tokens,
    log,
    tracking,
    apiRateLimiter,
    healthCheck: async () => {
      await database.db.execute(sql`select 1`);
    },
  });

  const harness: Harness = {
    app,
    db: database.db,
    config,
    logger,
    clock,
    jobs,
    secrets,
    tokens,
    log,
    tracking,
    databaseUrl: database.url,
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      let body: any = o.rawBody;
      if (o.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = JSON.stringify(o.body);
      }
      const res = await app.request(path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
      return { status: res.status, headers: res.headers, body: parsed as any };
    },
    ctx(actor = systemActor('test')) {
      return { db: database.db, actor, logger, clock, jobs, secrets, changes };
    },
    async close() {
      await tracking.close();
      await apiRateLimiter?.close();
      await changes.close();
      await jobs.close();
      await database.drop();
    },
  };
  return harness;
}
