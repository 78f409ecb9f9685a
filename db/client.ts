import { mkdirSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export type Schema = typeof schema;

/**
 * What domain code talks to: the database or a transaction on it. Both drivers (PGlite and
 * postgres.js) produce a PgDatabase, so services never know which one they run on.
 */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type DriverName = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  driver: DriverName;
  /** Closes the pool (postgres) or the embedded engine (pglite). */
  close(): Promise<void>;
  /** The raw client, for migrations and tests that need driver specifics. */
  raw: { kind: 'pglite'; client: PGlite } | { kind: 'postgres'; client: postgres.Sql; url: string };
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; `memory://` (or undefined) keeps it in memory. */
  dataDir?: string;
  poolSize?: number;
  /** An already constructed PGlite (tests load a migrated snapshot this way). */
  pglite?: PGlite;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    const client = postgres(opts.url, {
      max: opts.poolSize ?? 10,
      onnotice: () => {},
      // bigint columns come back as strings unless a column says otherwise; money is read with
      // mode 'number' in the schema, which is exact below 2^53 minor units.
      connection: { application_name: 'trellis' },
      // Not in postgres.js's typings, but documented: a function returning the socket to use.
      ...({ socket: noDelaySocket } as object),
    });
    const db = drizzlePostgres({ client: preparingClient(client), schema }) as unknown as Db;
    return {
      db,
      driver: 'postgres',
      raw: { kind: 'postgres', client, url: opts.url },
      close: () => client.end({ timeout: 5 }),
    };
  }
  let client = opts.pglite;
  if (!client) {
    const dataDir = opts.dataDir && opts.dataDir !== 'memory://' ? resolve(opts.dataDir) : undefined;
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    client = new PGlite(dataDir);
  }
  await client.waitReady;
  const pg = client;
  const db = drizzlePglite({ client: pg, schema }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    raw: { kind: 'pglite', client: pg },
    close: async () => {
      if (!pg.closed) await pg.close();
    },
  };
}

/**
 * postgres.js leaves Nagle's algorithm on. A message written right after another small one (COPY's
 * CopyDone after its data, a COMMIT after that) then waits for the server's delayed ACK, about
 * 40 ms: a click batch took 55 ms instead of 12. The connection is opened here instead, with
 * TCP_NODELAY, trying the URL's hosts in turn as postgres.js would; TLS is still set up by it.
 */
let nextHost = 0;
function noDelaySocket(options: { host: string[]; port: number[]; path?: string | false }): Socket {
  if (options.path) return connectTcp({ path: options.path });
  const i = nextHost++ % options.host.length;
  return connectTcp({ host: options.host[i], port: options.port[i] ?? options.port[0] ?? 5432, noDelay: true });
}

/**
 * drizzle sends every unnamed query unprepared, so PostgreSQL parses and plans each execution of
 * the same statement again; on hot paths (the points ledger) that planning was most of the
 * database's CPU. postgres.js caches named prepared statements per connection, keyed by the query
 * text, and connections are recycled (max_lifetime), which bounds that cache. Queries without
 * parameters stay on the simple protocol. Set DATABASE_PREPARE=false behind a pooler that cannot
 * keep prepared statements (PgBouncer in transaction mode).
 */
function preparingClient(client: postgres.Sql, prepare = true): postgres.Sql {
  if (!prepare) return client;
  const wrap = (sql: postgres.Sql | postgres.TransactionSql): typeof sql => {
    const unsafe = sql.unsafe.bind(sql);
    const wrapped = Object.assign(Object.create(Object.getPrototypeOf(sql)), sql) as typeof sql;
    const target = sql as unknown as (...args: unknown[]) => unknown;
    const callable = ((...args: unknown[]) => target(...args)) as unknown as typeof sql;
    Object.assign(callable, wrapped, {
      unsafe: (query: string, args?: unknown[], options?: { prepare?: boolean }) =>
        unsafe(query, args as never, { ...options, prepare: Boolean(args && args.length) }),
    });
    if ('begin' in sql && typeof sql.begin === 'function') {
      const begin = sql.begin.bind(sql) as (...a: unknown[]) => Promise<unknown>;
      Object.assign(callable, {
        begin: (...a: unknown[]) => {
          const fn = a[a.length - 1] as (tx: postgres.TransactionSql) => unknown;
          return begin(...a.slice(0, -1), (tx: postgres.TransactionSql) => fn(wrap(tx) as postgres.TransactionSql));
        },
      });
    }
    return callable;
  };
  return wrap(client) as postgres.Sql;
}

/**
 * Runs raw SQL and returns its rows on either driver (their `execute` results differ in shape).
 * Prefer the query builder; this is for statements it cannot express (locks, CTEs, COPY-like bulk).
 */
export async function queryRows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * Streams `text` (COPY's text format, one row per line; a string or chunks of whole lines) into `copy ... from stdin` on the
 * transaction or database `db`. COPY is the cheapest way into a table (no per-row parse of a JSON
 * parameter), but only postgres.js speaks it over the wire; on PGlite this returns false and the
 * caller takes its multi-row INSERT path instead.
 */
export async function copyFromText(db: Db, copyStatement: string, text: string | AsyncIterable<string>): Promise<boolean> {
  // drizzle's postgres.js session keeps the postgres.js client (or transaction) it runs on.
  const client = (db as unknown as { session?: { client?: Partial<postgres.Sql> } }).session?.client;
  if (!client || typeof client.unsafe !== 'function') return false;
  const query = client.unsafe(copyStatement) as ReturnType<postgres.Sql['unsafe']> & { reject(err: unknown): void };
  // postgres.js settles a COPY query with its stream as soon as the server accepts the COPY, and
  // drops an error that comes later (a row refused once the data is in): the stream would never
  // finish. The query's own reject still runs, so the error is taken from there.
  let refuse: (err: unknown) => void = () => {};
  const refused = new Promise<never>((_, reject) => (refuse = reject));
  refused.catch(() => {});
  const reject = query.reject.bind(query);
  query.reject = (err) => {
    refuse(err);
    reject(err);
  };
  const writable = await query.writable();
  await Promise.race([pipeline(typeof text === 'string' ? Readable.from([text]) : Readable.from(text), writable), refused]);
  return true;
}

const COPY_SPECIAL = /[\\\t\n\r]/;

/** A value as a field of COPY's text format: `\N` for null, backslash and separators escaped. */
export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
