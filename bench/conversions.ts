/**
 * Conversion throughput, end to end (issue 4): merchants report sales through
 * `POST /v1/track/conversions` at a steady rate; an API process accepts them (202) and a worker
 * process attributes them to stored clicks, applies the fraud rules and the market's commission
 * policy, and records the commission. Reported: the API's latency, how many conversions per
 * second made it all the way (accepted, attributed, commissioned, recorded), and the CPU time per
 * conversion of the API, the worker and the database's backends (all three share the machine).
 *
 *   npm run bench:conversions
 *     DATABASE_URL   default postgres://postgres@127.0.0.1:5432/test (a fresh database is created and dropped)
 *     REDIS_URL      default redis://127.0.0.1:6379 (BullMQ carries the jobs between the processes)
 *     BENCH_RATE (1200 requests/s), BENCH_DURATION_S (10), BENCH_WARMUP_S (2), BENCH_WARMUP_RATE (BENCH_RATE),
 *     BENCH_CONNECTIONS (50)
 *     BENCH_NODE_FLAGS extra Node flags for both processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
 *     BENCH_KEEP_DATABASE=1 keeps the database afterwards (its name is logged)
 *     BENCH_LOAD=autocannon drives with autocannon's overallRate (bursts at the top of each second) instead of an even pace
 *     BENCH_LOG_STATEMENTS=1 has PostgreSQL log the bench database's statements with their durations
 *
 * Prints one JSON document on stdout; the processes' own output goes to stderr.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { newId } from '../db/ids.js';
import { pacedLoad } from './paced-load.js';
import { cpuSeconds, freePort, startChild, stopAll } from './redirect-processes.js';

const BASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const RATE = Number(process.env.BENCH_RATE ?? 1200);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 2);
/**
 * The warm-up runs at the measured rate: warmed at a quarter of it, the processes met the full
 * rate for the first time inside the measured run, and its first second (code not yet optimised
 * for the larger batches, pools still growing) was a third of the requests over 30 ms.
 */
const WARMUP_RATE = Number(process.env.BENCH_WARMUP_RATE ?? RATE);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
/** Keeps the database for a look at the statements afterwards (EXPLAIN ANALYZE on real rows). */
const KEEP_DATABASE = process.env.BENCH_KEEP_DATABASE === '1';
/** Has PostgreSQL log every statement of the bench database with its duration (the server log), to see where its time goes. */
const LOG_STATEMENTS = process.env.BENCH_LOG_STATEMENTS === '1';
/** `paced` (default): requests evenly spread over each second; `autocannon`: its per-second bursts. */
const LOAD = process.env.BENCH_LOAD === 'autocannon' ? 'autocannon' : 'paced';
const GOALS = { processedPerSecond: 1_000, apiP99Ms: 50 };
const PROCESSING_TIMEOUT_MS = 120_000;
/** Stored clicks the conversions are attributed to, one per conversion. */
const CLICKS = Math.ceil(RATE * (DURATION_S + WARMUP_S) * 1.2);

const round2 = (n: number) => Math.round(n * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

interface Fixture {
  apiKey: string;
  clickIds: string[];
}

/**
 * The demo program gets what a live program has: a per-transaction policy for its markets (and a
 * default), and stored clicks on the demo link from visitors of the last hour.
 */
async function prepare(sql: postgres.Sql, dataDir: string): Promise<Fixture> {
  const demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as { apiKey: string };
  const [link] = await sql<{ id: string; program_id: string; owner_member_id: string }[]>`
    select id, program_id, owner_member_id from links where domain = '' and slug = 'demo'`;
  if (!link) throw new Error('the demo seed created no `demo` link');
  const [program] = await sql<{ payout_currency: string }[]>`select payout_currency from programs where id = ${link.program_id}`;
  // All the bench's sales come through the one demo link: a merchant with such a partner raises the
  // per-link velocity rule, or every commission after the hundredth in the hour would be held.
  await sql`update programs set settings = jsonb_set(settings, '{fraud}', coalesce(settings->'fraud', '{}') || ${sql.json({ maxConversionsPerLinkPerHour: null })})
            where id = ${link.program_id}`;
  const effectiveFrom = new Date(Date.now() - 86_400_000);
  for (const country of [null, 'DE', 'US']) {
    const policyId = newId('cpl');
    await sql`insert into commission_policies (id, program_id, country) values (${policyId}, ${link.program_id}, ${country})
              on conflict do nothing`;
    const [policy] = await sql<{ id: string }[]>`select id from commission_policies where program_id = ${link.program_id} and country is not distinct from ${country}`;
    const [{ next }] = (await sql`select coalesce(max(version), 0) + 1 as next from commission_policy_versions where policy_id = ${policy!.id}`) as unknown as [{ next: number }];
    await sql`insert into commission_policy_versions (id, policy_id, program_id, country, version, effective_from, mode, currency, percent_bps, flat_amount, min_amount, max_amount, hold_days, attribution_window_days)
              values (${newId('cpv')}, ${policy!.id}, ${link.program_id}, ${country}, ${next}, ${effectiveFrom}, 'per_transaction', ${program!.payout_currency}, 1000, 50, 100, 50000, 30, 30)`;
  }
  await sql`select clicks_ensure_partition(date_trunc('month', now())::date)`;
  const clickIds: string[] = [];
  const batch = 5_000;
  for (let from = 0; from < CLICKS; from += batch) {
    const rows = Array.from({ length: Math.min(batch, CLICKS - from) }, () => {
      const id = newId('clk');
      clickIds.push(id);
      return {
        id,
        clicked_at: new Date(Date.now() - 600_000 - Math.floor(Math.random() * 3_000_000)),
        link_id: link.id,
        program_id: link.program_id,
        owner_member_id: link.owner_member_id,
        country: Math.random() < 0.5 ? 'DE' : 'US',
        ua_class: 'desktop',
        ip_hash: randomBytes(16).toString('base64url'),
        status: 'counted',
      };
    });
    await sql`insert into clicks ${sql(rows, 'id', 'clicked_at', 'link_id', 'program_id', 'owner_member_id', 'country', 'ua_class', 'ip_hash', 'status')}`;
  }
  return { apiKey: demo.apiKey, clickIds };
}

interface ApiResult {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  accepted: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  durationS: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return round2(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
}

/** The sale of request `i`, attributed by a click id. */
function saleOf(fixture: Fixture, run: string, i: number) {
  return {
    externalId: `bench-${run}-${i}`,
    kind: 'sale',
    amount: 1_000 + (i % 50) * 100,
    currency: 'EUR',
    clickId: fixture.clickIds[i % fixture.clickIds.length],
    customer: { externalId: `bench-customer-${run}-${i}` },
    country: i % 2 ? 'DE' : 'US',
  };
}

function summary(latencies: number[], statusCodes: Record<string, number>, extra: { errors: number; timeouts: number; durationS: number; sent: number }): ApiResult & { sent: number } {
  const sorted = Float64Array.from(latencies).sort();
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  return {
    rps: Math.round(responses / extra.durationS),
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: round2(sorted[sorted.length - 1] ?? 0),
    requests: responses,
    accepted: statusCodes['202'] ?? 0,
    statusCodes,
    errors: extra.errors,
    timeouts: extra.timeouts,
    durationS: round2(extra.durationS),
    sent: extra.sent,
  };
}

/** Reports sales at `rate` per second for `durationS` seconds, evenly paced (bench/paced-load.ts). */
async function drivePaced(url: string, fixture: Fixture, opts: { rate: number; durationS: number; run: string; offset: number }): Promise<ApiResult & { sent: number }> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${fixture.apiKey}` };
  const result = await pacedLoad(url, { rate: opts.rate, durationS: opts.durationS, connections: CONNECTIONS }, (i) => ({
    method: 'POST',
    path: '/v1/track/conversions',
    headers,
    body: JSON.stringify(saleOf(fixture, opts.run, opts.offset + i)),
  }));
  return summary(result.latencies, result.statusCodes, result);
}

/**
 * The same through autocannon's `overallRate` (BENCH_LOAD=autocannon): each connection spends its
 * per-second quota back to back, so the load arrives as a burst at the top of every second.
 */
async function driveAutocannon(url: string, fixture: Fixture, opts: { rate: number; durationS: number; run: string; offset: number }): Promise<ApiResult & { sent: number }> {
  let n = opts.offset;
  const latencies: number[] = [];
  const instance = autocannon({
    url,
    connections: CONNECTIONS,
    duration: opts.durationS,
    overallRate: opts.rate,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/v1/track/conversions',
        setupRequest: (request) => {
          const body = saleOf(fixture, opts.run, n++);
          return { ...request, headers: { 'content-type': 'application/json', authorization: `Bearer ${fixture.apiKey}` }, body: JSON.stringify(body) };
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => latencies.push(responseTimeMs));
  const result = await instance;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const durationS = (result.finish.getTime() - result.start.getTime()) / 1000;
  return summary(latencies, statusCodes, { errors: result.errors, timeouts: result.timeouts, durationS, sent: n - opts.offset });
}

const drive = LOAD === 'autocannon' ? driveAutocannon : drivePaced;

/**
 * Waits until every conversion of the run is processed: those answered 202 and those whose answer
 * came after the load generator stopped counting (stored all the same). Then the run's end-to-end
 * figures from the rows' own timestamps.
 */
async function waitForProcessing(sql: postgres.Sql, run: string, accepted: number) {
  const pattern = `bench-${run}-%`;
  const started = performance.now();
  for (;;) {
    const [row] = await sql<{ stored: number; processed: number }[]>`
      select count(*)::int as stored, count(processed_at)::int as processed from conversions where external_id like ${pattern}`;
    if (row!.processed >= Math.max(accepted, row!.stored)) break;
    if (performance.now() - started > PROCESSING_TIMEOUT_MS) break;
    await sleep(100);
  }
  const [stats] = await sql<{ accepted: number; processed: number; attributed: number; commissioned: number; first_created: Date; last_processed: Date | null; avg_lag_ms: number | null; p99_lag_ms: number | null }[]>`
    select count(*)::int as accepted,
           count(c.processed_at)::int as processed,
           count(c.partner_member_id)::int as attributed,
           count(k.id)::int as commissioned,
           min(c.created_at) as first_created,
           max(c.processed_at) as last_processed,
           avg(extract(epoch from c.processed_at - c.created_at) * 1000)::float8 as avg_lag_ms,
           percentile_cont(0.99) within group (order by extract(epoch from c.processed_at - c.created_at) * 1000)::float8 as p99_lag_ms
    from conversions c left join commissions k on k.conversion_id = c.id and k.kind <> 'clawback'
    where c.external_id like ${pattern}`;
  const spanS = stats!.last_processed ? (stats!.last_processed.getTime() - stats!.first_created.getTime()) / 1000 : null;
  return {
    accepted: stats!.accepted,
    processed: stats!.processed,
    attributed: stats!.attributed,
    commissioned: stats!.commissioned,
    spanS: spanS === null ? null : round2(spanS),
    processedPerSecond: spanS ? Math.round(stats!.commissioned / spanS) : 0,
    lagMs: { avg: round2(stats!.avg_lag_ms ?? 0), p99: round2(stats!.p99_lag_ms ?? 0) },
  };
}

/**
 * The CPU seconds so far of the bench database's PostgreSQL backends (the API's and the worker's
 * pools; the bench's own connections are left out). PostgreSQL shares the machine's cores with the
 * two processes, so its time per conversion counts as much as theirs. Needs the server on this
 * machine (/proc); null otherwise.
 */
async function postgresBackends(sql: postgres.Sql, database: string): Promise<Map<number, number>> {
  const rows = await sql<{ pid: number }[]>`
    select pid from pg_stat_activity where datname = ${database} and backend_type = 'client backend' and pid <> all(
      select pid from pg_stat_activity where application_name = 'trellis-bench')`;
  const seconds = new Map<number, number>();
  for (const { pid } of rows) {
    const s = cpuSeconds(pid);
    if (s !== null) seconds.set(pid, s);
  }
  return seconds;
}

/** Before and after for perConversion; a backend that started during the run counts from zero, one that ended is lost. */
function backendSeconds(before: Map<number, number>, after: Map<number, number>): [number | null, number | null] {
  let b = 0;
  let a = 0;
  for (const [pid, s] of after) {
    b += before.get(pid) ?? 0;
    a += s;
  }
  return after.size ? [b, a] : [null, null];
}

const run = randomBytes(4).toString('hex');
const dbName = `trellis_bench_conversions_${run}`;
const queuePrefix = `trellis-bench-${run}`;
const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
let cleaning: Promise<void> | undefined;

function cleanUp(dataDir: string): Promise<void> {
  cleaning ??= (async () => {
    await stopAll();
    if (KEEP_DATABASE) log(`kept the database ${dbName} (drop it when done)`);
    else await admin.unsafe(`drop database if exists "${dbName}" with (force)`).catch((err) => log(`could not drop ${dbName}: ${(err as Error).message}`));
    await admin.end();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } catch (err) {
      log(`could not clean Redis keys: ${(err as Error).message}`);
    } finally {
      redis.disconnect();
    }
    rmSync(dataDir, { recursive: true, force: true });
  })();
  return cleaning;
}

async function main(dataDir: string): Promise<void> {
  const loadAtStart = loadavg()[0]!;
  await admin.unsafe(`create database "${dbName}"`);
  if (LOG_STATEMENTS) await admin.unsafe(`alter database "${dbName}" set log_min_duration_statement = 0`);
  const dbUrl = new URL(BASE_URL);
  dbUrl.pathname = `/${dbName}`;
  const sql = postgres(dbUrl.toString(), { max: 2, onnotice: () => {}, connection: { application_name: 'trellis-bench' } });
  const env = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL,
    JOBS_QUEUE_PREFIX: queuePrefix,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    // The bench is one merchant sending far more than the default API limit allows.
    API_RATE_LIMIT_PER_MINUTE: '10000000',
    // Both processes open what the other sealed: one key for the bench's own database.
    SECRET_KEY: randomBytes(32).toString('base64'),
  };
  try {
    log(`starting Trellis (API and a worker) on ${dbName}`);
    const api = await startChild({
      name: 'api',
      script: 'src/server.ts',
      port: await freePort(),
      nodeFlags: NODE_FLAGS,
      env: { ...env, SEED_DEMO: 'always' },
      ready: async (url) => (await fetch(`${url}/healthz`)).ok,
      timeoutMs: 120_000,
    });
    const worker = await startChild({
      name: 'worker',
      script: 'src/worker.ts',
      port: await freePort(),
      nodeFlags: NODE_FLAGS,
      env,
      // The worker has no HTTP port: it is ready once its BullMQ worker has registered in Redis.
      ready: async () => {
        const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
        try {
          return (await redis.keys(`${queuePrefix}:*`)).length > 0;
        } finally {
          redis.disconnect();
        }
      },
      timeoutMs: 60_000,
    });
    log('preparing policies and clicks');
    const fixture = await prepare(sql, dataDir);

    log(`warm-up ${WARMUP_S} s at ${WARMUP_RATE}/s`);
    const warm = await drive(api.url, fixture, { rate: WARMUP_RATE, durationS: WARMUP_S, run: `${run}w`, offset: 0 });
    await waitForProcessing(sql, `${run}w`, warm.accepted);

    const backendsBefore = await postgresBackends(sql, dbName);
    const cpuBefore = { api: cpuSeconds(api.process.pid), worker: cpuSeconds(worker.process.pid) };
    log(`load ${DURATION_S} s at ${RATE}/s, ${CONNECTIONS} connections`);
    const load = await drive(api.url, fixture, { rate: RATE, durationS: DURATION_S, run, offset: warm.sent });
    log(`waiting for ${load.accepted} conversions to be processed`);
    const processing = await waitForProcessing(sql, run, load.accepted);
    const cpuAfter = { api: cpuSeconds(api.process.pid), worker: cpuSeconds(worker.process.pid) };
    const backendsAfter = await postgresBackends(sql, dbName);
    const perConversion = (before: number | null, after: number | null) =>
      before === null || after === null || !processing.accepted ? null : round2(((after - before) * 1e6) / processing.accepted);

    const report = {
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, loadAvg1m: { atStart: round2(loadAtStart), atEnd: round2(loadavg()[0]!) } },
      rate: RATE,
      load: LOAD,
      warmupRate: WARMUP_RATE,
      warmupS: WARMUP_S,
      durationS: DURATION_S,
      connections: CONNECTIONS,
      api: load,
      processing,
      cpuUsPerConversion: {
        api: perConversion(cpuBefore.api, cpuAfter.api),
        worker: perConversion(cpuBefore.worker, cpuAfter.worker),
        postgres: perConversion(...backendSeconds(backendsBefore, backendsAfter)),
      },
      goals: {
        processedPerSecond: { goal: GOALS.processedPerSecond, value: processing.processedPerSecond, met: processing.processedPerSecond >= GOALS.processedPerSecond && processing.commissioned === processing.accepted && processing.accepted >= load.accepted },
        apiP99: { goalMs: GOALS.apiP99Ms, valueMs: load.p99, met: load.p99 <= GOALS.apiP99Ms },
      },
    };
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'trellis-bench-'));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the processes and dropping ${dbName}`);
    void cleanUp(dataDir).finally(() => process.exit(130));
  });
}

main(dataDir)
  .catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanUp(dataDir));
