import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, auditLog } from '../../../db/schema/index.js';
import { createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

describe('API keys', () => {
  it('are created with a secret shown once, work for their program, and stop working when revoked', async () => {
    const w = await createWorld(h);
    const base = `/v1/programs/${w.program.id}/api-keys`;
    const created = await h.request('POST', base, { token: w.admin.token, body: { name: 'Shop backend' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^key_/), name: 'Shop backend', programId: w.program.id, revokedAt: null });
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^trl_/);
    expect(secret.startsWith(created.body.prefix)).toBe(true);

    // Bearer and X-Api-Key both work, and only for the key's own program.
    expect((await h.request('GET', `/v1/programs/${w.program.id}`, { token: secret })).status).toBe(200);
    expect((await h.request('GET', `/v1/programs/${w.program.id}`, { headers: { 'x-api-key': secret } })).status).toBe(200);
    const other = await createWorld(h);
    expect((await h.request('GET', `/v1/programs/${other.program.id}`, { token: secret })).status).toBe(404);

    const list = await h.request('GET', base, { token: w.admin.token });
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.data.map((k: { id: string }) => k.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(secret);

    const revoked = await h.request('DELETE', `${base}/${created.body.id}`, { token: w.admin.token });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const refused = await h.request('GET', `/v1/programs/${w.program.id}`, { token: secret });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_api_key');

    const actions = (await h.db.select().from(auditLog).where(eq(auditLog.entityId, created.body.id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['api_key.created', 'api_key.revoked']));
  });

  it('only store a hash of the secret', async () => {
    const w = await createWorld(h);
    const created = await h.request('POST', `/v1/programs/${w.program.id}/api-keys`, { token: w.admin.token, body: { name: 'k' } });
    const [row] = await h.db.select().from(apiKeys).where(eq(apiKeys.id, created.body.id));
    expect(JSON.stringify(row)).not.toContain(created.body.secret);
  });

  it('are paginated by id', async () => {
    const w = await createWorld(h);
    const base = `/v1/programs/${w.program.id}/api-keys`;
    for (const name of ['a', 'b', 'c']) await h.request('POST', base, { token: w.admin.token, body: { name } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await h.request('GET', `${base}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: w.admin.token });
      seen.push(...page.body.data.map((k) => k.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(4);
    expect([...seen].sort()).toEqual(seen);
  });

  it('cannot be revoked through another tenant, nor by id guessing within the program', async () => {
    const a = await createWorld(h);
    const b = await createWorld(h);
    const created = await h.request('POST', `/v1/programs/${a.program.id}/api-keys`, { token: a.admin.token, body: { name: 'k' } });
    expect((await h.request('DELETE', `/v1/programs/${a.program.id}/api-keys/${created.body.id}`, { token: b.admin.token })).status).toBe(404);
    expect((await h.request('DELETE', `/v1/programs/${b.program.id}/api-keys/${created.body.id}`, { token: b.admin.token })).status).toBe(404);
    expect((await h.request('GET', `/v1/programs/${a.program.id}`, { token: created.body.secret })).status).toBe(200);
  });
});
