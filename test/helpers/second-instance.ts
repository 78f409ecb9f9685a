import { sql } from 'drizzle-orm';
import { newApp, type App } from '../../src/app.js';
import { createChangeFeed, type ChangeFeed } from '../../src/change-feed.js';
import { TokenService } from '../../src/core/auth/tokens.js';
import { keyringFromConfig } from '../../src/secrets/from-config.js';
import { createSecrets } from '../../src/secrets/index.js';
import { createTracking } from '../../src/tracking/runtime.js';
import type { Tracking } from '../../src/tracking/types.js';
import type { ApiResponse, Harness } from './harness.js';

/** Another API process on the harness's database (and Redis, when configured). */
export interface SecondInstance {
  app: App;
  tracking: Tracking;
  changes: ChangeFeed;
  /** Calls this instance in-process, like Harness.request. */
  request<T = any>(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/**
 * A second app built the way server.ts builds one, sharing only what processes share: the
 * database, Redis (its own change-feed connections on the harness's prefix), the signing keys
 * stored in the database and the SECRET_KEY (its own keyring and tenant keys built from it). Its link cache and click buffer are its own, so a change made through
 * the harness reaches it only through the change feed or its cache TTL.
 */
export async function createSecondInstance(h: Harness): Promise<SecondInstance> {
  const secrets = createSecrets(keyringFromConfig(h.config));
  const changes = createChangeFeed(h.config, h.logger);
  const tracking = createTracking({ config: h.config, db: h.db, logger: h.logger, clock: h.clock, changes, keyring: secrets.keyring });
  await tracking.start();
  const tokens = new TokenService(h.db, h.clock, h.config.ACCESS_TOKEN_TTL_SECONDS, secrets.keyring);
  await tokens.init();
  const app = newApp({
    config: h.config,
    db: h.db,
    logger: h.logger,
    clock: h.clock,
    jobs: h.jobs,
    secrets,
    tokens,
    log: h.log,
    tracking,
    healthCheck: async () => {
      await h.db.execute(sql`select 1`);
    },
  });
  return {
    app,
    tracking,
    changes,
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      let body: string | undefined;
      if (o.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = JSON.stringify(o.body);
      }
      const res = await app.request(path, { method, headers, body });
      const text = await res.text();
      const parsed: unknown = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
      return { status: res.status, headers: res.headers, body: parsed as any };
    },
    async close() {
      await tracking.close();
      await changes.close();
    },
  };
}
