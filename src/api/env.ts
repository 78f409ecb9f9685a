import type { Db } from '../../db/client.js';
import type { Config } from '../config.js';
import type { NegotiatedLocale } from '../i18n/negotiate.js';
import type { Clock } from '../context.js';
import type { Actor } from '../core/auth/actor.js';
import type { RequestCredential } from './middleware/credential.js';
import type { TokenService } from '../core/auth/tokens.js';
import type { WindowRateLimiter } from '../core/rate-limiter.js';
import type { JobQueue } from '../jobs/types.js';
import type { Logger } from '../logger.js';
import type { Secrets } from '../secrets/index.js';
import type { Tracking } from '../tracking/types.js';
import type { LogKeys } from '../transparency/log/keys.js';

/** Everything the HTTP app needs, built by server.ts or by the test harness. */
export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
  clock: Clock;
  jobs: JobQueue;
  /** The process's keyring and tenant keys (src/secrets). */
  secrets: Secrets;
  tokens: TokenService;
  /** The transparency log's signing keys (checkpoints, receipts). */
  log: LogKeys;
  /** The redirect hot path's cache, click buffer and change feed (one set per process). */
  tracking: Tracking;
  /** API_RATE_LIMIT_PER_MINUTE on /v1 (see createApiRateLimiter); absent means no limit. Its owner closes it. */
  apiRateLimiter?: WindowRateLimiter;
  /** Checks the database for /healthz. */
  healthCheck: () => Promise<void>;
}

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    requestId: string;
    logger: Logger;
    actor?: Actor;
    /** The verified credential (src/api/middleware/credential.ts), shared by the rate limit and authentication. */
    credential?: RequestCredential;
    /** The request's locale (src/api/middleware/locale.ts); `explicit` when the caller chose it. */
    locale: NegotiatedLocale;
  };
};
