import { sql } from 'drizzle-orm';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { programs } from '../../../db/schema/index.js';
import { createApiRateLimiter } from '../../../src/api/middleware/rate-limit.js';
import { newApp } from '../../../src/app.js';
import { createWorld, type World } from '../../helpers/factories.js';
import { usingRedis } from '../../helpers/database.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { activeAccessTokenKey, nowSeconds, signToken } from '../../helpers/signing-keys.js';

/**
 * The API limit with a low API_RATE_LIMIT_PER_MINUTE: what a limited caller sees, whom the count
 * belongs to, what is never limited, and (with Redis) two app instances sharing one count.
 */
const LIMIT = 3;
let h: Harness;
let w: World;
beforeAll(async () => {
  h = await createHarness({ env: { API_RATE_LIMIT_PER_MINUTE: String(LIMIT), TRACKING_CLIENT_IP_HEADER: 'x-forwarded-for' } });
  w = await createWorld(h);
});
afterAll(async () => h?.close());

/** Windows are aligned to the minute: move the clock to the start of the next one, so each test starts with fresh counts. */
function freshWindow(): void {
  h.clock.set(new Date((Math.floor(h.clock().getTime() / 60_000) + 1) * 60_000 + 100));
}

const rateHeaders = (res: { headers: Headers }) => ({
  limit: res.headers.get('ratelimit-limit'),
  remaining: res.headers.get('ratelimit-remaining'),
  reset: Number(res.headers.get('ratelimit-reset')),
});

describe('API rate limit', () => {
  it('counts down in the headers, then answers 429 in the error envelope with Retry-After', async () => {
    freshWindow();
    for (let i = 1; i <= LIMIT; i++) {
      const res = await h.request('GET', '/v1/programs', { token: w.admin.token });
      expect(res.status).toBe(200);
      expect(rateHeaders(res)).toMatchObject({ limit: String(LIMIT), remaining: String(LIMIT - i) });
    }
    const res = await h.request('GET', '/v1/programs', { token: w.admin.token });
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ code: 'rate_limited', requestId: res.headers.get('x-request-id') });
    expect(res.body.error.message).toMatch(/per minute/);
    expect(rateHeaders(res)).toMatchObject({ limit: String(LIMIT), remaining: '0' });
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(50);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(rateHeaders(res).reset).toBe(retryAfter);
  });

  it('lets the caller in again when the window ends', async () => {
    freshWindow();
    for (let i = 0; i < LIMIT; i++) await h.request('GET', '/v1/programs', { token: w.admin.token });
    expect((await h.request('GET', '/v1/programs', { token: w.admin.token })).status).toBe(429);
    h.clock.advance(60_000);
    const res = await h.request('GET', '/v1/programs', { token: w.admin.token });
    expect(res.status).toBe(200);
    expect(rateHeaders(res).remaining).toBe(String(LIMIT - 1));
  });

  it('changes nothing when it refuses a write', async () => {
    freshWindow();
    const countPrograms = async () => (await h.db.select({ n: sql<number>`count(*)::int` }).from(programs))[0]!.n;
    for (let i = 0; i < LIMIT; i++) await h.request('GET', '/v1/programs', { token: w.admin.token });
    const before = await countPrograms();
    const res = await h.request('POST', '/v1/programs', { token: w.admin.token, body: { name: 'Refused program', payoutCurrency: 'EUR' } });
    expect(res.status).toBe(429);
    expect(await countPrograms()).toBe(before);
  });

  it('keeps one budget per credential, and per client IP for callers without one', async () => {
    freshWindow();
    for (let i = 0; i < LIMIT; i++) await h.request('GET', '/v1/programs', { token: w.admin.token });
    expect((await h.request('GET', '/v1/programs', { token: w.admin.token })).status).toBe(429);
    // Another token and an API key (bearer or X-Api-Key) have budgets of their own.
    expect((await h.request('GET', '/v1/programs', { token: w.manager.token })).status).toBe(200);
    expect((await h.request('GET', '/v1/auth/me', { headers: { 'x-api-key': w.apiKey } })).status).not.toBe(429);

    // Unauthenticated callers count by the trusted header's last entry (the one our proxy added).
    const from = (ip: string) => h.request('GET', '/v1/programs', { headers: { 'x-forwarded-for': `203.0.113.9, ${ip}` } });
    for (let i = 0; i < LIMIT; i++) expect((await from('198.51.100.1')).status).toBe(401);
    expect((await from('198.51.100.1')).status).toBe(429);
    expect((await from('198.51.100.2')).status).toBe(401);
  });

  it('limits a flood of bad credentials before authenticating them', async () => {
    freshWindow();
    for (let i = 0; i < LIMIT; i++) expect((await h.request('GET', '/v1/programs', { token: 'garbage.token.value' })).status).toBe(401);
    expect((await h.request('GET', '/v1/programs', { token: 'garbage.token.value' })).status).toBe(429);
  });

  it('counts every invalid credential against the client IP: N garbage tokens do not buy N budgets', async () => {
    freshWindow();
    const from = (ip: string, token: string) => h.request('GET', '/v1/programs', { token, headers: { 'x-forwarded-for': ip } });
    const garbage = [
      'not-a-jwt',
      'eyJhbGciOiJFZERTQSJ9.e30.AAAA',
      `trl_${'x'.repeat(40)}`,
      await signToken(await activeAccessTokenKey(h), { sub: w.admin.user.id, iss: 'nope' }),
    ];
    for (let i = 0; i < LIMIT; i++) expect((await from('198.51.100.7', garbage[i]!)).status).toBe(401);
    const refused = await from('198.51.100.7', garbage[LIMIT]!);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    // A malformed Authorization header counts there too.
    expect((await h.request('GET', '/v1/programs', { headers: { authorization: 'Basic Zm9vOmJhcg==', 'x-forwarded-for': '198.51.100.7' } })).status).toBe(429);
    // A verified credential from the same address has a budget of its own.
    const own = await from('198.51.100.7', w.admin.token);
    expect(own.status).toBe(200);
    expect(rateHeaders(own).remaining).toBe(String(LIMIT - 1));
  });

  it('a forged token naming a real user never touches that user\'s budget', async () => {
    freshWindow();
    // Signed by a key the attacker made, under the real key's kid, for the admin's user id.
    const { kid } = await activeAccessTokenKey(h);
    const attackerKey = { kid, privateKey: (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey };
    for (let i = 0; i <= LIMIT; i++) {
      const iat = nowSeconds(h) + i;
      const forged = await signToken(attackerKey, { sub: w.admin.user.id, tid: w.tenant.id, role: 'admin', ver: 0, iss: 'trellis', aud: 'trellis-api', iat, exp: iat + 60 });
      const res = await h.request('GET', '/v1/programs', { token: forged, headers: { 'x-forwarded-for': '198.51.100.8' } });
      expect(res.status).toBe(i < LIMIT ? 401 : 429);
    }
    const admin = await h.request('GET', '/v1/programs', { token: w.admin.token });
    expect(admin.status).toBe(200);
    expect(rateHeaders(admin).remaining).toBe(String(LIMIT - 1));
  });

  it('never limits health, docs, the OpenAPI document or the JWKS', async () => {
    freshWindow();
    for (const path of ['/healthz', '/openapi.json', '/docs', '/.well-known/jwks.json']) {
      for (let i = 0; i <= LIMIT + 1; i++) {
        const res = await h.request('GET', path);
        expect(res.status, path).toBe(200);
        expect(res.headers.get('ratelimit-limit'), path).toBeNull();
      }
    }
  });

  it('leaves redirects unlimited unless REDIRECT_RATE_LIMIT_PER_MINUTE is set', () => {
    expect(h.tracking.redirectLimiter).toBeUndefined();
  });

  it('documents 429 on /v1 operations only', async () => {
    const doc = (await h.request('GET', '/openapi.json')).body;
    expect(doc.paths['/v1/programs'].get.responses['429']).toBeDefined();
    expect(doc.paths['/healthz'].get.responses['429']).toBeUndefined();
  });

  it(usingRedis() ? 'shares one count between app instances through Redis' : 'counts per process without Redis', async () => {
    freshWindow();
    // A second API process: its own app and limiter (its own Redis connection), same key prefix.
    const limiter = createApiRateLimiter(h.config, h.logger, () => h.clock().getTime())!;
    await limiter.ready();
    const other = newApp({ config: h.config, db: h.db, logger: h.logger, clock: h.clock, jobs: h.jobs, secrets: h.secrets, tokens: h.tokens, log: h.log, tracking: h.tracking, apiRateLimiter: limiter, healthCheck: async () => {} });
    try {
      expect(limiter.kind).toBe(usingRedis() ? 'redis' : 'memory');
      const call = (app: typeof other) => app.request('/v1/programs', { headers: { authorization: `Bearer ${w.admin.token}` } });
      for (let i = 0; i < LIMIT - 1; i++) expect((await call(h.app)).status).toBe(200);
      const onOther = await call(other);
      if (usingRedis()) {
        expect(onOther.status).toBe(200);
        expect(onOther.headers.get('ratelimit-remaining')).toBe('0');
        const refused = await call(other);
        expect(refused.status).toBe(429);
        expect((await refused.json()).error.code).toBe('rate_limited');
        expect((await call(h.app)).status).toBe(429);
      } else {
        // Without Redis there is one process by design; a second one keeps its own count.
        expect(onOther.headers.get('ratelimit-remaining')).toBe(String(LIMIT - 1));
      }
    } finally {
      await limiter.close();
    }
  });
});
