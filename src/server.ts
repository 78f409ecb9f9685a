import { serve } from '@hono/node-server';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { newApp } from './app.js';
import { loadConfigOrExit } from './config.js';
import { holdsDemoData, seedDemoIfEmpty } from '../db/seed/demo.js';
import { chooseBindAddress } from './bind-address.js';
import { closeRuntime, createRuntime, onShutdownSignal } from './runtime.js';
import { createTracking } from './tracking/runtime.js';
import { createApiRateLimiter } from './api/middleware/rate-limit.js';
import { withRedirectFastPath } from './tracking/redirect/node-listener.js';

// boot: config -> database -> jobs -> app -> listen; graceful shutdown.
const config = loadConfigOrExit();
const rt = await createRuntime(config);
const { logger } = rt;

// Without Redis this is the only process, so it runs the jobs too; with Redis, workers normally
// run apart (`npm run worker`) unless RUN_WORKERS asks for both in one process.
if (!config.REDIS_URL || config.RUN_WORKERS) await rt.jobs.startWorkers();

const tracking = createTracking({ config, db: rt.database.db, logger, clock: rt.clock, changes: rt.changes, keyring: rt.secrets.keyring });
await tracking.start();
const apiRateLimiter = createApiRateLimiter(config, logger);

const app = newApp({
  config,
  db: rt.database.db,
  logger,
  clock: rt.clock,
  jobs: rt.jobs,
  secrets: rt.secrets,
  tokens: rt.tokens,
  log: rt.log,
  tracking,
  apiRateLimiter,
  healthCheck: rt.healthCheck,
});

const demo = await seedDemoIfEmpty({ db: rt.database.db, logger, clock: rt.clock, jobs: rt.jobs, secrets: rt.secrets }, config);
// The seed installs the demo's fixed log key after this process loaded the one it found at boot:
// load it now, or /log/vkey would name the replaced key until the next refresh.
if (demo) await rt.log.refresh();

// The demo's passwords and log key are public: without an explicit HOST, a database that holds it
// (seeded now or on an earlier boot) is served on loopback only.
const bind = chooseBindAddress(config.HOST, demo !== undefined || (await holdsDemoData(rt.database.db)));
const DEMO_BIND_NOTICE = `The database holds the demo data (public passwords and log key): listening on ${bind.host} only. Set HOST (e.g. HOST=0.0.0.0) to listen elsewhere.`;

// `GET|HEAD /r/{slug}` is answered by the fast path before Hono; everything else goes to the app.
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: bind.host, createServer: withRedirectFastPath(tracking, config, logger) }, (info) => {
  const base = config.PUBLIC_URL;
  logger.info({ url: base, host: bind.host, port: info.port, driver: rt.database.driver, jobs: rt.jobs.kind }, 'Trellis is listening');
  if (bind.reason === 'demo') logger.warn({ host: bind.host }, DEMO_BIND_NOTICE);
  const lines = [
    '',
    `  Trellis is running at ${base} (listening on ${bind.host}:${info.port})`,
    `  Dashboards:      ${base}/login`,
    `  API reference:   ${base}/docs`,
    `  OpenAPI:         ${base}/openapi.json`,
    `  Health:          ${base}/healthz`,
    `  Database:        ${rt.database.driver === 'pglite' ? `embedded PGlite in ${join(config.DATA_DIR, 'pglite')}` : 'PostgreSQL'}; jobs: ${rt.jobs.kind}`,
  ];
  if (bind.reason === 'demo') lines.push('', `  ${DEMO_BIND_NOTICE}`);
  if (demo) {
    mkdirSync(config.DATA_DIR, { recursive: true });
    const file = join(config.DATA_DIR, 'demo.json');
    writeFileSync(file, JSON.stringify({ url: base, ...demo }, null, 2) + '\n');
    lines.push('', '  Demo data (also in ' + file + '):');
    for (const login of demo.logins) lines.push(`    ${login.role.padEnd(17)} ${login.email} / ${login.password}`);
    lines.push(`    merchant API key  ${demo.apiKey}`);
    lines.push(`    referral link     ${base}/r/demo`);
  }
  process.stdout.write(lines.join('\n') + '\n\n');
});

onShutdownSignal(logger, config.SHUTDOWN_TIMEOUT_MS, async () => {
  // Stop accepting, let in-flight requests finish, then drain jobs and close pools.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Idle keep-alive sockets would hold close() open; busy ones finish their request first.
  if ('closeIdleConnections' in server) server.closeIdleConnections();
  await closed;
  // Every click a visitor was redirected for is written before the pools close.
  await tracking.close();
  await apiRateLimiter?.close();
  await closeRuntime(rt);
});
