/**
 * Member import throughput on real PostgreSQL: 100,000 generated members with custom fields,
 * tiers, referrals and opening balances, stored as an upload and run through the same import
 * service the job uses (validation, matching, upsert, tier history, ledger).
 *
 *   tsx bench/import.ts        (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 *
 * Creates and drops its own database when run alone; bench/ledger.ts calls measureImport(db).
 * Prints one JSON object. The goal is 100,000 members in under 60 s.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, type Db } from '../db/client.js';
import { applyMigrations } from '../db/migrate.js';
import { customFieldDefinitions, importRuns, programs, tenants, tiers } from '../db/schema/index.js';
import { systemClock } from '../src/context.js';
import { storeImportChunks } from '../src/core/members/import/chunks.js';
import { runImport } from '../src/core/members/import/run-import.js';
import { createLogger } from '../src/logger.js';

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface ImportMeasurement {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  inserted: number;
  failed: number;
  /** The same file again: every row unchanged. */
  reimportSeconds: number;
}

const HEADER = 'externalId,email,name,phone,birthday,country,locale,source,status,tier,pointsBalance,referredByExternalId,cf.shoe_size,cf.plan,cf.vip';
const TIER_NAMES = ['Bronze', 'Silver', 'Gold'];

async function* generateCsv(rows: number): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  yield encoder.encode(HEADER + '\n');
  let lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const country = i % 2 ? 'US' : 'DE';
    lines.push(
      [
        `bench-${i}`,
        `bench${i}@example.test`,
        `Bench Member ${i}`,
        '+49 30 1234567',
        `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
        country,
        country === 'DE' ? 'de-DE' : 'en-US',
        'migration',
        'active',
        TIER_NAMES[i % 3],
        i % 4 ? 100 + (i % 1000) : 0,
        i % 10 === 3 ? `bench-${i - 3}` : '',
        36 + (i % 12),
        i % 2 ? 'pro' : 'basic',
        i % 7 === 0 ? 'true' : 'false',
      ].join(','),
    );
    if (lines.length === 1000) {
      yield encoder.encode(lines.join('\n') + '\n');
      lines = [];
    }
  }
  if (lines.length) yield encoder.encode(lines.join('\n') + '\n');
}

async function storeUpload(db: Db, programId: string, rows: number): Promise<string> {
  const [run] = await db.insert(importRuns).values({ programId, format: 'csv', status: 'uploading' }).returning();
  const bytes = await storeImportChunks(db, run!.id, generateCsv(rows));
  await db.update(importRuns).set({ status: 'queued', byteSize: bytes }).where(eq(importRuns.id, run!.id));
  return run!.id;
}

/** Imports `rows` generated members into a new program of `db` and times it (upload excluded). */
export async function measureImport(db: Db, opts: { rows?: number } = {}): Promise<ImportMeasurement> {
  const rows = opts.rows ?? 100_000;
  const deps = { db, logger: createLogger('silent'), clock: systemClock };
  const [tenant] = await db.insert(tenants).values({ name: 'Import bench tenant' }).returning();
  const [program] = await db
    .insert(programs)
    .values({ tenantId: tenant!.id, name: 'Import bench', payoutCurrency: 'EUR', settings: { points: { expiryMonths: 24 } } })
    .returning();
  await db.insert(tiers).values(TIER_NAMES.map((name, rank) => ({ programId: program!.id, name, rank })));
  await db.insert(customFieldDefinitions).values([
    { programId: program!.id, key: 'shoe_size', label: 'Shoe size', type: 'number' },
    { programId: program!.id, key: 'plan', label: 'Plan', type: 'enum', enumValues: ['basic', 'pro'] },
    { programId: program!.id, key: 'vip', label: 'VIP', type: 'boolean' },
  ]);

  const first = await storeUpload(db, program!.id, rows);
  let started = process.hrtime.bigint();
  const run = await runImport(deps, first);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run?.status !== 'completed' || run.insertedRows !== rows) throw new Error(`import did not complete cleanly: ${JSON.stringify(run)}`);

  const second = await storeUpload(db, program!.id, rows);
  started = process.hrtime.bigint();
  const again = await runImport(deps, second);
  const reimportSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (again?.unchangedRows !== rows) throw new Error(`re-import changed rows: ${JSON.stringify(again)}`);

  const round = (n: number) => Math.round(n * 1000) / 1000;
  return { rows, seconds: round(seconds), rowsPerSecond: Math.round(rows / seconds), inserted: run.insertedRows, failed: run.failedRows, reimportSeconds: round(reimportSeconds) };
}

async function main(): Promise<void> {
  const name = `trellis_bench_import_${randomBytes(4).toString('hex')}`;
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 4 });
  try {
    await applyMigrations(database);
    const rows = process.argv[2] ? Number(process.argv[2]) : undefined;
    process.stdout.write(JSON.stringify({ import: await measureImport(database.db, { rows }) }, null, 2) + '\n');
  } finally {
    await database.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
