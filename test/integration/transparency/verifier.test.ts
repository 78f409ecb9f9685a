import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.js';
import { formatCheckpoint, parseCheckpoint } from '../../../src/transparency/checkpoint.js';
import { cosign, formatWitnessVkey } from '../../../src/transparency/cosignature.js';
import { leafHash } from '../../../src/transparency/merkle.js';
import { ed25519NoteSigner, formatVkey, signNote } from '../../../src/transparency/note.js';
import { extendTiles } from '../../../src/transparency/tiles.js';
import { upsertTiles } from '../../../src/transparency/log/storage.js';
import { verifyLog } from '../../../src/transparency/verifier/verify.js';
import { writeDailyStats } from '../../../src/transparency/entries/daily-stats.js';
import { createLink, createWorld, type World } from '../../helpers/factories.js';
import { createPolicy } from '../commissions/fixtures.js';
import { DAY, plantClick, sale, trackProcessed } from '../conversions/fixtures.js';
import { appendEntries, dropAppendOnlyTrigger, runVerifierProcess, sequenceAll, serveLog, tempStatePath, testEntry, type ServedLog } from './verifier-fixtures.js';

/**
 * The verifier against a served log, as a third party runs it: over HTTP, with the vkey only. An
 * honest log passes; each thing a dishonest operator could do to it is caught with its reason.
 */

const encoder = new TextEncoder();

describe('trellis-verify on an honest log', () => {
  let log: ServedLog;
  let w: World;
  beforeAll(async () => {
    log = await serveLog();
    w = await createWorld(log.h);
    await createPolicy(log.h, w.program.id, 'DE', { percentBps: 1000, holdDays: 30 });
  });
  afterAll(async () => log?.close());

  it('verifies entries written in a transaction and by a real conversion, then the grown tree against the saved checkpoint', async () => {
    const { h } = log;
    await appendEntries(h, [testEntry(1_000), testEntry(2_000), testEntry(3_000)]);
    await trackProcessed(h, w, sale({ clickId: (await plantClick(h, await createLink(h, w))).id, country: 'DE', amount: 12_000 }));
    const size = await sequenceAll(h);
    expect(size).toBeGreaterThanOrEqual(4);
    const statePath = await tempStatePath();

    const first = await verifyLog({ logUrl: log.base, vkey: log.vkey, statePath });
    expect(first.failures).toEqual([]);
    expect(first.ok).toBe(true);
    expect(first.checkpoint?.size).toBe(size);
    expect(first.checked.join('\n')).toMatch(/signature verified with the vkey/);
    expect(first.checked.join('\n')).toMatch(/each equals the tile recomputed from the entries/);
    expect(first.checked.join('\n')).toMatch(new RegExp(`the root recomputed from the ${size} entries is the checkpoint's root`));
    expect(first.checked.join('\n')).toMatch(/this one is the first/);

    await appendEntries(h, [testEntry(4_000)]);
    const grown = await sequenceAll(h);
    const second = await verifyLog({ logUrl: `${log.base}/log`, vkey: log.vkey, statePath });
    expect(second.failures).toEqual([]);
    expect(second.checked.join('\n')).toMatch(new RegExp(`the first ${size} entries still give the root`));
    expect(second.checked.join('\n')).toMatch(new RegExp(`consistency proof from size ${size} to ${grown} verifies`));
  });

  it('runs as a command: bin/trellis-verify.mjs exits 0 and says what it checked', async () => {
    const statePath = await tempStatePath();
    const run = await runVerifierProcess([log.base, log.vkey, '--state', statePath]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok {4}checkpoint of trellis\.localhost\/log: size \d+/m);
    expect(run.stdout).toMatch(/^verified: trellis\.localhost\/log at size \d+$/m);

    const wrongKey = formatVkey('trellis.localhost/log', rawPublicKey());
    const refused = await runVerifierProcess([log.base, wrongKey, '--state', statePath]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^FAIL {2}checkpoint signature does not verify with the vkey of trellis\.localhost\/log/m);
  });

  it('checks the witnesses named: a valid cosignature from each', async () => {
    const { h } = log;
    const witnessKey = generateKeyPairSync('ed25519').privateKey;
    const witness = { name: 'witness.example/w1', privateKey: witnessKey };
    const witnessVkey = formatWitnessVkey(witness.name, rawPublicKey(witnessKey));
    const [latest] = await queryRows<{ tree_size: number; note: string }>(h.db, sql`select tree_size::int, note from log_checkpoints order by tree_size desc limit 1`);
    const body = latest!.note.slice(0, latest!.note.indexOf('\n\n') + 1);
    await h.db.execute(sql`insert into log_cosignatures (tree_size, witness, signature_line) values (${latest!.tree_size}, ${witness.name}, ${cosign(body, witness, Math.floor(Date.now() / 1000))})`);

    const cosigned = await verifyLog({ logUrl: log.base, vkey: log.vkey, statePath: null, witnesses: [witnessVkey] });
    expect(cosigned.failures).toEqual([]);
    expect(cosigned.checked.join('\n')).toMatch(/witness witness\.example\/w1 cosigned the checkpoint/);

    const otherVkey = formatWitnessVkey('witness.example/w2', rawPublicKey(generateKeyPairSync('ed25519').privateKey));
    const missing = await verifyLog({ logUrl: log.base, vkey: log.vkey, statePath: null, witnesses: [witnessVkey, otherVkey] });
    expect(missing.failures).toEqual(['the checkpoint carries no valid cosignature from witness witness.example/w2']);
  });

  it("checks an affiliate's receipts, inclusion and statistics with their login", async () => {
    const { h } = log;
    await trackProcessed(h, w, sale({ clickId: (await plantClick(h, await createLink(h, w))).id, country: 'DE', amount: 8_000 }));
    // The day ends: the statistics job logs the affiliate's figures for it.
    h.clock.advance(DAY);
    expect(await writeDailyStats({ db: h.db, clock: h.clock })).toBeGreaterThan(0);
    await sequenceAll(h);

    const result = await verifyLog({ logUrl: log.base, vkey: log.vkey, statePath: null, affiliate: { email: w.affiliate.email, password: w.affiliate.password } });
    expect(result.failures).toEqual([]);
    const checked = result.checked.join('\n');
    expect(checked).toMatch(/receipt\(s\) verified with \/\.well-known\/jwks\.json; \d+ entr(y is|ies are) in the tree with a verified inclusion proof/);
    expect(checked).toMatch(/the stats\.affiliate\.daily entry of \d{4}-\d{2}-\d{2} matches the affiliate's entries: 2 conversion\(s\), commissions 2 × pending EUR->EUR: 2000 \(2000 payout\)/);
    expect(checked).toMatch(/the dashboard's 2 commission\(s\) match the log commission by commission/);

    const [token] = [(await h.request('POST', '/v1/auth/login', { body: { email: w.affiliate.email, password: w.affiliate.password } })).body.accessToken as string];
    const byToken = await verifyLog({ logUrl: log.base, vkey: log.vkey, statePath: null, affiliate: { token } });
    expect(byToken.failures).toEqual([]);
  });

  it('reports a dashboard that differs from the log', async () => {
    const { h } = log;
    await h.db.execute(sql`update commissions set amount = amount + 1 where partner_member_id = ${w.affiliate.member.id}`);
    const result = await verifyLog({ logUrl: log.base, vkey: log.vkey, statePath: null, affiliate: { email: w.affiliate.email, password: w.affiliate.password } });
    expect(result.failures).toHaveLength(2);
    expect(result.failures[0]).toMatch(/^commission com_\w+: amount \d+ on the dashboard, \d+ in the log$/);
  });
});

/** Each case gets its own log: a tampered log stays tampered. */
describe('trellis-verify on a tampered log', () => {
  async function withLog(fn: (log: ServedLog) => Promise<void>) {
    const log = await serveLog();
    try {
      await appendEntries(log.h, [testEntry(1_000), testEntry(2_000), testEntry(3_000), testEntry(4_000), testEntry(5_000)]);
      await sequenceAll(log.h);
      await fn(log);
    } finally {
      await log.close();
    }
  }

  it('catches a deleted entry', async () => {
    await withLog(async ({ h, base, vkey }) => {
      await dropAppendOnlyTrigger(h);
      await h.db.execute(sql`delete from log_entries where idx = 2`);
      const result = await verifyLog({ logUrl: base, vkey, statePath: null });
      expect(result.ok).toBe(false);
      expect(result.failures).toEqual([expect.stringMatching(/^entry bundle tile\/entries\/000\.p\/5 is not served \(HTTP 404/)]);
    });
  });

  it('catches an amount changed inside an entry', async () => {
    await withLog(async ({ h, base, vkey }) => {
      await dropAppendOnlyTrigger(h);
      await h.db.execute(sql`update log_entries set entry = replace(entry, '"amount":3000', '"amount":300') where idx = 2`);
      const result = await verifyLog({ logUrl: base, vkey, statePath: null });
      expect(result.failures).toEqual([
        'hash tile tile/0/000.p/5 differs from the one recomputed from the entries (first at the leaf hash of entry 2)',
        expect.stringMatching(/^the root recomputed from the 5 entries \(.+\) is not the checkpoint's root/),
      ]);
    });
  });

  it('catches history rewritten after a checkpoint the verifier saw, though the new checkpoint is signed with the real key', async () => {
    await withLog(async ({ h, base, vkey }) => {
      const statePath = await tempStatePath();
      expect((await verifyLog({ logUrl: base, vkey, statePath })).ok).toBe(true);
      await appendEntries(h, [testEntry(6_000)]);
      const size = await sequenceAll(h);

      // The operator alters entry 1, rebuilds every tile and signs a checkpoint of the rewritten tree.
      await dropAppendOnlyTrigger(h);
      await h.db.execute(sql`update log_entries set entry = replace(entry, '"amount":2000', '"amount":20') where idx = 1`);
      const rows = await queryRows<{ entry: string }>(h.db, sql`select entry from log_entries order by idx`);
      const leaves = rows.map((r) => leafHash(encoder.encode(r.entry)));
      await h.db.execute(sql`update log_entries set leaf_hash = ${Buffer.from(leaves[1]!)} where idx = 1`);
      const rebuilt = extendTiles(0, new Map(), leaves);
      await h.db.execute(sql`delete from log_tiles`);
      await upsertTiles(h.db, rebuilt.tiles);
      const note = await h.log.signNote(formatCheckpoint({ origin: h.log.origin, size, root: rebuilt.root, extensions: [] }));
      await h.db.execute(sql`update log_checkpoints set root_hash = ${Buffer.from(rebuilt.root)}, note = ${note} where tree_size = ${size}`);

      // Without the saved checkpoint the rewritten log looks whole...
      expect((await verifyLog({ logUrl: base, vkey, statePath: null })).failures).toEqual([]);
      // ...with it, the verifier sees the first 5 entries no longer give the root it verified.
      const result = await verifyLog({ logUrl: base, vkey, statePath });
      expect(result.failures).toEqual([
        expect.stringMatching(/^history rewritten: the first 5 entries now give root .+, but the checkpoint of size 5 verified at .+ had root /),
        expect.stringMatching(new RegExp(`^the log's consistency proof from size 5 to ${size} does not verify`)),
      ]);
    });
  });

  it('refuses a checkpoint signed by another key', async () => {
    await withLog(async ({ h, base, vkey }) => {
      const [latest] = await queryRows<{ tree_size: number; note: string }>(h.db, sql`select tree_size::int, note from log_checkpoints order by tree_size desc limit 1`);
      const body = latest!.note.slice(0, latest!.note.indexOf('\n\n') + 1);
      expect(parseCheckpoint(body).size).toBe(5);
      const forged = signNote(body, [ed25519NoteSigner(h.log.origin, generateKeyPairSync('ed25519').privateKey)]);
      await h.db.execute(sql`update log_checkpoints set note = ${forged} where tree_size = ${latest!.tree_size}`);
      const result = await verifyLog({ logUrl: base, vkey, statePath: null });
      expect(result.failures).toEqual([expect.stringMatching(/^checkpoint signature does not verify with the vkey of trellis\.localhost\/log/)]);
    });
  });

  it("refuses a checkpoint whose origin is not the vkey's name, though the log key signed it", async () => {
    await withLog(async ({ h, base, vkey }) => {
      const [latest] = await queryRows<{ tree_size: number; note: string }>(h.db, sql`select tree_size::int, note from log_checkpoints order by tree_size desc limit 1`);
      const other = parseCheckpoint(latest!.note.slice(0, latest!.note.indexOf('\n\n') + 1));
      const note = await h.log.signNote(formatCheckpoint({ ...other, origin: 'other.example/log' }));
      await h.db.execute(sql`update log_checkpoints set note = ${note} where tree_size = ${latest!.tree_size}`);
      const result = await verifyLog({ logUrl: base, vkey, statePath: null });
      expect(result.failures).toEqual(['checkpoint origin "other.example/log" is not the vkey\'s name "trellis.localhost/log"']);
    });
  });

  it('catches a tampered hash tile', async () => {
    await withLog(async ({ h, base, vkey }) => {
      await h.db.execute(sql`update log_tiles set hashes = overlay(hashes placing ${Buffer.alloc(32, 7)} from 33 for 32) where level = 0 and idx = 0`);
      const result = await verifyLog({ logUrl: base, vkey, statePath: null });
      expect(result.failures).toEqual(['hash tile tile/0/000.p/5 differs from the one recomputed from the entries (first at the leaf hash of entry 1)']);
    });
  });
});

function rawPublicKey(privateKey = generateKeyPairSync('ed25519').privateKey): Uint8Array {
  const jwk = privateKey.export({ format: 'jwk' }) as { x: string };
  return new Uint8Array(Buffer.from(jwk.x, 'base64url'));
}
