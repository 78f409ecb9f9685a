import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../../db/schema/index.js';
import { createMember, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const tagPath = (w: World, memberId: string, tag: string) => `/v1/programs/${w.program.id}/members/${memberId}/tags/${tag}`;

describe('member tags', () => {
  it('adds and removes tags idempotently, auditing only real changes', async () => {
    const w = await createWorld(h);
    const m = await createMember(h, w.program.id, { country: 'DE' });
    const first = await h.request('PUT', tagPath(w, m.id, 'vip'), { token: w.tokens.admin });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ memberId: m.id, tags: ['vip'], changed: true });
    const again = await h.request('PUT', tagPath(w, m.id, 'vip'), { token: w.apiKey });
    expect(again.body).toEqual({ memberId: m.id, tags: ['vip'], changed: false });
    await h.request('PUT', tagPath(w, m.id, 'fair:2024'), { token: w.tokens.regional_manager });
    expect((await h.request('GET', `/v1/programs/${w.program.id}/members/${m.id}`, { token: w.tokens.admin })).body.tags).toEqual(['fair:2024', 'vip']);

    const removed = await h.request('DELETE', tagPath(w, m.id, 'vip'), { token: w.tokens.admin });
    expect(removed.body).toEqual({ memberId: m.id, tags: ['fair:2024'], changed: true });
    const removedAgain = await h.request('DELETE', tagPath(w, m.id, 'vip'), { token: w.tokens.admin });
    expect(removedAgain.status).toBe(200);
    expect(removedAgain.body.changed).toBe(false);

    const audit = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, m.id), like(auditLog.action, 'member.tag_%')));
    expect(audit.map((a) => a.action).sort()).toEqual(['member.tag_added', 'member.tag_added', 'member.tag_removed']);
  });

  it('validates the tag format', async () => {
    const w = await createWorld(h);
    for (const tag of ['VIP', 'with%20space', '-lead', 'x'.repeat(65)]) {
      const res = await h.request('PUT', tagPath(w, w.member.member.id, tag), { token: w.tokens.admin });
      expect(res.status, tag).toBe(400);
      expect(res.body.error.details.issues[0].field).toBe('path.tag');
    }
  });

  it('counts tags per program within the caller scope, with pagination', async () => {
    const w = await createWorld(h);
    const de = await createMember(h, w.program.id, { country: 'DE' });
    const us = await createMember(h, w.program.id, { country: 'US' });
    for (const [id, tag] of [[de.id, 'vip'], [us.id, 'vip'], [us.id, 'churn-risk'], [de.id, 'newsletter']] as const) {
      await h.request('PUT', tagPath(w, id, tag), { token: w.tokens.admin });
    }
    const other = await createWorld(h);
    await h.request('PUT', tagPath(other, other.member.member.id, 'vip'), { token: other.tokens.admin });

    const all = await h.request('GET', `/v1/programs/${w.program.id}/tags`, { token: w.tokens.admin });
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ data: [{ tag: 'churn-risk', count: 1 }, { tag: 'newsletter', count: 1 }, { tag: 'vip', count: 2 }], nextCursor: null });

    const first = await h.request('GET', `/v1/programs/${w.program.id}/tags?limit=2`, { token: w.apiKey });
    expect(first.body.data.map((t: { tag: string }) => t.tag)).toEqual(['churn-risk', 'newsletter']);
    const second = await h.request('GET', `/v1/programs/${w.program.id}/tags?limit=2&cursor=${first.body.nextCursor}`, { token: w.apiKey });
    expect(second.body).toEqual({ data: [{ tag: 'vip', count: 2 }], nextCursor: null });

    const regional = await h.request('GET', `/v1/programs/${w.program.id}/tags`, { token: w.tokens.regional_manager });
    expect(regional.body.data).toEqual([{ tag: 'newsletter', count: 1 }, { tag: 'vip', count: 1 }]);
  });

  it('keeps tags to staff and API keys, and regional managers to their countries', async () => {
    const w = await createWorld(h);
    expect((await h.request('PUT', tagPath(w, w.affiliate.member.id, 'vip'), { token: w.tokens.affiliate })).status).toBe(403);
    expect((await h.request('GET', `/v1/programs/${w.program.id}/tags`, { token: w.tokens.member })).status).toBe(403);
    expect((await h.request('PUT', tagPath(w, w.member.member.id, 'vip'), { token: w.tokens.regional_manager })).status).toBe(404);
  });
});
