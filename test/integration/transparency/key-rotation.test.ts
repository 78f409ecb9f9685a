import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, logCheckpoints, signingKeys } from '../../../db/schema/index.js';
import { LOG_KEY_OVERLAP_DAYS } from '../../../src/transparency/log/keys.js';
import { openNote, parseVkey } from '../../../src/transparency/note.js';
import { readVerifiedState } from '../../../src/transparency/verifier/state.js';
import { verifyLog } from '../../../src/transparency/verifier/verify.js';
import { createWorld, type World } from '../../helpers/factories.js';
import { appendEntries, sequenceAll, serveLog, tempStatePath, testEntry, type ServedLog } from './verifier-fixtures.js';

/**
 * Rotating the log key (POST /v1/log/keys/rotate), as the people who rely on the log see it: a
 * verifier that pinned the old vkey keeps verifying, learns the new vkey from the log itself, and
 * keeps trusting it after the old key stops co-signing; one that never saw the handover is told
 * why the checkpoint no longer opens.
 */
describe('log key rotation', () => {
  let log: ServedLog;
  let w: World;
  beforeAll(async () => {
    log = await serveLog();
    w = await createWorld(log.h);
  });
  afterAll(async () => log?.close());

  const newestNote = async () => (await log.h.db.select().from(logCheckpoints).orderBy(logCheckpoints.treeSize)).at(-1)!.note;

  it('is for administrators only and changes nothing when refused', async () => {
    for (const role of ['regional_manager', 'affiliate', 'member'] as const) {
      const res = await log.h.request('POST', '/v1/log/keys/rotate', { token: w.tokens[role] });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await log.h.request('POST', '/v1/log/keys/rotate')).status).toBe(401);
    expect(await fetch(`${log.base}/log/vkey`).then((r) => r.text())).toBe(`${log.vkey}\n`);
  });

  it('hands over: the old key co-signs, a pinned verifier learns the new vkey and keeps it after the overlap', async () => {
    const { h } = log;
    await appendEntries(h, [testEntry(1_000)]);
    await sequenceAll(h);
    const statePath = await tempStatePath();
    expect((await verifyLog({ logUrl: log.base, vkey: log.vkey, statePath })).failures).toEqual([]);

    const res = await h.request('POST', '/v1/log/keys/rotate', { token: w.tokens.admin });
    expect(res.status).toBe(200);
    const { kid, vkey: newVkey, retiredKid, overlapUntil } = res.body as { kid: string; vkey: string; retiredKid: string; overlapUntil: string };
    expect(newVkey).not.toBe(log.vkey);
    expect(new Date(overlapUntil).getTime() - Date.now()).toBeGreaterThan((LOG_KEY_OVERLAP_DAYS - 1) * 86_400_000);
    const [audit] = await h.db.select().from(auditLog).where(eq(auditLog.action, 'log_key.rotated'));
    expect(audit).toMatchObject({ actorType: 'admin', entityId: kid, before: { kid: retiredKid }, after: { kid, vkey: newVkey } });
    expect(await fetch(`${log.base}/log/vkey`).then((r) => r.text())).toBe(`${newVkey}\n`);

    // The checkpoint that first holds the rotation entry is signed by both keys.
    await sequenceAll(h);
    const note = await newestNote();
    expect(openNote(note, [parseVkey(log.vkey)]).verified).toHaveLength(1);
    expect(openNote(note, [parseVkey(newVkey)]).verified).toHaveLength(1);

    const learned = await verifyLog({ logUrl: log.base, vkey: log.vkey, statePath });
    expect(learned.failures).toEqual([]);
    expect(learned.checked.join('\n')).toMatch(new RegExp(`hands the log key over to ${newVkey.replace(/[+/]/g, '\\$&')}`));
    expect((await readVerifiedState(statePath, 'trellis.localhost/log'))?.rotations).toEqual([{ from: log.vkey, to: newVkey, entryIndex: expect.any(Number) }]);

    // Thirty days on, the old key no longer co-signs.
    await h.db
      .update(signingKeys)
      .set({ retiredAt: new Date(Date.now() - (LOG_KEY_OVERLAP_DAYS + 1) * 86_400_000) })
      .where(eq(signingKeys.kid, retiredKid));
    await appendEntries(h, [testEntry(2_000)]);
    await sequenceAll(h);
    const later = await newestNote();
    expect(() => openNote(later, [parseVkey(log.vkey)])).toThrow(/not signed by any known key/);

    // The verifier that saw the handover still verifies with the vkey it pinned...
    const after = await verifyLog({ logUrl: log.base, vkey: log.vkey, statePath });
    expect(after.failures).toEqual([]);
    expect(after.checked.join('\n')).toMatch(/which the pinned one handed over to/);
    // ...one that never did is told why, and what to do.
    const stranger = await verifyLog({ logUrl: log.base, vkey: log.vkey, statePath: await tempStatePath() });
    expect(stranger.ok).toBe(false);
    expect(stranger.failures.join('\n')).toMatch(/If the log rotated its key.*log\.key_rotated/);
    // The new vkey, obtained out of band, verifies the whole log.
    expect((await verifyLog({ logUrl: log.base, vkey: newVkey, statePath: await tempStatePath() })).failures).toEqual([]);
  });
});

describe('a log key that only signed the empty tree', () => {
  let log: ServedLog;
  beforeAll(async () => {
    log = await serveLog();
  });
  afterAll(async () => log?.close());

  it('does not co-sign after its rotation: it vouched for nothing (the demo replaces its first-boot key so)', async () => {
    const { h } = log;
    const signed = await h.db.select().from(logCheckpoints);
    expect(signed.every((c) => c.treeSize === 0)).toBe(true);
    const { vkey } = await h.log.rotate(h.ctx());
    await appendEntries(h, [testEntry(500)]);
    await sequenceAll(h);
    const note = (await h.db.select().from(logCheckpoints).orderBy(logCheckpoints.treeSize)).at(-1)!.note;
    expect(note.trimEnd().split('\n\n')[1]!.split('\n')).toHaveLength(1);
    expect(openNote(note, [parseVkey(vkey)]).verified).toHaveLength(1);
    expect(() => openNote(note, [parseVkey(log.vkey)])).toThrow(/not signed by any known key/);
  });
});
