import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApp } from '../../../src/app.js';
import { createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const envelope = (code: string) => ({ error: expect.objectContaining({ code, message: expect.any(String), requestId: expect.any(String) }) });

describe('the error envelope', () => {
  it('400 malformed_json for a body that is not JSON', async () => {
    const w = await createWorld(h);
    const res = await h.request('POST', '/v1/users', { token: w.admin.token, rawBody: '{"email": ', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelope('malformed_json'));
  });

  it('400 validation_failed naming each field', async () => {
    const w = await createWorld(h);
    const res = await h.request('POST', '/v1/users', { token: w.admin.token, body: { email: 'not-an-email', name: 'X', password: 'long enough password', role: 'regional_manager', countries: ['XX'] } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(envelope('validation_failed'));
    const fields = res.body.error.details.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'countries.0']));
    // Each issue names its kind for clients to word in their language; the reason stays English.
    expect(res.body.error.details.issues).toContainEqual({ field: 'email', reason: expect.any(String), code: 'invalid_email' });
  });

  it('401 without credentials, 403 for a role the route does not allow, 404 for what is out of sight', async () => {
    const w = await createWorld(h);
    expect((await h.request('GET', '/v1/users')).body).toEqual(envelope('unauthorized'));
    const forbidden = await h.request('GET', '/v1/users', { token: w.manager.token });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual(envelope('forbidden'));
    const missing = await h.request('GET', `/v1/programs/prg_doesnotexist`, { token: w.admin.token });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(envelope('not_found'));
  });

  it('409 for a duplicate', async () => {
    const w = await createWorld(h);
    const res = await h.request('POST', '/v1/users', { token: w.admin.token, body: { email: w.manager.email.toUpperCase(), name: 'Dup', password: 'long enough password', role: 'admin' } });
    expect(res.status).toBe(409);
    expect(res.body).toEqual(envelope('conflict'));
  });

  it('500 internal_error that leaks no stack and no SQL', async () => {
    const app = newApp({ config: h.config, db: h.db, logger: h.logger, clock: h.clock, jobs: h.jobs, secrets: h.secrets, tokens: h.tokens, log: h.log, tracking: h.tracking, healthCheck: async () => {} });
    app.get('/boom', async () => {
      await h.db.execute(sql`select secret_column from no_such_table_here`);
      return new Response('unreachable');
    });
    const res = await app.request('/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual(envelope('internal_error'));
    expect(text).not.toMatch(/no_such_table_here|secret_column|select|at .*\.ts|\n\s+at /i);
  });
});

describe('configuration', () => {
  it('a bad PORT stops the server with exit code 1, naming PORT', async () => {
    const child = spawn('npx', ['tsx', 'src/server.ts'], { env: { ...process.env, PORT: 'abc', DATA_DIR: 'memory://' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORT/);
  });
});
