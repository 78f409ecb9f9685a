import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickIpSalts } from '../../../db/schema/index.js';
import { createIpHasher } from '../../../src/tracking/clicks/ip-hash.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const DAY = 86_400_000;
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

describe('IP hashing under daily secrets', () => {
  it('creates the secrets for today and the next two days, shared by every process', async () => {
    const now = h.clock();
    const rows = await h.db.select().from(clickIpSalts);
    const days = rows.map((r) => r.day);
    for (const offset of [0, 1, 2]) expect(days).toContain(dayOf(new Date(now.getTime() + offset * DAY)));

    // Another process starting now reads the same secrets instead of making its own.
    const other = createIpHasher({ db: h.db, logger: h.logger, clock: h.clock });
    await other.start();
    other.close();
    expect(other.hash('203.0.113.9', now)).toBe(h.tracking.ipHasher.hash('203.0.113.9', now));
    expect(await h.db.select().from(clickIpSalts)).toHaveLength(rows.length);
  });

  it('is an HMAC-SHA256 of the address under the day secret, 128 bits in base64url', async () => {
    const now = h.clock();
    const [salt] = await h.db.select().from(clickIpSalts).where(eq(clickIpSalts.day, dayOf(now)));
    const expected = createHmac('sha256', Buffer.from(salt!.secret, 'base64url')).update('203.0.113.9').digest().subarray(0, 16).toString('base64url');
    const hash = h.tracking.ipHasher.hash('203.0.113.9', now);
    expect(hash).toBe(expected);
    expect(hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(h.tracking.ipHasher.hash('203.0.113.10', now)).not.toBe(hash);
    // The IPv4-mapped form on a dual-stack socket is the same visitor.
    expect(h.tracking.ipHasher.hash('::ffff:203.0.113.9', now)).toBe(hash);
  });

  it('changes with the UTC day', () => {
    const today = new Date(Math.floor(h.clock().getTime() / DAY) * DAY);
    const lateToday = new Date(today.getTime() + DAY - 1);
    const tomorrow = new Date(today.getTime() + DAY);
    const hasher = h.tracking.ipHasher;
    expect(hasher.hash('198.51.100.4', today)).toBe(hasher.hash('198.51.100.4', lateToday));
    expect(hasher.hash('198.51.100.4', tomorrow)).not.toBe(hasher.hash('198.51.100.4', today));
  });

  it('hashes with the nearest secret when a day is not loaded, and loads that day in the background', async () => {
    const farAway = new Date(h.clock().getTime() + 40 * DAY);
    const interim = h.tracking.ipHasher.hash('192.0.2.77', farAway);
    expect(interim).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await expect.poll(async () => (await h.db.select().from(clickIpSalts).where(eq(clickIpSalts.day, dayOf(farAway)))).length).toBe(1);
    const [salt] = await h.db.select().from(clickIpSalts).where(eq(clickIpSalts.day, dayOf(farAway)));
    const expected = createHmac('sha256', Buffer.from(salt!.secret, 'base64url')).update('192.0.2.77').digest().subarray(0, 16).toString('base64url');
    await expect.poll(() => h.tracking.ipHasher.hash('192.0.2.77', farAway)).toBe(expected);
  });
});
