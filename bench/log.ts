/**
 * Transparency log on real PostgreSQL (issue 5): how fast the sequencer appends outbox rows to the
 * Merkle log (entries, hash tiles, a signed checkpoint per 10,000-entry transaction), and how fast
 * the API answers inclusion proofs in a log of a million entries.
 *
 *   npm run bench:log
 *     DATABASE_URL    default postgres://postgres@127.0.0.1:5432/test (a fresh database is created and dropped)
 *     BENCH_ENTRIES   outbox rows the timed sequencer run drains (200000)
 *     BENCH_LOG_SIZE  entries in the log when proofs are timed (1000000)
 *     BENCH_PROOFS    inclusion proofs timed, at random indexes (2000)
 *     BENCH_KEEP_DATABASE=1  keep the database afterwards, to look at it
 *
 * Prints one JSON object. Goals: >= 20,000 entries/s sequenced; inclusion proof p99 < 5 ms.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, queryRows, type Db } from '../db/client.js';
import { applyMigrations } from '../db/migrate.js';
import { newApp } from '../src/app.js';
import { createChangeFeed } from '../src/change-feed.js';
import { loadConfig } from '../src/config.js';
import { keyringFromConfig } from '../src/secrets/from-config.js';
import { createSecrets } from '../src/secrets/index.js';
import { systemClock } from '../src/context.js';
import { TokenService } from '../src/core/auth/tokens.js';
import { createJobRunner } from '../src/jobs/index.js';
import { createLogger } from '../src/logger.js';
import { createTracking } from '../src/tracking/runtime.js';
import { LogKeys } from '../src/transparency/log/keys.js';
import { sequenceLog } from '../src/transparency/log/sequencer.js';
import { verifyInclusion } from '../src/transparency/merkle.js';

const BASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 200_000);
const LOG_SIZE = Number(process.env.BENCH_LOG_SIZE ?? 1_000_000);
const PROOFS = Number(process.env.BENCH_PROOFS ?? 2_000);
const GOALS = { sequencerEntriesPerSecond: 20_000, inclusionProofP99Ms: 5 };

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * `count` outbox rows in one statement, shaped like real entries (canonical JSON of a similar
 * size, with its leaf hash SHA-256(0x00 || entry) computed by the database).
 */
async function fillOutbox(db: Db, from: number, count: number): Promise<void> {
  await db.execute(sql`
    insert into log_outbox (entry, leaf_hash, type, tenant_id, program_id, partner_member_id)
    select e.entry, sha256('\\x00'::bytea || convert_to(e.entry, 'UTF8')), 'bench.entry', 'ten_bench', 'prg_bench', 'mem_' || (i % 1000)
    from generate_series(${from}::bigint, ${from + count - 1}::bigint) as i,
         lateral (select '{"amount":' || (i * 7919 % 100000) || ',"currency":"EUR","customerRef":"' || md5(i::text) || '","i":' || i ||
                         ',"partner":"mem_' || (i % 1000) || '","type":"bench.entry","v":1}' as entry) as e`);
}

async function drain(db: Db, keys: LogKeys): Promise<{ entries: number; seconds: number }> {
  const started = performance.now();
  const result = await sequenceLog({ db, clock: systemClock, keys });
  return { entries: result.appended, seconds: (performance.now() - started) / 1000 };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const name = `trellis_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 8 });
  try {
    await applyMigrations(database);
    const db = database.db;
    // The bench's own database: any key seals its secrets.
    const config = loadConfig({ DATABASE_URL: url.toString(), LOG_LEVEL: 'silent', SECRET_KEY: randomBytes(32).toString('base64') });
    const secrets = createSecrets(keyringFromConfig(config));
    const keys = new LogKeys(db, systemClock, config.TRANSPARENCY_ORIGIN, secrets.keyring);
    await keys.init();
    await sequenceLog({ db, clock: systemClock, keys });

    log(`filling the outbox with ${ENTRIES} entries`);
    await fillOutbox(db, 0, ENTRIES);
    await db.execute(sql`analyze log_outbox`);
    log('sequencing');
    const timed = await drain(db, keys);
    log(`${timed.entries} entries in ${timed.seconds.toFixed(2)} s`);

    // Grow to LOG_SIZE in chunks (the outbox never holds more than a chunk, as in production).
    const growStarted = performance.now();
    for (let size = ENTRIES; size < LOG_SIZE; ) {
      const chunk = Math.min(200_000, LOG_SIZE - size);
      await fillOutbox(db, size, chunk);
      await drain(db, keys);
      size += chunk;
      log(`log size ${size}`);
    }
    const growSeconds = (performance.now() - growStarted) / 1000;
    // What autovacuum does to a table that just took a million rows, done now rather than during the timing.
    await db.execute(sql`vacuum analyze log_entries, log_tiles, log_checkpoints, log_outbox`);
    // And the flush of those million rows' pages, which PostgreSQL would otherwise spread over the timing.
    await db.execute(sql`checkpoint`);

    const logger = createLogger('silent');
    const changes = createChangeFeed(config, logger);
    const tracking = createTracking({ config, db, logger, clock: systemClock, changes, keyring: secrets.keyring });
    const jobs = createJobRunner(config, { db, logger, clock: systemClock, secrets });
    const tokens = new TokenService(db, systemClock, config.ACCESS_TOKEN_TTL_SECONDS, secrets.keyring);
    await tokens.init();
    const app = newApp({ config, db, logger, clock: systemClock, jobs, secrets, tokens, log: keys, tracking, healthCheck: async () => {} });

    const [latest] = await queryRows<{ tree_size: string; root_hash: Uint8Array }>(db, sql`select tree_size, root_hash from log_checkpoints order by tree_size desc limit 1`);
    const treeSize = Number(latest!.tree_size);
    const prove = async (index: number) => {
      const res = await app.request(`/v1/log/proofs/inclusion?index=${index}`);
      if (res.status !== 200) throw new Error(`inclusion proof of ${index}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { leafHash: string; proof: string[]; treeSize: number };
    };
    const randomIndex = () => Math.floor(Math.random() * treeSize);
    // Warm-up: the first proofs fill the tile cache (full tiles never change).
    for (let i = 0; i < 200; i++) await prove(randomIndex());
    const root = new Uint8Array(latest!.root_hash);
    const indexes = Array.from({ length: PROOFS }, randomIndex);
    let verified = 0;
    const timeProofs = async (check: boolean) => {
      const times: number[] = [];
      for (const index of indexes) {
        const started = performance.now();
        const body = await prove(index);
        times.push(performance.now() - started);
        if (check && verifyInclusion(new Uint8Array(Buffer.from(body.leafHash, 'base64')), index, body.treeSize, body.proof.map((p) => new Uint8Array(Buffer.from(p, 'base64'))), root)) verified++;
      }
      return times.sort((a, b) => a - b);
    };
    // First pass: most proofs need a level-0 tile this process has not read yet (3,907 of them at
    // a million entries), so it mostly measures a tile read from PostgreSQL plus the proof.
    const times = await timeProofs(true);
    // Second pass over the same indexes: every tile cached, as on a server that has been up a while.
    const warm = await timeProofs(false);
    await tracking.close();
    await changes.close();
    await jobs.close();

    const result = {
      sequencer: {
        entries: timed.entries,
        seconds: round2(timed.seconds),
        sequencerEntriesPerSecond: Math.round(timed.entries / timed.seconds),
        growTo: LOG_SIZE,
        growEntriesPerSecond: Math.round((LOG_SIZE - ENTRIES) / growSeconds),
      },
      inclusionProof: {
        treeSize,
        requests: PROOFS,
        verified,
        p50Ms: round2(percentile(times, 50)),
        p99Ms: round2(percentile(times, 99)),
        maxMs: round2(times.at(-1)!),
        tilesCachedP50Ms: round2(percentile(warm, 50)),
        tilesCachedP99Ms: round2(percentile(warm, 99)),
      },
      goals: GOALS,
      met: {
        sequencer: timed.entries / timed.seconds >= GOALS.sequencerEntriesPerSecond,
        inclusionProof: percentile(times, 99) < GOALS.inclusionProofP99Ms && verified === PROOFS,
      },
    };
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    await database.close();
    if (!process.env.BENCH_KEEP_DATABASE) await admin.unsafe(`drop database if exists "${name}" with (force)`);
    else log(`kept database ${name}`);
    await admin.end();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
