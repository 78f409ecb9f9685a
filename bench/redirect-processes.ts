/**
 * Child processes for bench/redirect.ts: Trellis and the bare server each run in their own Node
 * process (the same Node as the benchmark), and are killed whatever way the benchmark ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface Child {
  name: string;
  url: string;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
// Last resort: never leave a server behind, even when the benchmark dies on an exception.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A port that was free a moment ago (the child binds it right away). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

/**
 * Runs `script` with tsx's loader in this Node, with its output on our stderr (stdout carries the
 * benchmark's JSON alone), and waits until `ready()` resolves true.
 */
export async function startChild(opts: {
  name: string;
  script: string;
  port: number;
  env: Record<string, string>;
  nodeFlags?: string[];
  ready: (url: string) => Promise<boolean>;
  timeoutMs: number;
}): Promise<Child> {
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), '--import', 'tsx', opts.script], {
    cwd: process.cwd(),
    env: { ...process.env, ...opts.env, PORT: String(opts.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  process.stderr.write(`[bench] ${opts.name}: pid ${child.pid}\n`);
  child.once('exit', () => running.delete(child));
  const prefix = `[${opts.name}] `;
  const relay = (chunk: Buffer) => process.stderr.write(chunk.toString().replace(/^(?=.)/gm, prefix));
  child.stdout!.on('data', relay);
  child.stderr!.on('data', relay);

  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async (graceMs = 30_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited(child);
    clearTimeout(timer);
  };

  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${opts.name} exited during start (code ${child.exitCode ?? child.signalCode})`);
    if (await opts.ready(url).catch(() => false)) return { name: opts.name, url, process: child, stop };
    if (Date.now() > deadline) {
      await stop(1_000);
      throw new Error(`${opts.name} was not ready within ${opts.timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ) on every common platform.
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) the process has used so far, from /proc; null where there is none.
 * Per request, it shows a server's own cost even when other work on the machine skews throughput.
 */
export function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), counted from field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Stops every child still running (SIGTERM, then SIGKILL). */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(timer);
    }),
  );
}
