import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../db/client.js';

export const usingPostgres = () => Boolean(process.env.DATABASE_URL);
export const usingRedis = () => Boolean(process.env.REDIS_URL);

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

/**
 * A fresh, migrated database for one test file, thrown away by `drop()`. PostgreSQL: a clone of
 * the run's template database. PGlite: a new in-memory engine loaded from the migrated snapshot.
 */
export async function createTestDatabase(opts: { poolSize?: number } = {}): Promise<Database & { url?: string; drop(): Promise<void> }> {
  const baseUrl = process.env.DATABASE_URL;
  if (baseUrl) {
    const template = inject('templateDatabase');
    const name = `trellis_t_${inject('runId')}_${randomBytes(4).toString('hex')}`;
    const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
    // Cloning needs the template to have no other sessions; parallel files may clone at once, so retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database "${name}" template "${template}"`);
        break;
      } catch (err) {
        if (attempt > 50 || !/being accessed by other users/.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
    const url = withDatabase(baseUrl, name);
    const db = await openDatabase({ url, poolSize: opts.poolSize ?? 20 });
    return {
      ...db,
      url,
      drop: async () => {
        await db.close();
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      },
    };
  }
  const snapshot = readFileSync(inject('pgliteSnapshot'));
  const client = new PGlite({ loadDataDir: new Blob([snapshot]) });
  const db = await openDatabase({ pglite: client });
  return { ...db, drop: () => db.close() };
}
