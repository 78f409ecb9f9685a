import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../db/client.js';
import { applyMigrations } from '../../../db/migrate.js';
import { clicks } from '../../../db/schema/partitioned.js';
import { createLinksIn } from '../../helpers/clicks.js';
import { createTestDatabase, usingPostgres } from '../../helpers/database.js';
import { randomSecretKey } from '../../helpers/secrets.js';

/**
 * The real server in a child process: clicks it has redirected for sit in its buffer (the flush
 * interval is a minute), SIGTERM arrives, and every one of them must be in the database after the
 * process exits 0.
 */

const REDIRECTS = 300;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A database for the child, holding one link. Returns how to read it back after the child exits. */
async function prepareDatabase(): Promise<{ env: Record<string, string>; slug: string; open(): Promise<Database> }> {
  const slug = `sigterm${randomBytes(4).toString('hex')}`;
  if (usingPostgres()) {
    const database = await createTestDatabase({ poolSize: 2 });
    cleanups.push(() => database.drop());
    await createLinksIn(database.db, 1, [slug]);
    // A server on PostgreSQL refuses to start without SECRET_KEY (every process must share one).
    return { env: { DATABASE_URL: database.url!, REDIS_URL: process.env.REDIS_URL ?? '', SECRET_KEY: randomSecretKey() }, slug, open: async () => database };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'trellis-sigterm-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  // The same folder the server opens (DATA_DIR/pglite), migrated and given a link beforehand.
  const open = () => openDatabase({ dataDir: join(dataDir, 'pglite') });
  const database = await open();
  await applyMigrations(database);
  await createLinksIn(database.db, 1, [slug]);
  await database.close();
  return { env: { DATA_DIR: dataDir }, slug, open };
}

function startServer(env: Record<string, string>): { child: ChildProcess; url: Promise<string>; output: () => string; exit: Promise<number | null> } {
  const base = { ...process.env };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'PUBLIC_URL', 'DATA_DIR', 'SECRET_KEY', 'SECRET_KEY_PREVIOUS']) delete base[key];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: join(import.meta.dirname, '../../..'),
    env: {
      ...base,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'never',
      // Nothing is written on a timer or by size during the test: only the shutdown can save them.
      CLICK_FLUSH_INTERVAL_MS: '60000',
      CLICK_FLUSH_BATCH_SIZE: '50000',
      TRACKING_CLIENT_IP_HEADER: 'x-forwarded-for',
      JOBS_QUEUE_PREFIX: `trellis-sigterm-${randomBytes(4).toString('hex')}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // PORT 0: the banner names the port the server got.
      const found = /\(listening on (\S+)\)/.exec(output);
      if (found) resolve(`http://${found[1]!}`);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, output: () => output, exit };
}

describe('graceful shutdown', () => {
  it('writes every buffered click on SIGTERM before exiting', { timeout: 120_000 }, async () => {
    const db = await prepareDatabase();
    const server = startServer(db.env);
    cleanups.push(async () => {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    });
    const url = await server.url;

    const clickIds: string[] = [];
    let next = 0;
    // A few redirects at a time from distinct visitors, as a browser population would send them.
    const worker = async () => {
      while (next < REDIRECTS) {
        const i = next++;
        const res = await fetch(`${url}/r/${db.slug}`, {
          redirect: 'manual',
          headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/126.0', 'x-forwarded-for': `198.51.100.${i % 250}, 10.${i >> 8}.${i & 255}.7` },
        });
        const clickId = res.status === 302 ? new URL(res.headers.get('location')!).searchParams.get('trellis_click') : null;
        if (clickId) clickIds.push(clickId);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(clickIds).toHaveLength(REDIRECTS);

    if (usingPostgres()) {
      // Still buffered: nothing of them is in the database yet.
      const database = await db.open();
      expect(await database.db.select({ id: clicks.id }).from(clicks).where(inArray(clicks.id, clickIds))).toHaveLength(0);
    }

    server.child.kill('SIGTERM');
    expect(await server.exit, server.output()).toBe(0);

    const database = await db.open();
    try {
      const stored = await database.db.select({ id: clicks.id }).from(clicks).where(inArray(clicks.id, clickIds));
      expect(new Set(stored.map((r) => r.id))).toEqual(new Set(clickIds));
      expect(stored).toHaveLength(REDIRECTS);
    } finally {
      if (!usingPostgres()) await database.close();
    }
  });
});
