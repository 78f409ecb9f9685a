import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database } from './client.js';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

// Any constant works; it only has to be the same in every Trellis process sharing a database.
const MIGRATION_LOCK_KEY = 7_372_001;

/**
 * Applies the committed migrations. Several API and worker processes may boot at once against one
 * PostgreSQL, so they queue on an advisory lock and the later ones find nothing left to do.
 */
export async function applyMigrations(database: Database): Promise<void> {
  if (database.raw.kind === 'pglite') {
    await migratePglite(database.db as unknown as PgliteDatabase<Record<string, never>>, {
      migrationsFolder,
    });
    return;
  }
  // The lock lives on its own connection so a pool of one can still run the migrations.
  const lock = postgres(database.raw.url, { max: 1, onnotice: () => {} });
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(database.db as unknown as PostgresJsDatabase<Record<string, never>>, {
      migrationsFolder,
    });
  } finally {
    await lock`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.catch(() => {});
    await lock.end({ timeout: 5 });
  }
}
