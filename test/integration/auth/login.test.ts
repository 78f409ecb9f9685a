import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, loginAttempts, users } from '../../../db/schema/index.js';
import { pruneLoginAttemptsJob } from '../../../src/core/auth/jobs/prune-login-attempts.js';
import { LOGIN_BRAKE } from '../../../src/core/auth/login-brake.js';
import { createWorld, TEST_PASSWORD } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const login = (email: string, password: string) => h.request('POST', '/v1/auth/login', { body: { email, password } });

describe('POST /v1/auth/login', () => {
  it('returns a bearer token that works, with the user and never a password hash', async () => {
    const w = await createWorld(h);
    const res = await login(w.affiliate.email.toUpperCase(), TEST_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      user: { id: w.affiliate.user.id, role: 'affiliate', programId: w.program.id, memberId: w.affiliate.member.id, status: 'active' },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt|passwordHash/);
    const me = await h.request('GET', '/v1/auth/me', { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: w.affiliate.user.id, email: w.affiliate.email, lastLoginAt: expect.any(String) });
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const w = await createWorld(h);
    const wrongPassword = await login(w.admin.email, 'not the password at all');
    const unknownEmail = await login(`nobody-${Date.now()}@example.test`, TEST_PASSWORD);
    for (const res of [wrongPassword, unknownEmail]) {
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'invalid_credentials', message: 'The email or password is wrong.' });
    }
  });

  it('refuses a disabled user even with the right password', async () => {
    const w = await createWorld(h);
    await h.db.update(users).set({ status: 'disabled' }).where(eq(users.id, w.manager.user.id));
    const res = await login(w.manager.email, TEST_PASSWORD);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('account_disabled');
    // A token issued before the account was disabled no longer reaches the profile either.
    const me = await h.request('GET', '/v1/auth/me', { token: w.manager.token });
    expect(me.status).toBe(403);
    // Nor any other route: the account is checked on every request, not when the token expires.
    const programs = await h.request('GET', `/v1/programs/${w.program.id}`, { token: w.manager.token });
    expect(programs.status).toBe(403);
    expect(programs.body.error.code).toBe('account_disabled');
  });

  it('applies a changed region list to the next request, without a new token', async () => {
    const w = await createWorld(h);
    const before = await h.request('GET', `/v1/programs/${w.program.id}/members/${w.member.member.id}`, { token: w.manager.token });
    expect(before.status).toBe(404); // a US member, outside the manager's DE region
    await h.db.update(users).set({ countries: ['DE', 'US'] }).where(eq(users.id, w.manager.user.id));
    const after = await h.request('GET', `/v1/programs/${w.program.id}/members/${w.member.member.id}`, { token: w.manager.token });
    expect(after.status).toBe(200);
  });

  it('brakes the address for an email after repeated failures, even for the right password, until the window passes', async () => {
    const w = await createWorld(h);
    for (let i = 0; i < LOGIN_BRAKE.perAccountAddress; i++) {
      expect((await login(w.member.email, `wrong password ${i}`)).status).toBe(401);
    }
    const braked = await login(w.member.email, TEST_PASSWORD);
    expect(braked.status).toBe(429);
    expect(braked.body.error.code).toBe('rate_limited');
    // Other accounts are not affected.
    expect((await login(w.admin.email, TEST_PASSWORD)).status).toBe(200);

    h.clock.advance(LOGIN_BRAKE.windowMs + 1000);
    expect((await login(w.member.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('resets the failure count after a successful login', async () => {
    const w = await createWorld(h);
    for (let i = 0; i < LOGIN_BRAKE.perAccountAddress - 1; i++) await login(w.admin.email, 'wrong password!');
    expect((await login(w.admin.email, TEST_PASSWORD)).status).toBe(200);
    expect((await login(w.admin.email, 'wrong password!')).status).toBe(401);
    expect((await login(w.admin.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('names the missing field', async () => {
    const res = await h.request('POST', '/v1/auth/login', { body: { email: 'a@example.test' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([expect.objectContaining({ field: 'password' })]);
  });
});

describe('POST /v1/auth/password', () => {
  it('changes the password when the current one is given, and audits it', async () => {
    const w = await createWorld(h);
    const newPassword = 'a much better passphrase';
    const res = await h.request('POST', '/v1/auth/password', { token: w.member.token, body: { currentPassword: TEST_PASSWORD, newPassword } });
    expect(res.status).toBe(204);
    expect((await login(w.member.email, TEST_PASSWORD)).status).toBe(401);
    expect((await login(w.member.email, newPassword)).status).toBe(200);
    const audit = await h.db.select().from(auditLog).where(eq(auditLog.entityId, w.member.user.id));
    expect(audit.map((a) => a.action)).toContain('user.password_changed');
    expect(JSON.stringify(audit)).not.toContain('scrypt');
  });

  it('refuses a wrong current password naming the field, and a too-short new one', async () => {
    const w = await createWorld(h);
    const wrong = await h.request('POST', '/v1/auth/password', { token: w.admin.token, body: { currentPassword: 'nope', newPassword: 'long enough password' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.issues).toEqual([expect.objectContaining({ field: 'currentPassword' })]);
    const short = await h.request('POST', '/v1/auth/password', { token: w.admin.token, body: { currentPassword: TEST_PASSWORD, newPassword: 'short' } });
    expect(short.status).toBe(400);
    expect(short.body.error.details.issues).toEqual([expect.objectContaining({ field: 'newPassword' })]);
    expect((await login(w.admin.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('is not available to API keys', async () => {
    const w = await createWorld(h);
    const res = await h.request('POST', '/v1/auth/password', { token: w.apiKey, body: { currentPassword: 'x', newPassword: 'long enough password' } });
    expect(res.status).toBe(403);
  });
});

describe('auth.prune-login-attempts', () => {
  it('deletes attempts older than a day and keeps recent ones', async () => {
    const email = `prune-${Date.now()}@example.test`;
    const now = h.clock().getTime();
    await h.db.insert(loginAttempts).values([
      { emailNormalized: email, succeeded: false, at: new Date(now - 2 * 24 * 60 * 60_000) },
      { emailNormalized: email, succeeded: false, at: new Date(now - 60_000) },
    ]);
    await pruneLoginAttemptsJob.handler({ db: h.db, logger: h.logger, clock: h.clock, jobs: h.jobs, secrets: h.secrets }, {}, { id: 'test', attempt: 1 });
    const left = await h.db.select().from(loginAttempts).where(eq(loginAttempts.emailNormalized, email));
    expect(left).toHaveLength(1);
  });
});
