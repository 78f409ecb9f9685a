import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Boots the real server the way a newcomer would (`npm start`, embedded PGlite, no
 * Redis) and checks the first-run experience: health, the demo data and its credentials, and a
 * clean shutdown on SIGTERM.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'trellis-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

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

interface Booted {
  child: ChildProcess;
  base: string;
  output: () => string;
}

async function boot(): Promise<Booted> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', SEED_DEMO: 'auto' };
  // The embedded setup: no PostgreSQL, no Redis, whatever the test run itself uses. No HOST, as
  // for a newcomer: the demo data must then keep the server on loopback by itself.
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  // Nor a key: the first boot generates one into DATA_DIR.
  delete env.SECRET_KEY;
  delete env.SECRET_KEY_PREVIOUS;
  delete env.HOST;
  // What `npm start` runs (node with tsx's loader in-process: the tsx CLI would add a parent that
  // SIGKILLs the server when it does not acknowledge a relayed SIGTERM within 30 ms, as happens on
  // a busy machine), minus the npm wrapper: npm re-raises a SIGTERM on itself instead of passing
  // the server's exit code through, which would hide an unclean shutdown.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before answering:\n${out}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer /healthz in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, base, output: () => out };
}

async function stop(b: Booted): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => b.child.once('exit', (code) => resolve(code)));
  b.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref());
  const result = await Promise.race([exited, timeout]);
  if (result === 'timeout') {
    b.child.kill('SIGKILL');
    throw new Error(`server did not exit within 30 s of SIGTERM:\n${b.output()}`);
  }
  return result;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

/** Without HOST, a database holding the demo is served on 127.0.0.1 only, and the server says so in its log and banner. */
function expectLoopbackForTheDemo(server: Booted): void {
  const notice = 'The database holds the demo data (public passwords and log key): listening on 127.0.0.1 only.';
  const out = server.output();
  expect(out).toContain(`(listening on 127.0.0.1:${new URL(server.base).port})`);
  // Once as a log line (JSON, LOG_LEVEL=warn), once in the banner.
  expect(out.split(notice).length - 1).toBe(2);
  expect(out).toMatch(/"level":40[^\n]*listening on 127\.0\.0\.1 only/);
}

describe('tsx src/server.ts', () => {
  it('boots on embedded PGlite with demo data, and stops cleanly on SIGTERM', { timeout: 240_000 }, async () => {
    const server = await boot();
    try {
      const demoFile = join(dataDir, 'demo.json');
      expect(existsSync(demoFile)).toBe(true);
      const demo = JSON.parse(readFileSync(demoFile, 'utf8'));
      expect(demo.logins.map((l: { email: string }) => l.email)).toEqual([
        'admin@demo.trellis.test',
        'manager@demo.trellis.test',
        'affiliate@demo.trellis.test',
        'member@demo.trellis.test',
      ]);
      expect(demo.apiKey).toMatch(/^trl_/);
      expect(server.output()).toContain('admin@demo.trellis.test');
      // No SECRET_KEY: the key that seals the database's secrets was generated next to it, owner-only.
      expect(statSync(join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
      expectLoopbackForTheDemo(server);

      const admin = demo.logins.find((l: { role: string }) => l.role === 'admin');
      const login = await post(`${server.base}/v1/auth/login`, { email: admin.email, password: admin.password });
      expect(login.status).toBe(200);
      expect(login.body.accessToken).toEqual(expect.any(String));

      const list = await fetch(`${server.base}/v1/programs/${demo.programId}/members?limit=3`, { headers: { authorization: `Bearer ${demo.apiKey}` } });
      expect(list.status).toBe(200);
      expect(((await list.json()) as { data: unknown[] }).data).toHaveLength(3);
    } finally {
      expect(await stop(server)).toBe(0);
    }
  });

  it('does not seed again on the same data directory', { timeout: 240_000 }, async () => {
    const demoFile = join(dataDir, 'demo.json');
    const first = JSON.parse(readFileSync(demoFile, 'utf8'));
    rmSync(demoFile);
    const key = readFileSync(join(dataDir, 'secret.key'), 'utf8');
    const server = await boot();
    try {
      expect(existsSync(demoFile)).toBe(false);
      // Not seeded on this boot, but the demo's public passwords are still there.
      expectLoopbackForTheDemo(server);
      // The first run's credentials still work: same database, no second tenant.
      const admin = first.logins.find((l: { role: string }) => l.role === 'admin');
      const login = await post(`${server.base}/v1/auth/login`, { email: admin.email, password: admin.password });
      expect(login.status).toBe(200);
      const programs = await fetch(`${server.base}/v1/programs`, { headers: { authorization: `Bearer ${login.body.accessToken}` } });
      expect(programs.status).toBe(200);
      expect(((await programs.json()) as { data: { id: string }[] }).data.map((p) => p.id)).toEqual([first.programId]);
      // The generated key was reused: a new one would open none of the sealed signing keys.
      expect(readFileSync(join(dataDir, 'secret.key'), 'utf8')).toBe(key);
    } finally {
      expect(await stop(server)).toBe(0);
    }
  });
});
