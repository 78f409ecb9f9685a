import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

export type DemoRole = 'admin' | 'regional_manager' | 'affiliate' | 'member';
export interface DemoLogin {
  role: DemoRole;
  email: string;
  password: string;
}

export interface Trellis {
  /** http://127.0.0.1:<port>, no trailing slash. */
  base: string;
  /** The demo logins the server wrote to DATA_DIR/demo.json on its first boot. */
  logins: DemoLogin[];
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, wait for a clean exit, then drop the database, queues and data directory. */
  stop(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const BOOT_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

/** What one boot provisioned beyond the process, undone by `stop()` even when the boot failed. */
interface Resources {
  dataDir: string;
  database?: { admin: postgres.Sql; name: string };
  queuePrefix?: string;
}

async function release(res: Resources): Promise<void> {
  rmSync(res.dataDir, { recursive: true, force: true });
  if (res.database) {
    await res.database.admin.unsafe(`drop database if exists "${res.database.name}" with (force)`);
    await res.database.admin.end();
  }
  if (res.queuePrefix && process.env.REDIS_URL) await deleteQueues(process.env.REDIS_URL, res.queuePrefix);
}

/** BullMQ keeps each queue under `<prefix>:<queue>:*`; a unique prefix per boot makes them ours alone. */
async function deleteQueues(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Boots the real server (`node --import tsx src/server.ts`, as `npm start` does) on a free port
 * with the demo data. Embedded when the test run has no DATABASE_URL: PGlite in a temp DATA_DIR,
 * in-process jobs. Otherwise a fresh database on the run's PostgreSQL server (migrated and seeded
 * by the server itself at boot), BullMQ on REDIS_URL with workers in the process and a queue
 * prefix of its own, so parallel test files never share data or jobs.
 */
export async function startTrellis(opts: { env?: Record<string, string> } = {}): Promise<Trellis> {
  const buildError = inject('webBuildError');
  if (buildError) throw new Error(`the web app did not build, so there is nothing to test in a browser: ${buildError}`);
  const res: Resources = { dataDir: mkdtempSync(join(tmpdir(), 'trellis-e2e-')) };
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: res.dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SEED_DEMO: 'auto' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.PUBLIC_URL;
  // Embedded, the server generates its key into DATA_DIR as on a first `npm start`.
  delete env.SECRET_KEY;
  delete env.SECRET_KEY_PREVIOUS;

  try {
    const baseUrl = process.env.DATABASE_URL;
    if (baseUrl) {
      const name = `trellis_e2e_${randomBytes(6).toString('hex')}`;
      const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
      res.database = { admin, name };
      await admin.unsafe(`create database "${name}"`);
      env.DATABASE_URL = withDatabase(baseUrl, name);
      // With PostgreSQL the server refuses to start without one.
      env.SECRET_KEY = randomBytes(32).toString('base64');
    }
    if (process.env.REDIS_URL) {
      res.queuePrefix = `trellis-e2e-${randomBytes(6).toString('hex')}`;
      env.REDIS_URL = process.env.REDIS_URL;
      env.RUN_WORKERS = 'true';
      env.JOBS_QUEUE_PREFIX = res.queuePrefix;
    }
  } catch (err) {
    await release(res).catch(() => {});
    throw new Error(`could not provision the e2e database: ${(err as Error).message}`);
  }
  Object.assign(env, opts.env);

  // node with tsx's loader in-process, not the tsx CLI or npm: both would stand between the test
  // and the server's own exit code (see test/integration/system/start.test.ts).
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;

  let logins: DemoLogin[];
  try {
    await waitForHealth(child, base, () => out);
    logins = readDemoLogins(res.dataDir, () => out);
  } catch (err) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await release(res).catch(() => {});
    throw err;
  }

  let stopped = false;
  return {
    base,
    logins,
    output: () => out,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      try {
        const code = await terminate(child);
        if (code === 'timeout') throw new Error(`the server did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM:\n${out}`);
        if (code !== 0) throw new Error(`the server exited with ${code} on SIGTERM:\n${out}`);
      } finally {
        await release(res);
      }
    },
  };
}

async function waitForHealth(child: ChildProcess, base: string, output: () => string): Promise<void> {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before answering /healthz:\n${output()}`);
    }
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not answer /healthz within ${BOOT_TIMEOUT_MS / 1000} s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function readDemoLogins(dataDir: string, output: () => string): DemoLogin[] {
  // The server writes demo.json from its listen callback, which runs before /healthz can answer.
  try {
    const demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as { logins: DemoLogin[] };
    return demo.logins;
  } catch (err) {
    throw new Error(`the server did not write its demo logins (${(err as Error).message}):\n${output()}`);
  }
}

async function terminate(child: ChildProcess): Promise<number | null | 'timeout'> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)));
  const result = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (result === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
  return result;
}
