import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, memberOrders, memberSegments } from '../../../db/schema/index.js';
import { recomputeProgramSegments } from '../../../src/core/segments/recompute.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createMember, createWorld, type World } from '../../helpers/factories.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const DAY = 86_400_000;

async function order(programId: string, memberId: string, daysAgo: number, amount = 1_000) {
  await h.db.insert(memberOrders).values({
    programId,
    memberId,
    externalId: `ord-${randomBytes(6).toString('hex')}`,
    requestHash: 'test',
    amount,
    currency: 'EUR',
    occurredAt: new Date(h.clock().getTime() - daysAgo * DAY),
  });
}

/** A world with returning members in DE and US, already computed. */
async function computedWorld(): Promise<World & { de: string[]; us: string[] }> {
  const w = await createWorld(h);
  const de: string[] = [];
  const us: string[] = [];
  for (let i = 0; i < 3; i++) {
    const m = await createMember(h, w.program.id, { country: 'DE' });
    await order(w.program.id, m.id, 3);
    await order(w.program.id, m.id, 4);
    de.push(m.id);
  }
  for (let i = 0; i < 2; i++) {
    const m = await createMember(h, w.program.id, { country: 'US' });
    await order(w.program.id, m.id, 3);
    await order(w.program.id, m.id, 4);
    us.push(m.id);
  }
  await recomputeProgramSegments(h.ctx(), w.program.id);
  return { ...w, de, us };
}

describe('GET /v1/programs/{programId}/segments', () => {
  it('counts every segment, limited to the regional manager countries', async () => {
    const w = await computedWorld();
    const admin = await h.request('GET', `/v1/programs/${w.program.id}/segments`, { token: w.tokens.admin });
    expect(admin.status).toBe(200);
    expect(admin.body.data).toEqual([
      { segment: 'churned', members: 0 },
      { segment: 'at_risk', members: 0 },
      { segment: 'big_spender', members: 0 },
      { segment: 'loyal', members: 0 },
      { segment: 'returning', members: 5 },
      { segment: 'new', members: 2 },
    ]);
    expect(new Date(admin.body.computedAt).getTime()).toBeLessThanOrEqual(h.clock().getTime());

    const manager = await h.request('GET', `/v1/programs/${w.program.id}/segments`, { token: w.tokens.regional_manager });
    expect(manager.status).toBe(200);
    // DE: three returning members and the world's affiliate.
    expect(manager.body.data.find((d: { segment: string }) => d.segment === 'returning').members).toBe(3);
    expect(manager.body.data.find((d: { segment: string }) => d.segment === 'new').members).toBe(1);

    const key = await h.request('GET', `/v1/programs/${w.program.id}/segments`, { token: w.tokens.api_key });
    expect(key.body).toEqual(admin.body);
  });

  it('reports no computation yet as computedAt null', async () => {
    const w = await createWorld(h);
    const res = await h.request('GET', `/v1/programs/${w.program.id}/segments`, { token: w.tokens.admin });
    expect(res.status).toBe(200);
    expect(res.body.computedAt).toBeNull();
    expect(res.body.data.every((d: { members: number }) => d.members === 0)).toBe(true);
  });

  it('refuses affiliates and members, and hides other programs', async () => {
    const w = await computedWorld();
    const other = await createWorld(h);
    for (const token of [w.tokens.affiliate, w.tokens.member]) {
      expect((await h.request('GET', `/v1/programs/${w.program.id}/segments`, { token })).status).toBe(403);
    }
    expect((await h.request('GET', `/v1/programs/${w.program.id}/segments`)).status).toBe(401);
    for (const token of [other.tokens.admin, other.tokens.regional_manager, other.tokens.api_key]) {
      const res = await h.request('GET', `/v1/programs/${w.program.id}/segments`, { token });
      expect(res.status).toBe(404);
    }
  });
});

describe('GET /v1/programs/{programId}/segments/{segment}/members', () => {
  it('pages through a segment by member id', async () => {
    const w = await computedWorld();
    const all = [...w.de, ...w.us].sort();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const res = await h.request('GET', `/v1/programs/${w.program.id}/segments/returning/members${qs}`, { token: w.tokens.api_key });
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((m: { id: string }) => m.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);

    const one = await h.request('GET', `/v1/programs/${w.program.id}/segments/returning/members?limit=1`, { token: w.tokens.admin });
    expect(one.body.data[0]).toMatchObject({ id: all[0], segment: 'returning', recencyDays: 3, frequency: 2, monetary: 2_000, currency: expect.any(String), computedAt: expect.any(String) });
  });

  it('shows a regional manager only their countries', async () => {
    const w = await computedWorld();
    const res = await h.request('GET', `/v1/programs/${w.program.id}/segments/returning/members`, { token: w.tokens.regional_manager });
    expect(res.status).toBe(200);
    expect(res.body.data.map((m: { id: string }) => m.id)).toEqual([...w.de].sort());
    expect(res.body.data.every((m: { country: string }) => m.country === 'DE')).toBe(true);
  });

  it('names a bad segment or limit', async () => {
    const w = await createWorld(h);
    const bad = await h.request('GET', `/v1/programs/${w.program.id}/segments/vip/members`, { token: w.tokens.admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('path.segment');
    const limit = await h.request('GET', `/v1/programs/${w.program.id}/segments/new/members?limit=0`, { token: w.tokens.admin });
    expect(limit.status).toBe(400);
    expect(limit.body.error.details.issues[0].field).toBe('query.limit');
  });
});

describe('POST /v1/programs/{programId}/segments/recompute', () => {
  it('queues a recompute that the job runs, and audits the request', async () => {
    const w = await createWorld(h);
    const m = await createMember(h, w.program.id, { country: 'DE' });
    for (const d of [1, 2, 3, 4, 5]) await order(w.program.id, m.id, d);
    const res = await h.request('POST', `/v1/programs/${w.program.id}/segments/recompute`, { token: w.tokens.admin });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ programId: w.program.id, status: 'queued' });
    await h.jobs.idle();
    const [row] = await h.db.select().from(memberSegments).where(eq(memberSegments.memberId, m.id));
    expect(row?.segment).toBe('loyal');
    const audits = await h.db.select().from(auditLog).where(and(eq(auditLog.programId, w.program.id), eq(auditLog.action, 'segments.recompute_requested')));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorType: 'admin', actorId: w.admin.user.id });

    const byKey = await h.request('POST', `/v1/programs/${w.program.id}/segments/recompute`, { token: w.tokens.api_key });
    expect(byKey.status).toBe(202);
    await h.jobs.idle();
  });

  it('is for admins and API keys only', async () => {
    const w = await createWorld(h);
    for (const token of [w.tokens.regional_manager, w.tokens.affiliate, w.tokens.member]) {
      expect((await h.request('POST', `/v1/programs/${w.program.id}/segments/recompute`, { token })).status).toBe(403);
    }
    const other = await createWorld(h);
    expect((await h.request('POST', `/v1/programs/${w.program.id}/segments/recompute`, { token: other.tokens.api_key })).status).toBe(404);
  });
});

describe('segments.recompute job', () => {
  it('without a program fans out to every program', async () => {
    const a = await createWorld(h);
    const b = await createWorld(h);
    await h.jobs.enqueue('segments.recompute', {});
    await h.jobs.idle();
    for (const w of [a, b]) {
      const rows = await h.db.select().from(memberSegments).where(eq(memberSegments.programId, w.program.id));
      expect(rows).toHaveLength(2);
    }
  });
});
