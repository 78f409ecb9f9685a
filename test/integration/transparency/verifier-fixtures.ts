import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.js';
import { withTransaction } from '../../../src/context.js';
import { appendLogEntries, type LogEntryInput } from '../../../src/transparency/entries/append.js';
import { sequenceLog } from '../../../src/transparency/log/sequencer.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

/** A harness served on a real port, as a third party reaches the log: over HTTP. */
export interface ServedLog {
  h: Harness;
  base: string;
  /** The log's vkey as GET /log/vkey shows it. */
  vkey: string;
  close(): Promise<void>;
}

export async function serveLog(): Promise<ServedLog> {
  // The tests run the sequencer themselves, so a tamper step never races a scheduled run.
  const h = await createHarness({ env: { TRANSPARENCY_SEQUENCE_INTERVAL_MS: '86400000' } });
  let server!: ServerType;
  await new Promise<void>((resolve) => {
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await sequenceAll(h);
  const res = await fetch(`${base}/log/vkey`);
  const vkey = (await res.text()).trim();
  if (res.status !== 200) throw new Error(`GET /log/vkey answered ${res.status}: ${vkey}`);
  return {
    h,
    base,
    vkey,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets of the verifier's fetches would hold close() for seconds.
        (server as import('node:http').Server).closeAllConnections();
      });
      await h.close();
    },
  };
}

/** Runs the sequencer until the outbox is empty (a scheduled run holding the lock makes it wait); the tree size. */
export async function sequenceAll(h: Harness): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const result = await sequenceLog({ db: h.db, clock: h.clock, keys: h.log });
    const [waiting] = await queryRows<{ n: number }>(h.db, sql`select count(*)::int as n from log_outbox`);
    if (!result.busy && waiting!.n === 0) {
      const [latest] = await queryRows<{ size: number }>(h.db, sql`select max(tree_size)::int as size from log_checkpoints`);
      return latest!.size;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the sequencer never got the lock');
}

/** Entries as a business change writes them: in one transaction, through the outbox. */
export async function appendEntries(h: Harness, entries: readonly LogEntryInput[]): Promise<void> {
  await withTransaction(h.ctx(), (tx) => appendLogEntries(tx, entries));
}

/** A commission-like test entry with an amount a dishonest operator might want to change. */
export const testEntry = (amount: number, partnerMemberId: string | null = null): LogEntryInput => ({
  type: 'test.payment',
  v: 1,
  tenantId: null,
  programId: null,
  partnerMemberId,
  body: { paymentId: `pay_${randomBytes(6).toString('hex')}`, amount, currency: 'EUR' },
});

export const tempStatePath = async () => join(await mkdtemp(join(tmpdir(), 'trellis-verify-test-')), 'state.json');

/** The append-only trigger off, as an operator with database access can do. */
export async function dropAppendOnlyTrigger(h: Harness): Promise<void> {
  await h.db.execute(sql`drop trigger if exists log_entries_append_only on log_entries`);
}

/** Runs bin/trellis-verify.mjs in a child process (async: this process serves the log it checks). */
export async function runVerifierProcess(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/trellis-verify.mjs', ...args], { cwd: process.cwd(), timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
