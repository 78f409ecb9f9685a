import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../db/client.js';
import { applyMigrations } from '../../db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL: a migrated template database each test file copies. */
    templateDatabase: string;
    /** PGlite: a migrated data directory dump each test file loads. */
    pgliteSnapshot: string;
    runId: string;
  }
}

/**
 * Migrates once per run. On PostgreSQL: a template database that each test file clones (CREATE
 * DATABASE ... TEMPLATE is a file copy, far faster than migrating). On PGlite: a dump of a migrated
 * data directory. A service that cannot be reached fails the run; nothing is skipped.
 */
export default async function setup(project: TestProject) {
  const runId = randomBytes(4).toString('hex');
  project.provide('runId', runId);
  const url = process.env.DATABASE_URL;
  const cleanups: (() => Promise<void>)[] = [];

  if (process.env.REDIS_URL) {
    const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      throw new Error(`REDIS_URL is set but Redis does not answer at ${process.env.REDIS_URL}: ${(err as Error).message}`);
    } finally {
      redis.disconnect();
    }
  }

  if (url) {
    const template = `trellis_tpl_${runId}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database "${template}"`);
    } catch (err) {
      await admin.end();
      throw new Error(`DATABASE_URL is set but PostgreSQL refused to create a database: ${(err as Error).message}`);
    }
    const templateUrl = withDatabase(url, template);
    const db = await openDatabase({ url: templateUrl, poolSize: 1 });
    await applyMigrations(db);
    await db.close();
    project.provide('templateDatabase', template);
    project.provide('pgliteSnapshot', '');
    cleanups.push(async () => {
      await admin.unsafe(`drop database if exists "${template}" with (force)`);
      await admin.end();
    });
  } else {
    const db = await openDatabase({ dataDir: 'memory://' });
    await applyMigrations(db);
    if (db.raw.kind !== 'pglite') throw new Error('expected pglite');
    const dump = await db.raw.client.dumpDataDir('none');
    const dir = mkdtempSync(join(tmpdir(), 'trellis-test-'));
    const file = join(dir, 'migrated.tar');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await db.close();
    project.provide('templateDatabase', '');
    project.provide('pgliteSnapshot', file);
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  }

  return async () => {
    for (const c of cleanups) await c();
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}
