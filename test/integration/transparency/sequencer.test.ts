import { asc, sql } from 'drizzle-orm';
import { compactVerify, createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../db/client.js';
import { logCheckpoints, logEntries, logOutbox, logTiles } from '../../../db/schema/index.js';
import { parseCheckpoint } from '../../../src/transparency/checkpoint.js';
import { appendLogEntries } from '../../../src/transparency/entries/append.js';
import { LogKeys } from '../../../src/transparency/log/keys.js';
import { sequenceLog, type SequenceOptions } from '../../../src/transparency/log/sequencer.js';
import { emptyRoot, rootOf } from '../../../src/transparency/merkle.js';
import { openNote, parseVkey } from '../../../src/transparency/note.js';
import { extendTiles } from '../../../src/transparency/tiles.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
// The scheduled sequencer would race the test's own runs; these tests run the sequencer themselves.
beforeAll(async () => {
  h = await createHarness({ env: { TRANSPARENCY_SEQUENCE_INTERVAL_MS: '86400000' } });
  // On BullMQ a job scheduler runs once at start: let that run finish before the tests sequence.
  await h.jobs.idle();
});
afterAll(async () => h?.close());

let appended = 0;
/** Writes `n` entries to the outbox, as a business transaction would. */
async function append(n: number): Promise<void> {
  const entries = Array.from({ length: n }, () => ({
    type: 'test.entry',
    v: 1,
    tenantId: null,
    programId: null,
    partnerMemberId: null,
    body: { n: appended++, note: 'ünïcode ✓' },
  }));
  for (let i = 0; i < entries.length; i += 1_000) await appendLogEntries(h.ctx(), entries.slice(i, i + 1_000));
}

const sequence = (opts?: SequenceOptions) => sequenceLog({ db: h.db, clock: h.clock, keys: h.log }, opts);

const entriesInOrder = () => h.db.select().from(logEntries).orderBy(asc(logEntries.idx));
const latest = async () => (await h.db.select().from(logCheckpoints).orderBy(sql`tree_size desc`).limit(1))[0];
const bytes = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the sequencer', () => {
  it('publishes the empty tree’s checkpoint on its first run', async () => {
    // The first run: ours, or the scheduled job's when the runner starts its schedules at once (BullMQ).
    const result = await sequence();
    expect(result).toMatchObject({ appended: 0, treeSize: 0, busy: false });
    const cp = await latest();
    expect(cp!.treeSize).toBe(0);
    expect(bytes(cp!.rootHash)).toBe(bytes(emptyRoot()));
    // A run with nothing waiting signs nothing new.
    expect(await sequence()).toMatchObject({ appended: 0, checkpoints: 0 });
  });

  it('appends outbox rows in outbox order with consecutive indexes and signs a checkpoint that verifies', async () => {
    await append(150);
    const outbox = await h.db.select().from(logOutbox).orderBy(asc(logOutbox.id));
    const result = await sequence({ batchSize: 64 });
    expect(result).toMatchObject({ appended: 150, treeSize: 150, checkpoints: 3 });

    const entries = await entriesInOrder();
    expect(entries.map((e) => e.idx)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(entries.map((e) => e.outboxId)).toEqual(outbox.map((o) => o.id));
    expect(entries.map((e) => e.entry)).toEqual(outbox.map((o) => o.entry));
    expect(await h.db.select().from(logOutbox)).toHaveLength(0);

    const cp = (await latest())!;
    const opened = openNote(cp.note, [parseVkey(await h.log.vkey())]);
    const parsed = parseCheckpoint(opened.text);
    expect(parsed).toMatchObject({ origin: h.config.TRANSPARENCY_ORIGIN, size: 150 });
    expect(bytes(parsed.root)).toBe(bytes(rootOf(entries.map((e) => e.leafHash))));
    expect(bytes(cp.rootHash)).toBe(bytes(parsed.root));

    const jwks = createLocalJWKSet({ keys: await h.log.publicJwks() });
    const { payload, protectedHeader } = await compactVerify(cp.jws, jwks);
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: cp.keyId, typ: 'trellis-checkpoint+jws' });
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ origin: h.config.TRANSPARENCY_ORIGIN, size: 150, root: Buffer.from(parsed.root).toString('base64') });
  });

  it('keeps the hash tiles equal to the tiles computed from scratch as the tree grows', async () => {
    for (const n of [1, 104, 1, 256, 300, 43]) {
      await append(n);
      await sequence({ batchSize: 200 });
      const entries = await entriesInOrder();
      const scratch = extendTiles(0, new Map(), entries.map((e) => e.leafHash));
      const stored = await h.db.select().from(logTiles).orderBy(asc(logTiles.level), asc(logTiles.idx));
      expect(stored.map((t) => ({ level: t.level, index: t.idx, width: t.width, hashes: bytes(t.hashes) }))).toEqual(
        scratch.tiles.map((t) => ({ level: t.level, index: t.index, width: t.width, hashes: bytes(t.hashes) })),
      );
      expect(bytes((await latest())!.rootHash)).toBe(bytes(scratch.root));
    }
  });

  it('never interleaves or duplicates when two processes sequence at once', async () => {
    // A second process: its own connection pool on the same database (PGlite has one connection).
    const other = h.databaseUrl ? await openDatabase({ url: h.databaseUrl, poolSize: 4 }) : undefined;
    const otherDb: Db = other?.db ?? h.db;
    const otherKeys = new LogKeys(otherDb, h.clock, h.config.TRANSPARENCY_ORIGIN, h.secrets.keyring);
    try {
      const before = (await latest())!.treeSize;
      const rounds = Array.from({ length: 8 }, async (_, round) => {
        await append(40 + round);
        await Promise.all([
          sequenceLog({ db: h.db, clock: h.clock, keys: h.log }, { batchSize: 7 }),
          sequenceLog({ db: otherDb, clock: h.clock, keys: otherKeys }, { batchSize: 11 }),
        ]);
      });
      await Promise.all(rounds);
      // Whatever one process left behind while the other held the lock.
      await sequence();
      const entries = await entriesInOrder();
      const added = 8 * 40 + 28;
      expect(entries).toHaveLength(before + added);
      expect(entries.map((e) => e.idx)).toEqual(Array.from({ length: before + added }, (_, i) => i));
      expect(new Set(entries.map((e) => e.outboxId)).size).toBe(entries.length);
      expect(await h.db.select().from(logOutbox)).toHaveLength(0);
      const cp = (await latest())!;
      expect(cp.treeSize).toBe(before + added);
      expect(bytes(cp.rootHash)).toBe(bytes(rootOf(entries.map((e) => e.leafHash))));
    } finally {
      await other?.close();
    }
  });

  it('rolls a crash between taking outbox rows and publishing the checkpoint back whole; the next run appends with no gap', async () => {
    await append(25);
    const outboxBefore = await h.db.select().from(logOutbox).orderBy(asc(logOutbox.id));
    const entriesBefore = await entriesInOrder();
    const tilesBefore = await h.db.select().from(logTiles);
    const checkpointBefore = await latest();

    await expect(
      sequence({
        beforeCommit: () => {
          throw new Error('crash');
        },
      }),
    ).rejects.toThrow('crash');

    expect(await h.db.select().from(logOutbox).orderBy(asc(logOutbox.id))).toEqual(outboxBefore);
    expect(await entriesInOrder()).toEqual(entriesBefore);
    expect(await h.db.select().from(logTiles)).toEqual(expect.arrayContaining(tilesBefore));
    expect(await h.db.select().from(logTiles)).toHaveLength(tilesBefore.length);
    expect(await latest()).toEqual(checkpointBefore);

    expect(await sequence()).toMatchObject({ appended: 25, treeSize: entriesBefore.length + 25 });
    const entries = await entriesInOrder();
    expect(entries.map((e) => e.idx)).toEqual(Array.from({ length: entriesBefore.length + 25 }, (_, i) => i));
    expect(entries.slice(-25).map((e) => e.outboxId)).toEqual(outboxBefore.map((o) => o.id));
  });

  it('refuses to update or delete a log entry', async () => {
    // drizzle wraps the database's error; the trigger's message is in its cause.
    const refusal = (q: ReturnType<typeof sql>) =>
      h.db.execute(q).then(
        () => 'accepted',
        (err: Error & { cause?: Error }) => `${err.message} ${err.cause?.message ?? ''}`,
      );
    expect(await refusal(sql`update log_entries set entry = '{}' where idx = 0`)).toMatch(/append-only \(UPDATE refused\)/);
    expect(await refusal(sql`delete from log_entries where idx = 0`)).toMatch(/append-only \(DELETE refused\)/);
    expect((await entriesInOrder())[0]!.entry).not.toBe('{}');
  });

  it('stops after maxBatches and leaves the rest waiting (the boot signs a checkpoint, the job takes a backlog)', async () => {
    const before = (await latest())!.treeSize;
    await append(12);
    expect(await sequence({ batchSize: 5, maxBatches: 1 })).toMatchObject({ appended: 5, treeSize: before + 5, checkpoints: 1 });
    expect(await h.db.select().from(logOutbox)).toHaveLength(7);
    expect(await sequence({ batchSize: 5 })).toMatchObject({ appended: 7, treeSize: before + 12 });
    expect(await h.db.select().from(logOutbox)).toHaveLength(0);
  });
});
