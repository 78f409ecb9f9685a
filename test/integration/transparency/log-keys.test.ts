import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logOutbox, signingKeys } from '../../../db/schema/index.js';
import { DEMO_LOG_KEY_SEED, LogKeys } from '../../../src/transparency/log/keys.js';
import { openNote, parseVkey } from '../../../src/transparency/note.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

/** The demo database's vkey, printed in the README and docs/transparency.md: keep them in step. */
const DEMO_VKEY = 'trellis.localhost/log+cf508830+AXjCgANmIGNkUtaR+dYmUP6Sx0LEo7/bFT1/ZMlHRt0/';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ env: { TRANSPARENCY_SEQUENCE_INTERVAL_MS: '86400000' } });
  // On BullMQ a job scheduler runs once at start: let that run finish before the tests sequence.
  await h.jobs.idle();
});
afterAll(async () => h?.close());

const logKeyRows = () => h.db.select().from(signingKeys).where(eq(signingKeys.purpose, 'transparency_log'));

describe('the log keys', () => {
  it('creates one key on first boot even when processes boot together', async () => {
    const others = [new LogKeys(h.db, h.clock, h.log.origin, h.secrets.keyring), new LogKeys(h.db, h.clock, h.log.origin, h.secrets.keyring)];
    await Promise.all(others.map((k) => k.init()));
    expect(await logKeyRows()).toHaveLength(1);
    const vkeys = new Set(await Promise.all([h.log, ...others].map((k) => k.vkey())));
    expect(vkeys.size).toBe(1);
    expect([...vkeys][0]).toMatch(/^trellis\.localhost\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);
  });

  it('signs notes the vkey verifies', async () => {
    const note = await h.log.signNote('trellis.localhost/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n');
    expect(openNote(note, [parseVkey(await h.log.vkey())]).text).toBe('trellis.localhost/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n');
  });

  it('rotates: the new key signs, the old one stays listed, and the rotation is a log entry', async () => {
    const [before] = await logKeyRows();
    const oldVkey = await h.log.vkey();
    const { kid } = await h.log.rotate(h.ctx());
    expect(kid).not.toBe(before!.kid);
    const newVkey = await h.log.vkey();
    expect(newVkey).not.toBe(oldVkey);
    expect((await h.log.publicJwks()).map((k) => k.kid)).toEqual([before!.kid, kid]);
    const [retired] = await h.db.select().from(signingKeys).where(and(eq(signingKeys.kid, before!.kid)));
    expect(retired!.status).toBe('retired');

    const [entry] = await h.db.select().from(logOutbox).where(eq(logOutbox.type, 'log.key_rotated'));
    expect(JSON.parse(entry!.entry)).toMatchObject({ type: 'log.key_rotated', v: 1, oldKeyId: before!.kid, newKeyId: kid, newVkey });

    // Every process picks the new key up: another instance signs with it.
    const other = new LogKeys(h.db, h.clock, h.log.origin, h.secrets.keyring);
    expect(await other.vkey()).toBe(newVkey);
    const jwks = await h.request('GET', '/.well-known/jwks.json');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toEqual(expect.arrayContaining([before!.kid, kid]));
    for (const key of await h.log.publicJwks()) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', x: expect.any(String) });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('installs the fixed demo key from its documented seed, once', async () => {
    expect(Buffer.from(DEMO_LOG_KEY_SEED).toString('hex')).toBe(
      (await import('node:crypto')).createHash('sha256').update('trellis demo transparency log key').digest('hex'),
    );
    const first = await h.log.rotate(h.ctx(), { seed: DEMO_LOG_KEY_SEED });
    const again = await h.log.rotate(h.ctx(), { seed: DEMO_LOG_KEY_SEED });
    expect(again.kid).toBe(first.kid);
    expect(await h.log.vkey()).toBe(DEMO_VKEY);
    expect(await h.db.select().from(logOutbox).where(eq(logOutbox.type, 'log.key_rotated'))).toHaveLength(2);
  });
});
