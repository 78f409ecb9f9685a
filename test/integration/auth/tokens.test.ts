import { eq } from 'drizzle-orm';
import { decodeProtectedHeader, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeys } from '../../../db/schema/index.js';
import { CLOCK_SKEW_SECONDS, TokenService } from '../../../src/core/auth/tokens.js';
import { RECEIPT_TYP, verifyReceipt } from '../../../src/transparency/log/receipts.js';
import { createWorld, TEST_PASSWORD, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { activeAccessTokenKey, installDemoLogKey, nowSeconds, signToken, type HeldKey } from '../../helpers/signing-keys.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const login = async (email: string) => {
  const res = await h.request('POST', '/v1/auth/login', { body: { email, password: TEST_PASSWORD } });
  expect(res.status).toBe(200);
  return res.body.accessToken as string;
};

describe('access tokens', () => {
  it('expire after their TTL', async () => {
    const w = await createWorld(h);
    const token = await login(w.admin.email);
    expect((await h.request('GET', '/v1/auth/me', { token })).status).toBe(200);
    h.clock.advance((h.config.ACCESS_TOKEN_TTL_SECONDS + 1) * 1000);
    const expired = await h.request('GET', '/v1/auth/me', { token });
    expect(expired.status).toBe(401);
    expect(expired.body.error).toMatchObject({ code: 'invalid_token', message: 'The access token has expired.' });
  });

  it('rotate without logging anyone out, and the JWKS lists both keys', async () => {
    const w = await createWorld(h);
    const before = await login(w.manager.email);
    const oldKid = decodeProtectedHeader(before).kid;

    const rotated = await h.request('POST', '/v1/auth/keys/rotate', { token: w.admin.token });
    expect(rotated.status).toBe(200);
    expect(rotated.body.kid).not.toBe(oldKid);
    expect(rotated.body.retired).toContain(oldKid);

    expect((await h.request('GET', '/v1/auth/me', { token: before })).status).toBe(200);
    const after = await login(w.manager.email);
    expect(decodeProtectedHeader(after).kid).toBe(rotated.body.kid);
    expect((await h.request('GET', '/v1/auth/me', { token: after })).status).toBe(200);

    const jwks = await h.request('GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    const kids = jwks.body.keys.map((k: { kid: string }) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([oldKid, rotated.body.kid]));
    for (const key of jwks.body.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', x: expect.any(String) });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('may be rotated by admins only', async () => {
    const w = await createWorld(h);
    for (const token of [w.tokens.regional_manager, w.tokens.affiliate, w.tokens.member, w.tokens.api_key]) {
      expect((await h.request('POST', '/v1/auth/keys/rotate', { token })).status).toBe(403);
    }
  });

  it('signed by an unknown key, or tampered with, are refused', async () => {
    const w = await createWorld(h);
    const [header, payload, signature] = w.admin.token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin', tid: 'ten_other' })).toString('base64url');
    const tampered = await h.request('GET', '/v1/auth/me', { token: `${header}.${forgedPayload}.${signature}` });
    expect(tampered.status).toBe(401);
    expect(tampered.body.error.code).toBe('invalid_token');
    const garbage = await h.request('GET', '/v1/auth/me', { token: 'not-a-jwt' });
    expect(garbage.status).toBe(401);
  });
});

/** The claims of a valid admin token of `w`, issued now by the harness clock, for tests to spoil one at a time. */
function adminClaims(w: World): JWTPayload & Record<string, unknown> {
  const iat = nowSeconds(h);
  return { sub: w.admin.user.id, tid: w.tenant.id, role: 'admin', ver: 0, iss: 'trellis', aud: 'trellis-api', iat, exp: iat + 600 };
}

const listUsers = (token: string) => h.request('GET', '/v1/users', { token });

describe('a key has one purpose', () => {
  it('a token signed with the transparency log key is refused, though its seed is public', async () => {
    const w = await createWorld(h);
    const logKey = await installDemoLogKey(h);
    const forged = await signToken(logKey, { ...adminClaims(w), exp: nowSeconds(h) + 10 * 365 * 86_400 });
    const res = await listUsers(forged);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
    // Within a lifetime the service issues, too: the key's purpose alone refuses it.
    expect((await listUsers(await signToken(logKey, adminClaims(w)))).status).toBe(401);
  });

  it('an access-token key never verifies a log receipt, though the JWKS lists both', async () => {
    const tokenKey = await activeAccessTokenKey(h);
    const claims = { origin: h.log.origin, leafHash: Buffer.alloc(32, 7).toString('base64'), recordedAt: new Date().toISOString() };
    const jwks = (await h.request('GET', '/.well-known/jwks.json')).body;
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(tokenKey.kid);
    expect(verifyReceipt(await signToken(tokenKey, claims, { typ: RECEIPT_TYP }), jwks)).toBeNull();
    // The same receipt by the log key verifies.
    const logKey = await installDemoLogKey(h);
    expect(verifyReceipt(await signToken(logKey, claims, { typ: RECEIPT_TYP }), (await h.request('GET', '/.well-known/jwks.json')).body)).toMatchObject({ kid: logKey.kid });
  });

  it('the database refuses a key without a known purpose', async () => {
    const { kid } = await activeAccessTokenKey(h);
    await expect(h.db.update(signingKeys).set({ purpose: 'anything' as never }).where(eq(signingKeys.kid, kid))).rejects.toThrow();
    const [row] = await h.db.select({ purpose: signingKeys.purpose }).from(signingKeys).where(eq(signingKeys.kid, kid));
    expect(row!.purpose).toBe('access_token');
  });
});

describe('retired access-token keys', () => {
  /** Rotates through the API and returns the retired key (read before the rotation) and when it retired. */
  async function rotateAway(w: World): Promise<{ retired: HeldKey; retiredAt: Date }> {
    const retired = await activeAccessTokenKey(h);
    expect((await h.request('POST', '/v1/auth/keys/rotate', { token: w.admin.token })).status).toBe(200);
    const [row] = await h.db.select({ retiredAt: signingKeys.retiredAt }).from(signingKeys).where(eq(signingKeys.kid, retired.kid));
    return { retired, retiredAt: row!.retiredAt! };
  }

  it('verify the tokens they signed until retiredAt + ACCESS_TOKEN_TTL_SECONDS, then never again', async () => {
    const w = await createWorld(h);
    const { retired, retiredAt } = await rotateAway(w);
    const ttlMs = h.config.ACCESS_TOKEN_TTL_SECONDS * 1000;
    const iat = Math.floor(retiredAt.getTime() / 1000);
    const lastToken = await signToken(retired, { ...adminClaims(w), iat, exp: iat + h.config.ACCESS_TOKEN_TTL_SECONDS });
    expect((await listUsers(lastToken)).status).toBe(200);

    h.clock.set(new Date(retiredAt.getTime() + ttlMs - 5_000));
    expect((await listUsers(lastToken)).status).toBe(200);
    h.clock.set(new Date(retiredAt.getTime() + ttlMs + 1_000));
    const after = await listUsers(lastToken);
    expect(after.status).toBe(401);
    expect(after.body.error).toMatchObject({ code: 'invalid_token', message: 'The access token was signed by a key that no longer verifies tokens.' });
    const jwks = await h.request('GET', '/.well-known/jwks.json');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).not.toContain(retired.kid);
    h.clock.set(new Date());
  });

  it('refuse a token issued after the key was retired', async () => {
    const w = await createWorld(h);
    const { retired } = await rotateAway(w);
    h.clock.advance(2_000);
    const res = await listUsers(await signToken(retired, adminClaims(w)));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
  });

  it('stop verifying in another process within its key refresh interval after a rotation there', async () => {
    const w = await createWorld(h);
    const refreshMs = 300;
    const other = new TokenService(h.db, h.clock, h.config.ACCESS_TOKEN_TTL_SECONDS, h.secrets.keyring, { keysRefreshMs: refreshMs });
    const retired = await activeAccessTokenKey(h);
    // The other process has read the key while it was active.
    await expect(other.verify(await signToken(retired, adminClaims(w)))).resolves.toMatchObject({ actor: { userId: w.admin.user.id } });
    await h.tokens.rotate();
    h.clock.advance(2_000);
    const issuedAfter = await signToken(retired, adminClaims(w));
    // Where the rotation happened it is refused at once; elsewhere once the keys are read again.
    await expect(h.tokens.verify(issuedAfter)).rejects.toMatchObject({ code: 'invalid_token' });
    await new Promise((resolve) => setTimeout(resolve, refreshMs + 50));
    await expect(other.verify(issuedAfter)).rejects.toMatchObject({ code: 'invalid_token' });
  });
});

describe('claims an access token must carry', () => {
  const without = (claims: Record<string, unknown>, name: string) => Object.fromEntries(Object.entries(claims).filter(([k]) => k !== name));
  const cases: [string, (w: World) => Record<string, unknown>][] = [
    ['a lifetime longer than the TTL', (w) => ({ ...adminClaims(w), exp: nowSeconds(h) + h.config.ACCESS_TOKEN_TTL_SECONDS + 1 })],
    ['an iat further in the future than the clock skew', (w) => ({ ...adminClaims(w), iat: nowSeconds(h) + CLOCK_SKEW_SECONDS + 60, exp: nowSeconds(h) + CLOCK_SKEW_SECONDS + 120 })],
    ['no iat', (w) => without(adminClaims(w), 'iat')],
    ['no exp', (w) => without(adminClaims(w), 'exp')],
    ['no sub', (w) => without(adminClaims(w), 'sub')],
    ['no tid', (w) => without(adminClaims(w), 'tid')],
    ['no role', (w) => without(adminClaims(w), 'role')],
    ['no ver', (w) => without(adminClaims(w), 'ver')],
    ['a ver that is not a whole number', (w) => ({ ...adminClaims(w), ver: '0' })],
    ['an unknown role', (w) => ({ ...adminClaims(w), role: 'root' })],
    ['a wrong iss', (w) => ({ ...adminClaims(w), iss: 'someone-else' })],
    ['a wrong aud', (w) => ({ ...adminClaims(w), aud: 'another-api' })],
    ['an affiliate role without its member and program', (w) => ({ ...adminClaims(w), sub: w.affiliate.user.id, role: 'affiliate' })],
  ];

  it('a token with all of them, signed by the active key, is accepted (the cases below spoil one each)', async () => {
    const w = await createWorld(h);
    expect((await listUsers(await signToken(await activeAccessTokenKey(h), adminClaims(w)))).status).toBe(200);
  });

  it.each(cases)('%s: 401 invalid_token', async (_, claims) => {
    const w = await createWorld(h);
    const res = await listUsers(await signToken(await activeAccessTokenKey(h), claims(w)));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
  });

  it('a JWS that is not typed as a JWT (such as the log\'s checkpoint JWS): 401 invalid_token', async () => {
    const w = await createWorld(h);
    const res = await listUsers(await signToken(await activeAccessTokenKey(h), adminClaims(w), { typ: 'trellis-checkpoint+jws' }));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
  });
});
