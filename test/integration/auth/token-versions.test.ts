import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../../db/schema/index.js';
import { createMember, createWorld, TEST_PASSWORD, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

/**
 * A change to what a user's tokens stand for ends them at once (users.token_version, claim `ver`),
 * on every route, and a fresh login works. Every change goes through the API, as in production.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const NEW_PASSWORD = 'a brand new passphrase';

const login = async (email: string, password = TEST_PASSWORD) => {
  const res = await h.request('POST', '/v1/auth/login', { body: { email, password } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.accessToken as string;
};

/** The token is refused as revoked on its own profile and on a program route alike. */
async function expectRevoked(w: World, token: string) {
  for (const path of ['/v1/auth/me', `/v1/programs/${w.program.id}`]) {
    const res = await h.request('GET', path, { token });
    expect(res.status, path).toBe(401);
    expect(res.body.error.code, path).toBe('invalid_token');
  }
}

const patchUser = (w: World, userId: string, body: Record<string, unknown>) => h.request('PATCH', `/v1/users/${userId}`, { token: w.admin.token, body });

describe('tokens end with the change that makes them stale', () => {
  it('changing your own password ends every token of the account, this one included; the new password logs in', async () => {
    const w = await createWorld(h);
    const second = await login(w.member.email);
    const res = await h.request('POST', '/v1/auth/password', { token: w.member.token, body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD } });
    expect(res.status).toBe(204);
    await expectRevoked(w, w.member.token);
    await expectRevoked(w, second);
    const fresh = await login(w.member.email, NEW_PASSWORD);
    expect((await h.request('GET', '/v1/auth/me', { token: fresh })).status).toBe(200);
  });

  it('an admin setting a password ends the user\'s tokens', async () => {
    const w = await createWorld(h);
    expect((await patchUser(w, w.affiliate.user.id, { password: NEW_PASSWORD })).status).toBe(200);
    await expectRevoked(w, w.affiliate.token);
    expect((await h.request('GET', '/v1/auth/me', { token: await login(w.affiliate.email, NEW_PASSWORD) })).status).toBe(200);
  });

  it('disabling an account ends its tokens; once enabled again, a fresh login works and the old token stays dead', async () => {
    const w = await createWorld(h);
    expect((await patchUser(w, w.manager.user.id, { status: 'disabled' })).status).toBe(200);
    await expectRevoked(w, w.manager.token);
    expect((await patchUser(w, w.manager.user.id, { status: 'active' })).status).toBe(200);
    await expectRevoked(w, w.manager.token);
    expect((await h.request('GET', '/v1/auth/me', { token: await login(w.manager.email) })).status).toBe(200);
  });

  it('a role change ends the tokens of the old role', async () => {
    const w = await createWorld(h);
    expect((await patchUser(w, w.manager.user.id, { role: 'admin' })).status).toBe(200);
    await expectRevoked(w, w.manager.token);
    const fresh = await login(w.manager.email);
    expect((await h.request('GET', '/v1/auth/me', { token: fresh })).body.role).toBe('admin');
  });

  it('a change of a manager\'s countries ends their tokens', async () => {
    const w = await createWorld(h);
    expect((await patchUser(w, w.manager.user.id, { countries: ['DE', 'US'] })).status).toBe(200);
    await expectRevoked(w, w.manager.token);
    expect((await h.request('GET', '/v1/auth/me', { token: await login(w.manager.email) })).body.countries).toEqual(['DE', 'US']);
  });

  it('a change of a member\'s link ends their tokens', async () => {
    const w = await createWorld(h);
    const other = await createMember(h, w.program.id);
    expect((await patchUser(w, w.member.user.id, { memberId: other.id })).status).toBe(200);
    await expectRevoked(w, w.member.token);
    expect((await h.request('GET', '/v1/auth/me', { token: await login(w.member.email) })).body.memberId).toBe(other.id);
  });

  it('a change that leaves the token\'s meaning alone (name, same countries) keeps it working', async () => {
    const w = await createWorld(h);
    expect((await patchUser(w, w.manager.user.id, { name: 'Renamed manager', countries: ['DE'] })).status).toBe(200);
    expect((await h.request('GET', '/v1/auth/me', { token: w.manager.token })).status).toBe(200);
  });
});

describe('POST /v1/auth/logout-all', () => {
  it('ends every token of the caller (and only theirs), audits it, and a fresh login works', async () => {
    const w = await createWorld(h);
    const second = await login(w.affiliate.email);
    const res = await h.request('POST', '/v1/auth/logout-all', { token: second });
    expect(res.status).toBe(204);
    await expectRevoked(w, w.affiliate.token);
    await expectRevoked(w, second);
    expect((await h.request('GET', '/v1/auth/me', { token: w.member.token })).status).toBe(200);
    const audit = await h.db.select().from(auditLog).where(eq(auditLog.entityId, w.affiliate.user.id));
    expect(audit.map((a) => a.action)).toContain('user.signed_out_everywhere');
    expect((await h.request('GET', '/v1/auth/me', { token: await login(w.affiliate.email) })).status).toBe(200);
  });

  it('is for logged-in users, not API keys', async () => {
    const w = await createWorld(h);
    expect((await h.request('POST', '/v1/auth/logout-all', { token: w.apiKey })).status).toBe(403);
    expect((await h.request('POST', '/v1/auth/logout-all')).status).toBe(401);
  });
});
