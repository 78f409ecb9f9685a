import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAttempts } from '../../../db/schema/index.js';
import { LOGIN_BRAKE } from '../../../src/core/auth/login-brake.js';
import { createWorld, TEST_PASSWORD } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

/**
 * The login brakes stop an address, never an account. On a real socket (no trusted proxy header,
 * so the socket's address counts), from two loopback source addresses: an attacker at 127.0.0.2
 * and the account's owner at 127.0.0.3.
 */
const ATTACKER = '127.0.0.2';
const OWNER = '127.0.0.3';
let h: Harness;
let server: ServerType;
let port: number;
beforeAll(async () => {
  h = await createHarness();
  await new Promise<void>((resolve) => {
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.close();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** POST a JSON body from a given local (source) address. */
function postFrom(localAddress: string, path: string, body: unknown, token?: string): Promise<Reply> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', localAddress, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const loginFrom = (address: string, email: string, password: string) => postFrom(address, '/v1/auth/login', { email, password });

/** A 429 in the standard envelope with a Retry-After no longer than the window. */
function expectBraked(res: Reply) {
  expect(res.status).toBe(429);
  expect(res.body.error).toMatchObject({ code: 'rate_limited', requestId: expect.any(String) });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(LOGIN_BRAKE.windowMs / 1000);
}

/** Each test starts after every earlier failure has left the window. */
const freshWindow = () => h.clock.advance(LOGIN_BRAKE.windowMs + 1000);

describe('login brakes', () => {
  it('ten wrong passwords from one address stop that address for that account, never the owner elsewhere', async () => {
    freshWindow();
    const w = await createWorld(h);
    for (let i = 0; i < LOGIN_BRAKE.perAccountAddress; i++) {
      expect((await loginFrom(ATTACKER, w.member.email, `wrong password ${i}`)).status).toBe(401);
    }
    // The attacker's address is refused even with the right password...
    expectBraked(await loginFrom(ATTACKER, w.member.email, TEST_PASSWORD));
    // ...while the owner, from another address, logs in.
    const owner = await loginFrom(OWNER, w.member.email, TEST_PASSWORD);
    expect(owner.status).toBe(200);
    expect(owner.body.user.id).toBe(w.member.user.id);
    // The attacker's address may still log in to other accounts (below the spraying brake).
    expect((await loginFrom(ATTACKER, w.admin.email, TEST_PASSWORD)).status).toBe(200);
    // Once the failures leave the window, the address may try again.
    h.clock.advance(LOGIN_BRAKE.windowMs + 1000);
    expect((await loginFrom(ATTACKER, w.member.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('password spraying across many accounts from one address stops that address for every account', async () => {
    freshWindow();
    const w = await createWorld(h);
    for (let i = 0; i < LOGIN_BRAKE.perAddress; i++) {
      const res = await loginFrom(ATTACKER, `sprayed-${i}-${w.program.id}@example.test`, 'Summer2024!');
      expect(res.status).toBe(401);
    }
    expectBraked(await loginFrom(ATTACKER, w.affiliate.email, TEST_PASSWORD));
    expectBraked(await loginFrom(ATTACKER, `sprayed-next-${w.program.id}@example.test`, 'Summer2024!'));
    // Nobody else is affected.
    expect((await loginFrom(OWNER, w.affiliate.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('wrong current passwords on a password change count for the address the same way', async () => {
    freshWindow();
    const w = await createWorld(h);
    const change = (from: string, currentPassword: string) => postFrom(from, '/v1/auth/password', { currentPassword, newPassword: 'a brand new passphrase' }, w.manager.token);
    for (let i = 0; i < LOGIN_BRAKE.perAccountAddress; i++) expect((await change(ATTACKER, `wrong password ${i}`)).status).toBe(400);
    expectBraked(await change(ATTACKER, TEST_PASSWORD));
    expectBraked(await loginFrom(ATTACKER, w.manager.email, TEST_PASSWORD));
    expect((await loginFrom(OWNER, w.manager.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('keeps a keyed hash of the address, never the address', async () => {
    freshWindow();
    const w = await createWorld(h);
    await loginFrom(ATTACKER, w.admin.email, 'not the password');
    const rows = await h.db.select().from(loginAttempts).where(eq(loginAttempts.emailNormalized, w.admin.email.toLowerCase()));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.addressHash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(rows)).not.toContain(ATTACKER);
  });
});
