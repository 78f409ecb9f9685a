import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint } from '../../../src/transparency/checkpoint.js';
import { leafHash } from '../../../src/transparency/merkle.js';
import { ed25519NoteSigner, signNote } from '../../../src/transparency/note.js';
import { parseCanonicalObject } from '../../../web/src/verify/canonical.js';
import { verifySignedCheckpoint } from '../../../web/src/verify/checkpoint.js';
import { checkMyEntries, loadCheckpoint, pinVkey } from '../../../web/src/verify/run.js';
import { commissionEntry, FakeLog, MEMBER, MemoryStore, ORIGIN } from './fake-log.js';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const hashOf = (text: string) => b64(leafHash(new TextEncoder().encode(text)));

/** Ana's log: two commissions (one approved later), a conversion, an entry of someone else's, and one not yet sequenced. */
function anasLog(): FakeLog {
  const log = new FakeLog();
  log.append({ conversionId: 'cnv_1', partnerMemberId: MEMBER, programId: 'prg_demo', type: 'conversion.decided', v: 1 });
  log.append(commissionEntry('com_1', 'pending', 1295));
  log.append(commissionEntry('com_other', 'pending', 999, 'commission.created', 'mem_other'), 'mem_other');
  log.append(commissionEntry('com_2', 'held', 3490));
  log.append(commissionEntry('com_1', 'approved', 1295, 'commission.approved'));
  log.sequence();
  log.append(commissionEntry('com_3', 'pending', 500));
  return log;
}

async function run(log: FakeLog) {
  const checkpoint = await verifySignedCheckpoint(log.note(), log.vkey);
  return checkMyEntries(log.source(), checkpoint, MEMBER);
}

describe("checking an affiliate's entries in the browser", () => {
  it('verifies every sequenced entry, counts the later one as pending, and matches the dashboard', async () => {
    const progress: string[] = [];
    const log = anasLog();
    const report = await checkMyEntries(log.source(), await verifySignedCheckpoint(log.note(), log.vkey), MEMBER, (p) => progress.push(`${p.phase} ${p.done}/${p.total}`));
    expect(report).toMatchObject({ checkpointSize: 5, verified: 4, pending: 1, failed: 0, commissionsOnDashboard: 3, mismatches: [] });
    expect(report.entries.map((e) => [e.index, e.type, e.status])).toEqual([
      [0, 'conversion.decided', 'ok'],
      [1, 'commission.created', 'ok'],
      [3, 'commission.created', 'ok'],
      [4, 'commission.approved', 'ok'],
      [null, 'commission.created', 'pending'],
    ]);
    expect(report.entries[1]).toMatchObject({ money: { amount: 1295, currency: 'EUR' }, commissionStatus: 'pending' });
    expect(progress.at(-1)).toBe('comparing 5/5');
    expect(progress).toContain('checking 3/5');
  });

  it('fails a tampered entry: an amount changed in the served text', async () => {
    const log = anasLog();
    log.tamper.entry = (e) => (e.index === 3 ? { ...e, entry: e.entry.replace('"amount":3490', '"amount":4490') } : e);
    const report = await run(log);
    expect(report.failed).toBe(1);
    expect(report.entries.find((e) => e.index === 3)).toMatchObject({ status: 'failed', reason: 'leaf_hash_mismatch' });
    // The changed commission is then not backed by a verified entry: the dashboard shows one the log does not.
    expect(report.mismatches).toEqual([{ commissionId: 'com_2', code: 'not_in_log', fields: [] }]);
  });

  it('fails a tampered entry whose listed hash was recomputed to match: the receipt names the original', async () => {
    const log = anasLog();
    log.tamper.entry = (e) => {
      if (e.index !== 1) return e;
      const entry = e.entry.replace('"amount":1295', '"amount":1395');
      return { ...e, entry, leafHash: hashOf(entry) };
    };
    expect((await run(log)).entries.find((e) => e.index === 1)).toMatchObject({ status: 'failed', reason: 'receipt_other_leaf' });
  });

  it('fails a receipt not signed by a log key, an entry of another partner, a non-canonical entry and a lying index', async () => {
    const log = anasLog();
    const stranger = generateKeyPairSync('ed25519').privateKey;
    log.tamper.entry = (e) => {
      if (e.index === 0) {
        const [h, p] = e.receipt.split('.') as [string, string];
        return { ...e, receipt: `${h}.${p}.${sign(null, Buffer.from(`${h}.${p}`), stranger).toString('base64url')}` };
      }
      if (e.index === 1) return { ...e, index: 2 }; // the other affiliate's leaf
      if (e.index === 3) return { ...e, entry: e.entry.replace('"at"', ' "at"'), leafHash: hashOf(e.entry.replace('"at"', ' "at"')) };
      return e;
    };
    const byIndex = new Map((await run(log)).entries.map((e) => [e.index, e]));
    expect(byIndex.get(0)).toMatchObject({ status: 'failed', reason: 'receipt_invalid' });
    expect(byIndex.get(2)).toMatchObject({ status: 'failed', reason: 'inclusion_failed' });
    expect(byIndex.get(3)).toMatchObject({ status: 'failed', reason: 'not_canonical' });
    expect(byIndex.get(4)).toMatchObject({ status: 'ok' });
  });

  it('names the commissions where the dashboard and the log disagree', async () => {
    const log = anasLog();
    log.tamper.dashboard = (list) => [...list.map((c) => (c.id === 'com_1' ? { ...c, amount: 1296 } : c)).filter((c) => c.id !== 'com_2'), { ...list[0]!, id: 'com_ghost' }];
    expect((await run(log)).mismatches).toEqual([
      { commissionId: 'com_1', code: 'differs', fields: ['amount'] },
      { commissionId: 'com_ghost', code: 'not_in_log', fields: [] },
      { commissionId: 'com_2', code: 'not_on_dashboard', fields: [] },
    ]);
  });

  it('parses only canonical JSON objects', () => {
    expect(parseCanonicalObject('{"a":1,"b":[true,null,"x"]}')).toEqual({ a: 1, b: [true, null, 'x'] });
    for (const text of ['{"b":1,"a":2}', '{"a": 1}', '{"a":1.0}', '[1]', 'null', '{"a":"\\u0041"}']) expect(parseCanonicalObject(text)).toBeNull();
  });
});

describe('loading the checkpoint', () => {
  it('pins the key on first use, verifies and remembers the checkpoint', async () => {
    const store = new MemoryStore();
    const log = anasLog();
    const state = await loadCheckpoint(log.source(), store, () => new Date('2026-12-05T10:00:00Z'));
    expect(state).toMatchObject({ keyPin: 'first_use', vkey: log.vkey, pinnedAt: '2026-12-05T10:00:00.000Z', checkpoint: { size: 5 }, consistency: { status: 'first' } });
    expect(state.signedAt?.toISOString()).toBe('2026-12-05T16:00:00.000Z');
    expect((await loadCheckpoint(log.source(), store)).keyPin).toBe('pinned');
    // A JWS of another tree (the log grew between the two requests) gives no time rather than a wrong one.
    log.append(commissionEntry('com_4', 'pending', 1));
    const source = log.source();
    const staleJws = await source.checkpointJws();
    log.sequence();
    expect((await loadCheckpoint({ ...source, checkpointJws: async () => staleJws }, store)).signedAt).toBeNull();
  });

  it('flags a log that now serves another key, and checks with the pinned one', async () => {
    const store = new MemoryStore();
    const log = anasLog();
    pinVkey(store, new FakeLog().vkey);
    const state = await loadCheckpoint(log.source(), store);
    expect(state).toMatchObject({ keyPin: 'changed', servedVkey: log.vkey, failure: { code: 'not_signed_by_log' } });
    expect(state.checkpoint).toBeUndefined();
  });

  it('fails a checkpoint whose origin is not the key name', async () => {
    const log = anasLog();
    log.tamper.checkpointNote = () =>
      signNote(formatCheckpoint({ origin: 'evil.example/log', size: 1, root: new Uint8Array(32), extensions: [] }), [ed25519NoteSigner(ORIGIN, log.privateKey)]);
    expect((await loadCheckpoint(log.source(), new MemoryStore())).failure?.code).toBe('origin_mismatch');
  });

  it('flags a shrunk log on the next visit', async () => {
    const store = new MemoryStore();
    const log = anasLog();
    await loadCheckpoint(log.source(), store);
    log.size = 3;
    expect((await loadCheckpoint(log.source(), store)).consistency?.status).toBe('shrunk');
  });
});
