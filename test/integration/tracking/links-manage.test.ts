import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditLog, links } from '../../../db/schema/index.js';
import type { ChangeEvent } from '../../../src/change-feed.js';
import { createLink, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const linkPath = (id: string, action = '') => `/v1/links/${id}${action}`;
const fields = (res: { body: any }) => (res.body.error?.details?.issues ?? []).map((i: { field: string }) => i.field).sort();

/** Events this process hears on the change feed (through Redis when configured) while `fn` runs. */
async function changesDuring(fn: () => Promise<unknown>, expected: number): Promise<ChangeEvent[]> {
  const heard: ChangeEvent[] = [];
  const stop = h.tracking.changes.subscribe((e) => heard.push(e));
  try {
    await fn();
    await vi.waitFor(() => expect(heard.length).toBeGreaterThanOrEqual(expected), { timeout: 2_000 });
    return heard;
  } finally {
    stop();
  }
}

async function newLink(w: World, slug?: string) {
  const res = await h.request('POST', `/v1/programs/${w.program.id}/links`, { token: w.affiliate.token, body: { destinationUrl: 'https://shop.example/a', ...(slug ? { slug } : {}) } });
  expect(res.status).toBe(201);
  return res.body;
}

describe('links: update, archive, restore', () => {
  it('updates only the given fields, audits the difference, and announces the change', async () => {
    const w = await createWorld(h, { links: {} });
    const link = await newLink(w);
    let res: any;
    const events = await changesDuring(async () => {
      res = await h.request('PATCH', linkPath(link.id), {
        token: w.affiliate.token,
        body: { destinationUrl: 'https://shop.example/b', title: 'B', countryDestinations: { us: 'https://us.shop.example/' }, params: { utm_medium: 'email' } },
      });
    }, 1);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ slug: link.slug, destinationUrl: 'https://shop.example/b', title: 'B', countryDestinations: { US: 'https://us.shop.example/' }, params: { utm_medium: 'email' } });
    expect(events).toContainEqual({ topic: 'link', domain: '', slug: link.slug });

    const audit = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, link.id), eq(auditLog.action, 'link.updated')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.before).toEqual({ destinationUrl: 'https://shop.example/a', title: null, countryDestinations: {}, params: {} });
    expect(audit[0]!.after).toEqual({ destinationUrl: 'https://shop.example/b', title: 'B', countryDestinations: { US: 'https://us.shop.example/' }, params: { utm_medium: 'email' } });

    // The same patch again changes nothing and audits nothing.
    const again = await h.request('PATCH', linkPath(link.id), { token: w.affiliate.token, body: { title: 'B', params: { utm_medium: 'email' } } });
    expect(again.status).toBe(200);
    expect(await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, link.id), eq(auditLog.action, 'link.updated')))).toHaveLength(1);
  });

  it('refuses bad updates naming each field and changes nothing', async () => {
    const w = await createWorld(h, { links: {} });
    const link = await newLink(w);
    const res = await h.request('PATCH', linkPath(link.id), {
      token: w.admin.token,
      body: { destinationUrl: 'https://evil.example/', slug: 'admin', countryDestinations: { XYZ: 'https://shop.example/' } },
    });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['countryDestinations.XYZ', 'destinationUrl', 'slug']);
    const unknown = await h.request('PATCH', linkPath(link.id), { token: w.admin.token, body: { ownerMemberId: w.member.member.id, status: 'archived' } });
    expect(fields(unknown)).toEqual(['ownerMemberId', 'status']);
    const [row] = await h.db.select().from(links).where(eq(links.id, link.id));
    expect(row).toMatchObject({ destinationUrl: 'https://shop.example/a', slug: link.slug, ownerMemberId: w.affiliate.member.id, status: 'active' });
  });

  it('changes the slug to a custom one, announcing both the old and the new; a taken slug is 409', async () => {
    const w = await createWorld(h, { links: {} });
    const link = await newLink(w);
    const taken = await newLink(w, `taken-${Date.now().toString(36)}`);
    const clash = await h.request('PATCH', linkPath(link.id), { token: w.affiliate.token, body: { slug: taken.slug } });
    expect(clash.status).toBe(409);
    expect(clash.body.error.details).toEqual({ field: 'slug' });

    const slug = `moved-${Date.now().toString(36)}`;
    let res: any;
    const events = await changesDuring(async () => {
      res = await h.request('PATCH', linkPath(link.id), { token: w.affiliate.token, body: { slug } });
    }, 2);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ slug, customSlug: true, shortUrl: `${h.config.PUBLIC_URL}/r/${slug}` });
    expect(events).toEqual(expect.arrayContaining([{ topic: 'link', domain: '', slug: link.slug }, { topic: 'link', domain: '', slug }]));
  });

  it('keeps invite links following the program: no destination of their own', async () => {
    const w = await createWorld(h, { links: {} });
    const invite = await h.request('POST', `/v1/programs/${w.program.id}/invite-link`, { token: w.member.token });
    const res = await h.request('PATCH', linkPath(invite.body.id), { token: w.member.token, body: { destinationUrl: 'https://shop.example/elsewhere' } });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['destinationUrl']);
    const titled = await h.request('PATCH', linkPath(invite.body.id), { token: w.member.token, body: { title: 'Tell a friend' } });
    expect(titled.status).toBe(200);
    expect(titled.body).toMatchObject({ kind: 'invite', destinationUrl: null, title: 'Tell a friend' });
  });

  it('archives and restores, idempotently, with audit rows and announcements', async () => {
    const w = await createWorld(h, { links: {} });
    const link = await newLink(w);
    let archived: any;
    const events = await changesDuring(async () => {
      archived = await h.request('POST', linkPath(link.id, '/archive'), { token: w.affiliate.token });
    }, 1);
    expect(archived.status).toBe(200);
    expect(archived.body.status).toBe('archived');
    expect(archived.body.archivedAt).toEqual(expect.any(String));
    expect(events).toContainEqual({ topic: 'link', domain: '', slug: link.slug });
    expect((await h.request('POST', linkPath(link.id, '/archive'), { token: w.affiliate.token })).body.status).toBe('archived');

    const restored = await h.request('POST', linkPath(link.id, '/restore'), { token: w.admin.token });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ status: 'active', archivedAt: null });

    const actions = (await h.db.select().from(auditLog).where(eq(auditLog.entityId, link.id))).map((a) => a.action).sort();
    expect(actions).toEqual(['link.archived', 'link.created', 'link.restored']);
  });

  it('refuses to restore a link whose destination the program no longer allows', async () => {
    const w = await createWorld(h, { links: {} });
    const link = await createLink(h, w, { destinationUrl: 'https://old-shop.example/', status: 'archived', archivedAt: new Date() });
    const res = await h.request('POST', linkPath(link.id, '/restore'), { token: w.admin.token });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('old-shop.example is not an allowed destination');
    const [row] = await h.db.select().from(links).where(eq(links.id, link.id));
    expect(row!.status).toBe('archived');
  });

  it('lets only those who see a link change it: 404 for other owners and other markets', async () => {
    const w = await createWorld(h, { links: {} });
    const link = await newLink(w);
    const usOwned = await createLink(h, w, { ownerMemberId: w.member.member.id, kind: 'invite', destinationUrl: null });
    expect((await h.request('PATCH', linkPath(link.id), { token: w.member.token, body: { title: 'x' } })).status).toBe(404);
    expect((await h.request('POST', linkPath(link.id, '/archive'), { token: w.member.token })).status).toBe(404);
    expect((await h.request('POST', linkPath(usOwned.id, '/archive'), { token: w.affiliate.token })).status).toBe(404);
    // The DE manager manages the DE affiliate's link, not the US member's.
    expect((await h.request('PATCH', linkPath(link.id), { token: w.manager.token, body: { title: 'by manager' } })).status).toBe(200);
    expect((await h.request('POST', linkPath(usOwned.id, '/archive'), { token: w.manager.token })).status).toBe(404);
  });

  it('announces a program settings change so every link cache drops the program', async () => {
    const w = await createWorld(h, { links: {} });
    let res: any;
    const events = await changesDuring(async () => {
      res = await h.request('PATCH', `/v1/programs/${w.program.id}`, { token: w.admin.token, body: { settings: { links: { fallbackUrl: 'https://shop.example/gone' } } } });
    }, 1);
    expect(res.status).toBe(200);
    expect(events).toContainEqual({ topic: 'program', programId: w.program.id });
  });
});
