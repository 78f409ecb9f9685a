/**
 * Redirect throughput: Trellis on real PostgreSQL (and Redis) against a bare node:http server
 * answering the same 302 from a Map, under the same autocannon load. Then: is every redirect
 * served a click in the database, and how soon after the load ended?
 *
 *   npm run bench:redirect
 *     DATABASE_URL   default postgres://postgres@127.0.0.1:5432/test (a fresh database is created and dropped)
 *     REDIS_URL      default redis://127.0.0.1:6379; set it empty to run Trellis without Redis
 *     BENCH_DURATION_S (10), BENCH_WARMUP_S (3), BENCH_CONNECTIONS (50)
 *     BENCH_NODE_FLAGS extra Node flags for both servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
 *
 * Trellis inherits the environment, so its knobs can be tried here too, e.g.
 * CLICK_FLUSH_INTERVAL_MS=250 CLICK_FLUSH_BATCH_SIZE=1000 npm run bench:redirect.
 * Prints one JSON document on stdout; the servers' own output goes to stderr. Besides throughput
 * and latency it reports CPU per request for each process, which other work on the machine skews
 * far less than requests per second.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { newId } from '../db/ids.js';
import { drive, type LoadResult } from './redirect-load.js';
import { cpuSeconds, freePort, startChild, stopAll, type Child } from './redirect-processes.js';
import { templateFrom } from './redirect-template.js';

const BASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const SLUG = 'demo';
const GOALS = { ratio: 0.6, p99Ms: 10, persistenceMs: 2_000 };
/** How long to wait for the clicks after the load before calling them lost. */
const PERSISTENCE_TIMEOUT_MS = 30_000;
const BROWSER = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' };

const round2 = (n: number) => Math.round(n * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/**
 * The demo seed creates the `demo` link; should this checkout's seed not, one is made here on
 * the demo program, with its host allowed, so the benchmark still measures a real redirect.
 */
async function ensureDemoLink(sql: postgres.Sql): Promise<'seeded' | 'inserted'> {
  const [existing] = await sql`select id from links where domain = '' and slug = ${SLUG}`;
  if (existing) return 'seeded';
  const [owner] = await sql`select m.program_id, m.id from members m join programs p on p.id = m.program_id order by p.created_at, m.created_at limit 1`;
  if (!owner) throw new Error('the demo seed created no program and member to hang a link on');
  const host = 'shop.example.com';
  await sql`update programs set settings = jsonb_set(settings, '{links}', coalesce(settings->'links', '{}') || ${sql.json({ allowedHosts: [host] })}) where id = ${owner.program_id}`;
  await sql`insert into links (id, program_id, owner_member_id, kind, slug, destination_url) values (${newId('lnk')}, ${owner.program_id}, ${owner.id}, 'affiliate', ${SLUG}, ${`https://${host}/landing`})`;
  return 'inserted';
}

/** One request outside the load: Trellis's answer becomes the bare server's template. */
async function probe(url: string): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(`${url}/r/${SLUG}`, { redirect: 'manual', headers: { ...BROWSER, 'x-forwarded-for': '192.0.2.1', 'cf-ipcountry': 'DE' } });
  const body = await res.text();
  if (res.status !== 302) throw new Error(`GET /r/${SLUG} answered ${res.status}, not 302: ${body.slice(0, 200)}`);
  return { status: res.status, headers: res.headers, body };
}

/** A warm-up (JIT, pools, caches), a pause for its clicks to flush, then the measured run. */
async function measure(child: Child, beforeLoad?: () => Promise<void>): Promise<{ result: LoadResult & { serverCpuUsPerRequest: number | null }; loadStartedAt: Date; loadEndedAt: number }> {
  log(`${child.name}: warm-up ${WARMUP_S} s`);
  await drive(child.url, { path: `/r/${SLUG}`, connections: CONNECTIONS, durationS: WARMUP_S });
  await sleep(1_000);
  // Clicks are stamped by the server as it answers; everything from here on belongs to the run.
  await beforeLoad?.();
  const loadStartedAt = new Date();
  const cpuBefore = cpuSeconds(child.process.pid);
  log(`${child.name}: load ${DURATION_S} s, ${CONNECTIONS} connections`);
  const result = await drive(child.url, { path: `/r/${SLUG}`, connections: CONNECTIONS, durationS: DURATION_S });
  const loadEndedAt = performance.now();
  const cpuAfter = cpuSeconds(child.process.pid);
  // The server process's CPU for the run (Trellis: its click writing included, PostgreSQL's not).
  const serverCpuUsPerRequest = cpuBefore === null || cpuAfter === null || !result.requests ? null : round2(((cpuAfter - cpuBefore) * 1e6) / result.requests);
  return { result: { ...result, serverCpuUsPerRequest }, loadStartedAt, loadEndedAt };
}

/** Polls until the clicks stored since `since` reach `served`; the ms it took, or null on timeout. */
async function waitForClicks(sql: postgres.Sql, since: Date, served: number, loadEndedAt: number): Promise<number | null> {
  for (;;) {
    const [row] = await sql`select count(*)::int as n from clicks where clicked_at >= ${since}`;
    const waited = performance.now() - loadEndedAt;
    if (row!.n >= served) return Math.round(waited);
    if (waited > PERSISTENCE_TIMEOUT_MS) return null;
    await sleep(20);
  }
}

/** CPU seconds of each PostgreSQL backend serving `database` (the bench's own two included). */
async function postgresCpu(sql: postgres.Sql, database: string): Promise<Map<number, number>> {
  const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${database}`;
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    const seconds = cpuSeconds(pid);
    if (seconds !== null) cpu.set(pid, seconds);
  }
  return cpu;
}

function cpuSpent(before: Map<number, number>, after: Map<number, number>): number | null {
  if (!after.size) return null;
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

async function clickSplit(sql: postgres.Sql, since: Date) {
  const rows = await sql<{ status: string; n: number }[]>`select status, count(*)::int as n from clicks where clicked_at >= ${since} group by status`;
  const by = Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
  return { persisted: rows.reduce((a, r) => a + r.n, 0), counted: by.counted ?? 0, duplicates: by.duplicate ?? 0, bots: by.bot ?? 0 };
}

async function dropRedisKeys(prefix: string): Promise<void> {
  if (!REDIS_URL) return;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const run = randomBytes(4).toString('hex');
const dbName = `trellis_bench_redirect_${run}`;
const queuePrefix = `trellis-bench-${run}`;
const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
let cleaning: Promise<void> | undefined;

/** Servers, then the database, Redis keys and data folder; once, however the run ends. */
function cleanUp(dataDir: string): Promise<void> {
  cleaning ??= (async () => {
    await stopAll();
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`).catch((err) => log(`could not drop ${dbName}: ${(err as Error).message}`));
    await admin.end();
    await dropRedisKeys(queuePrefix).catch((err) => log(`could not clean Redis keys: ${(err as Error).message}`));
    rmSync(dataDir, { recursive: true, force: true });
  })();
  return cleaning;
}

async function main(dataDir: string): Promise<void> {
  // Other work on the machine skews both runs, and not equally: the report shows how busy it was.
  const loadAtStart = loadavg()[0]!;
  await admin.unsafe(`create database "${dbName}"`);
  const dbUrl = new URL(BASE_URL);
  dbUrl.pathname = `/${dbName}`;
  const sql = postgres(dbUrl.toString(), { max: 2, onnotice: () => {} });
  try {
    log(`starting Trellis on ${dbName}${REDIS_URL ? ' with Redis' : ''}`);
    const trellis = await startChild({
      name: 'trellis',
      script: 'src/server.ts',
      port: await freePort(),
      nodeFlags: NODE_FLAGS,
      env: {
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        DATABASE_URL: dbUrl.toString(),
        REDIS_URL,
        JOBS_QUEUE_PREFIX: queuePrefix,
        DATA_DIR: dataDir,
        SEED_DEMO: 'always',
        LOG_LEVEL: 'warn',
        // The bench's own database: any key seals its secrets.
        SECRET_KEY: randomBytes(32).toString('base64'),
        TRACKING_CLIENT_IP_HEADER: 'x-forwarded-for',
        TRACKING_COUNTRY_HEADER: 'cf-ipcountry',
      },
      ready: async (url) => (await fetch(`${url}/healthz`)).ok,
      timeoutMs: 120_000,
    });
    const demoLink = await ensureDemoLink(sql);
    const template = templateFrom(await probe(trellis.url));

    const bare = await startChild({
      name: 'bare',
      script: 'bench/bare-redirect-server.ts',
      port: await freePort(),
      nodeFlags: NODE_FLAGS,
      env: { BARE_REDIRECTS: JSON.stringify({ [SLUG]: template }) },
      ready: async (url) => (await fetch(`${url}/r/${SLUG}`, { redirect: 'manual' })).status === template.status,
      timeoutMs: 30_000,
    });
    // The yardstick runs first, while Trellis sits idle, so neither disturbs the other's run.
    const bareRun = await measure(bare);
    await bare.stop();
    let pgBefore = new Map<number, number>();
    const trellisRun = await measure(trellis, async () => {
      pgBefore = await postgresCpu(sql, dbName);
    });
    const served = trellisRun.result.redirects;
    log(`trellis: waiting for ${served} clicks to be stored`);
    const persistedWithinMs = await waitForClicks(sql, trellisRun.loadStartedAt, served, trellisRun.loadEndedAt);
    // PostgreSQL's side of the clicks: every backend of this database, from the load's start until they were stored.
    const pgCpu = cpuSpent(pgBefore, await postgresCpu(sql, dbName));
    const split = await clickSplit(sql, trellisRun.loadStartedAt);
    const [{ server_version: pgVersion }] = (await sql`show server_version`) as unknown as [{ server_version: string }];

    const ratio = Math.round((trellisRun.result.rps / Math.max(1, bareRun.result.rps)) * 1000) / 1000;
    const report = {
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, postgres: pgVersion, redis: Boolean(REDIS_URL), loadAvg1m: { atStart: round2(loadAtStart), atEnd: round2(loadavg()[0]!) } },
      durationS: DURATION_S,
      warmupS: WARMUP_S,
      connections: CONNECTIONS,
      path: `/r/${SLUG}`,
      demoLink,
      trellis: trellisRun.result,
      bare: bareRun.result,
      ratio,
      clicks: { served, ...split, persistedWithinMs, postgresCpuUsPerClick: pgCpu === null || !served ? null : round2((pgCpu * 1e6) / served) },
      goals: {
        ratio: { goal: GOALS.ratio, value: ratio, met: ratio >= GOALS.ratio },
        p99: { goalMs: GOALS.p99Ms, valueMs: trellisRun.result.p99, met: trellisRun.result.p99 <= GOALS.p99Ms },
        persistence: {
          goalMs: GOALS.persistenceMs,
          valueMs: persistedWithinMs,
          met: persistedWithinMs !== null && persistedWithinMs <= GOALS.persistenceMs && split.persisted >= served,
        },
      },
    };
    // A graceful stop flushes whatever the buffer still holds (and writes a CPU profile if asked).
    await trellis.stop();
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'trellis-bench-'));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers and dropping ${dbName}`);
    void cleanUp(dataDir).finally(() => process.exit(130));
  });
}

main(dataDir)
  .catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanUp(dataDir));
