import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../../db/schema/index.js';
import { createMember, createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const PASSWORD = 'a perfectly fine password';
const uniqueEmail = (label: string) => `${label}-${Math.random().toString(36).slice(2)}@example.test`;

describe('users', () => {
  it('an admin creates each role, the user can log in, and nothing shows a password hash', async () => {
    const w = await createWorld(h);
    const spare = await createMember(h, w.program.id);
    const cases = [
      { role: 'admin' },
      { role: 'regional_manager', countries: ['FR', 'DE', 'FR'] },
      { role: 'member', programId: w.program.id, memberId: spare.id },
    ];
    for (const extra of cases) {
      const email = uniqueEmail(extra.role);
      const res = await h.request('POST', '/v1/users', { token: w.admin.token, body: { email, name: 'New user', password: PASSWORD, ...extra } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ email, role: extra.role, status: 'active' });
      expect(JSON.stringify(res.body)).not.toMatch(/scrypt|password/i);
      const login = await h.request('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
      expect(login.status).toBe(200);
    }
    const manager = await h.request('GET', `/v1/users?role=regional_manager`, { token: w.admin.token });
    expect(manager.body.data.map((u: { countries: string[] }) => u.countries)).toContainEqual(['FR', 'DE']);
  });

  it('validates the role-specific fields, naming them', async () => {
    const w = await createWorld(h);
    const plain = await createMember(h, w.program.id);
    const other = await createWorld(h);
    const cases: [Record<string, unknown>, string][] = [
      [{ role: 'regional_manager' }, 'countries'],
      [{ role: 'regional_manager', countries: [] }, 'countries'],
      [{ role: 'regional_manager', countries: ['de'] }, 'countries.0'],
      [{ role: 'admin', countries: ['DE'] }, 'countries'],
      [{ role: 'member', programId: w.program.id }, 'memberId'],
      [{ role: 'member', memberId: plain.id }, 'programId'],
      [{ role: 'affiliate', programId: w.program.id, memberId: plain.id }, 'memberId'],
      [{ role: 'member', programId: other.program.id, memberId: other.member.member.id }, 'programId'],
      [{ role: 'member', programId: w.program.id, memberId: other.member.member.id }, 'memberId'],
      [{ role: 'member', programId: w.program.id, memberId: plain.id, unknown: 1 }, 'unknown'],
    ];
    for (const [extra, field] of cases) {
      const res = await h.request('POST', '/v1/users', { token: w.admin.token, body: { email: uniqueEmail('v'), name: 'N', password: PASSWORD, ...extra } });
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toContain(field);
    }
  });

  it('refuses a duplicate email (any case) and a second login for one member with 409', async () => {
    const w = await createWorld(h);
    const dupEmail = await h.request('POST', '/v1/users', { token: w.admin.token, body: { email: ` ${w.affiliate.email.toUpperCase()} `, name: 'N', password: PASSWORD, role: 'admin' } });
    expect(dupEmail.status).toBe(409);
    const dupMember = await h.request('POST', '/v1/users', {
      token: w.admin.token,
      body: { email: uniqueEmail('m'), name: 'N', password: PASSWORD, role: 'member', programId: w.program.id, memberId: w.member.member.id },
    });
    expect(dupMember.status).toBe(409);
  });

  it('an admin sees and changes only the users of their own tenant', async () => {
    const a = await createWorld(h);
    const b = await createWorld(h);
    const list = await h.request('GET', '/v1/users?limit=2', { token: a.admin.token });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(2);
    const next = await h.request('GET', `/v1/users?limit=10&cursor=${list.body.nextCursor}`, { token: a.admin.token });
    const ids = [...list.body.data, ...next.body.data].map((u: { id: string }) => u.id).sort();
    expect(ids).toEqual([a.admin.user.id, a.manager.user.id, a.affiliate.user.id, a.member.user.id].sort());

    expect((await h.request('GET', `/v1/users/${a.manager.user.id}`, { token: b.admin.token })).status).toBe(404);
    expect((await h.request('PATCH', `/v1/users/${a.manager.user.id}`, { token: b.admin.token, body: { name: 'Hijacked' } })).status).toBe(404);
    const own = await h.request('GET', `/v1/users/${a.affiliate.user.id}`, { token: a.admin.token });
    expect(own.body).toMatchObject({ role: 'affiliate', programId: a.program.id, memberId: a.affiliate.member.id });
  });

  it('PATCH changes scope, disables a user and audits before and after', async () => {
    const w = await createWorld(h);
    const patched = await h.request('PATCH', `/v1/users/${w.manager.user.id}`, { token: w.admin.token, body: { countries: ['AT', 'CH'], name: 'Regina' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ countries: ['AT', 'CH'], name: 'Regina', role: 'regional_manager' });

    const promoted = await h.request('PATCH', `/v1/users/${w.manager.user.id}`, { token: w.admin.token, body: { role: 'admin' } });
    expect(promoted.body).toMatchObject({ role: 'admin', countries: [] });

    const disabled = await h.request('PATCH', `/v1/users/${w.affiliate.user.id}`, { token: w.admin.token, body: { status: 'disabled' } });
    expect(disabled.body.status).toBe('disabled');
    const login = await h.request('POST', '/v1/auth/login', { body: { email: w.affiliate.email, password: 'correct horse battery staple' } });
    expect(login.status).toBe(403);

    const audit = await h.db.select().from(auditLog).where(eq(auditLog.entityId, w.manager.user.id));
    const first = audit.find((a) => (a.after as { name?: string }).name === 'Regina');
    expect(first).toMatchObject({ action: 'user.updated', actorType: 'admin', actorId: w.admin.user.id, before: expect.objectContaining({ countries: ['DE'] }) });
  });

  it('an admin cannot disable or demote themselves', async () => {
    const w = await createWorld(h);
    for (const body of [{ status: 'disabled' }, { role: 'regional_manager', countries: ['DE'] }]) {
      const res = await h.request('PATCH', `/v1/users/${w.admin.user.id}`, { token: w.admin.token, body });
      expect(res.status).toBe(422);
    }
  });
});
