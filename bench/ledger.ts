/**
 * Ledger throughput on real PostgreSQL: mixed earn/redeem through the domain services (scope
 * checks, locks, idempotency and all) with ~16 operations in flight over many members.
 *
 *   npm run bench:ledger            (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 *
 * Creates and drops its own database. Prints one JSON object; each measurement is one key, so
 * other benchmarks (e.g. bench/import.ts `measureImport(db)`) slot into MEASUREMENTS below.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, type Db } from '../db/client.js';
import { applyMigrations } from '../db/migrate.js';
import { members, programs, tenants } from '../db/schema/index.js';
import { systemActor } from '../src/core/auth/actor.js';
import { systemClock, type ServiceContext } from '../src/context.js';
import { earnPoints } from '../src/core/points/earn.js';
import { redeemPoints } from '../src/core/points/redeem.js';
import type { JobQueue } from '../src/jobs/types.js';
import { createLogger } from '../src/logger.js';
import { createSecrets, Keyring } from '../src/secrets/index.js';
import { measureImport } from './import.js';

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 2_000);
const OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 30_000);

export interface LedgerMeasurement {
  opsPerSecond: number;
  operations: number;
  seconds: number;
  earns: number;
  redeems: number;
  /** Redemptions refused for lack of points: they still count as operations (a locked read and a rollback). */
  insufficient: number;
  concurrency: number;
  members: number;
}

const noJobs: JobQueue = { enqueue: async () => {} };

async function seedMembers(db: Db, count: number): Promise<{ programId: string; memberIds: string[] }> {
  const [tenant] = await db.insert(tenants).values({ name: 'Bench tenant' }).returning();
  const [program] = await db
    .insert(programs)
    .values({ tenantId: tenant!.id, name: 'Bench program', payoutCurrency: 'EUR', settings: { points: { expiryMonths: 12 } } })
    .returning();
  const memberIds: string[] = [];
  for (let i = 0; i < count; i += 500) {
    const rows = await db
      .insert(members)
      .values(Array.from({ length: Math.min(500, count - i) }, (_, j) => ({ programId: program!.id, name: `Bench ${i + j}`, country: 'DE' })))
      .returning({ id: members.id });
    memberIds.push(...rows.map((r) => r.id));
  }
  return { programId: program!.id, memberIds };
}

/** Mixed earn (60%) / redeem (40%) operations against random members, CONCURRENCY at a time. */
export async function measureLedger(db: Db): Promise<LedgerMeasurement> {
  // The ledger seals nothing; a random key stands in for SECRET_KEY.
  const secrets = createSecrets(new Keyring(randomBytes(32)));
  const ctx: ServiceContext = { db, actor: systemActor('bench'), logger: createLogger('silent'), clock: systemClock, jobs: noJobs, secrets };
  const { programId, memberIds } = await seedMembers(db, MEMBERS);
  // Every member starts with a balance so most redemptions succeed.
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = worker; i < memberIds.length; i += CONCURRENCY) {
        await earnPoints(ctx, { programId, memberId: memberIds[i]!, points: 1_000, idempotencyKey: `seed-${i}` });
      }
    }),
  );
  let next = 0;
  let earns = 0;
  let redeems = 0;
  let insufficient = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < OPERATIONS) {
        const n = next++;
        const memberId = memberIds[Math.floor(Math.random() * memberIds.length)]!;
        if (Math.random() < 0.6) {
          await earnPoints(ctx, { programId, memberId, points: 1 + (n % 50), idempotencyKey: `op-${n}` });
          earns++;
        } else {
          try {
            await redeemPoints(ctx, { programId, memberId, points: 1 + (n % 40), idempotencyKey: `op-${n}` });
            redeems++;
          } catch (err) {
            if ((err as { code?: string }).code !== 'insufficient_points') throw err;
            insufficient++;
          }
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // The books must still balance after the run.
  const [check] = (await db.execute(
    sql`select (select coalesce(sum(available + pending), 0) from points_accounts) as accounts, (select coalesce(sum(amount), 0) from points_entries) as entries`,
  )) as unknown as { accounts: string; entries: string }[];
  if (check!.accounts !== check!.entries) throw new Error(`ledger out of balance: accounts ${check!.accounts}, entries ${check!.entries}`);
  return {
    opsPerSecond: Math.round(OPERATIONS / seconds),
    operations: OPERATIONS,
    seconds: Math.round(seconds * 1000) / 1000,
    earns,
    redeems,
    insufficient,
    concurrency: CONCURRENCY,
    members: MEMBERS,
  };
}

/** Every measurement this benchmark prints, by JSON key. Add e.g. `import: measureImport` here. */
const MEASUREMENTS: Record<string, (db: Db) => Promise<unknown>> = {
  ledger: measureLedger,
  import: (db) => measureImport(db),
};

async function main(): Promise<void> {
  const name = `trellis_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: CONCURRENCY + 4 });
  try {
    await applyMigrations(database);
    const results: Record<string, unknown> = {};
    for (const [key, measure] of Object.entries(MEASUREMENTS)) results[key] = await measure(database.db);
    process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  } finally {
    await database.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
