import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys } from '../../../db/schema/index.js';
import { createApiKeyCache } from '../../../src/core/auth/api-key-cache.js';
import { signatureHeader } from '../../../src/tracking/conversions/signature.js';
import { usingRedis } from '../../helpers/database.js';
import { createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createSecondInstance, type SecondInstance } from '../../helpers/second-instance.js';
import { apiKeyIdOf, sale, TRACK } from '../conversions/fixtures.js';

/**
 * Merchant calls authenticate from each API process's memory (src/core/auth/api-key-cache.ts).
 * Two instances on one database (and one Redis in the real-services run): a revocation, a signing
 * secret rotation or a settings change made through instance A holds on A at once and on B within
 * a second, by Redis pub/sub when REDIS_URL is set and by the cache's short TTL otherwise.
 */
let h: Harness;
let b: SecondInstance;
beforeAll(async () => {
  h = await createHarness();
  b = await createSecondInstance(h);
});
afterAll(async () => {
  await b?.close();
  await h?.close();
});

const WITHIN_A_SECOND = { timeout: 1_000, interval: 20 };
const secretHash = (secret: string) => createHash('sha256').update(secret).digest('hex');
const get = (instance: Pick<Harness, 'request'>, w: World, token = w.apiKey) => instance.request('GET', `/v1/programs/${w.program.id}`, { token });
/** Both instances send `body` as JSON.stringify writes it, which is what a signature signs. */
const trackOn = (instance: Pick<SecondInstance, 'request'>, w: World, body: unknown, headers: Record<string, string> = {}) =>
  instance.request('POST', TRACK, { token: w.apiKey, body, headers });

describe('API key cache', () => {
  it('answers from memory after the first call, and loads once for concurrent misses', async () => {
    const w = await createWorld(h);
    const cache = createApiKeyCache({ db: h.db, keyring: h.secrets.keyring, ttlMs: 60_000 });
    const hash = secretHash(w.apiKey);
    const loads = Array.from({ length: 5 }, () => cache.bySecretHash(hash));
    expect(loads[0]).toBeInstanceOf(Promise);
    expect(new Set(loads).size).toBe(1);
    const key = await loads[0];
    expect(key).toMatchObject({ keyId: await apiKeyIdOf(h, w.program.id), programId: w.program.id, tenantId: w.tenant.id, signingSecret: null });
    expect(cache.bySecretHash(hash)).toBe(key);
    expect(cache.byKeyId(key!.keyId)).toBe(key);
    expect(cache.stats()).toMatchObject({ size: 1, hits: 1, misses: 5 });
    // Unknown secrets are not remembered, so a key created a moment later is found at once.
    expect(await cache.bySecretHash(secretHash('trl_nobody'))).toBeUndefined();
    expect(cache.stats().size).toBe(1);
  });

  it('still records when a key was last used, at most once a minute', async () => {
    const w = await createWorld(h);
    const keyId = await apiKeyIdOf(h, w.program.id);
    const lastUsed = async () => (await h.db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, keyId)))[0]!.at;
    expect(await lastUsed()).toBeNull();
    expect((await get(h, w)).status).toBe(200);
    const first = await lastUsed();
    expect(first).toEqual(expect.any(Date));
    h.clock.advance(30_000);
    expect((await get(h, w)).status).toBe(200);
    expect(await lastUsed()).toEqual(first);
    h.clock.advance(31_000);
    expect((await get(h, w)).status).toBe(200);
    expect((await lastUsed())!.getTime()).toBeGreaterThanOrEqual(first!.getTime() + 61_000);
  });

  it('never keeps a row loaded before an invalidation, and drops what each change makes stale', async () => {
    const w = await createWorld(h);
    const other = await createWorld(h);
    const cache = createApiKeyCache({ db: h.db, keyring: h.secrets.keyring, ttlMs: 60_000 });
    const keyId = await apiKeyIdOf(h, w.program.id);
    const inFlight = cache.bySecretHash(secretHash(w.apiKey));
    await h.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, keyId));
    cache.apply({ topic: 'api_key', keyId });
    await inFlight; // live or revoked: it was read around the change
    expect(await cache.bySecretHash(secretHash(w.apiKey))).toBeUndefined();

    await cache.bySecretHash(secretHash(other.apiKey));
    const otherKeyId = await apiKeyIdOf(h, other.program.id);
    cache.apply({ topic: 'link', domain: '', slug: 'x' });
    cache.apply({ topic: 'program', programId: w.program.id });
    expect(cache.byKeyId(otherKeyId)).toBeDefined();
    cache.apply({ topic: 'program', programId: other.program.id });
    expect(cache.byKeyId(otherKeyId)).toBeUndefined();
    await cache.bySecretHash(secretHash(other.apiKey));
    cache.apply({ topic: 'reset' });
    expect(cache.stats().size).toBe(0);
  });

  it('trusts an entry for its TTL only: a revocation written straight to the database holds once it expires', async () => {
    const w = await createWorld(h);
    const cache = createApiKeyCache({ db: h.db, keyring: h.secrets.keyring, ttlMs: 50 });
    const hash = secretHash(w.apiKey);
    expect(await cache.bySecretHash(hash)).toBeDefined();
    await h.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, await apiKeyIdOf(h, w.program.id)));
    await new Promise((r) => setTimeout(r, 80));
    expect(cache.bySecretHash(hash)).toBeInstanceOf(Promise);
    expect(await cache.bySecretHash(hash)).toBeUndefined();
  });
});

describe('API keys across two app instances', () => {
  it('a revoked key is refused at once where it was revoked, and within a second on the other instance', async () => {
    const w = await createWorld(h);
    // Both instances have the key in memory.
    expect((await get(h, w)).status).toBe(200);
    expect((await get(b, w)).status).toBe(200);
    expect(b.tracking.apiKeys.stats().size).toBeGreaterThan(0);

    const keyId = await apiKeyIdOf(h, w.program.id);
    expect((await h.request('DELETE', `/v1/programs/${w.program.id}/api-keys/${keyId}`, { token: w.admin.token })).status).toBe(200);
    const refused = await get(h, w);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_api_key');
    await expect.poll(async () => (await get(b, w)).status, WITHIN_A_SECOND).toBe(401);
    expect((await trackOn(b, w, sale())).status).toBe(401);
  });

  it('a rotated signing secret replaces the old one on the other instance within a second', async () => {
    const w = await createWorld(h);
    const keyId = await apiKeyIdOf(h, w.program.id);
    const rotate = async () => (await h.request('POST', `/v1/api-keys/${keyId}/signing-secret`, { token: w.admin.token })).body.signingSecret as string;
    const old = await rotate();
    const signed = (secret: string) => {
      const body = sale();
      return trackOn(b, w, body, { 'trellis-signature': signatureHeader(secret, JSON.stringify(body), h.clock()) });
    };
    await expect.poll(async () => (await signed(old)).status, WITHIN_A_SECOND).toBe(202);

    const current = await rotate();
    await expect.poll(async () => (await signed(old)).status, WITHIN_A_SECOND).toBe(401);
    expect((await signed(current)).status).toBe(202);
    await h.jobs.idle();
  });

  it('a program that starts requiring signatures refuses unsigned calls on the other instance within a second', async () => {
    const w = await createWorld(h);
    expect((await trackOn(b, w, sale())).status).toBe(202);
    const patch = await h.request('PATCH', `/v1/programs/${w.program.id}`, { token: w.admin.token, body: { settings: { conversions: { requireSignature: true } } } });
    expect(patch.status).toBe(200);
    expect((await trackOn(h, w, sale())).body.error?.code).toBe('signature_required');
    await expect.poll(async () => (await trackOn(b, w, sale())).status, WITHIN_A_SECOND).toBe(401);
    await h.jobs.idle();
  });

  it(`revocations reach the other instance by ${usingRedis() ? 'the Redis change feed, without waiting for the TTL' : 'the short TTL'}`, async () => {
    const w = await createWorld(h);
    expect((await get(b, w)).status).toBe(200);
    const keyId = await apiKeyIdOf(h, w.program.id);
    const started = Date.now();
    await h.request('DELETE', `/v1/programs/${w.program.id}/api-keys/${keyId}`, { token: w.admin.token });
    await expect.poll(async () => (await get(b, w)).status, { timeout: 6_000, interval: 10 }).toBe(401);
    // Redis keeps entries 5 s and its message arrives in milliseconds; without it the TTL is 500 ms.
    expect(Date.now() - started).toBeLessThan(usingRedis() ? 1_000 : 1_500);
    // A revocation written around the services (no message) still holds once the entry expires.
    const w2 = await createWorld(h);
    expect((await get(b, w2)).status).toBe(200);
    await h.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, await apiKeyIdOf(h, w2.program.id)));
    await expect.poll(async () => (await get(b, w2)).status, { timeout: 7_000, interval: 50 }).toBe(401);
  });
});
