import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, TEST_PASSWORD } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

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
