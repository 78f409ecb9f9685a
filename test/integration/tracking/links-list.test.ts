import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAffiliate, createLink, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const listPath = (programId: string, query = '') => `/v1/programs/${programId}/links${query ? `?${query}` : ''}`;

/** A world with links owned by: the DE affiliate (2), a US affiliate (1), and the US member's invite link. */
async function populated() {
  const w = await createWorld(h, { links: {} });
  const usAffiliate = await createAffiliate(h, w.program.id, { country: 'US' });
  const stamp = Date.now().toString(36);
  const deSpring = await createLink(h, w, { slug: `Spring-${stamp}`, title: 'Spring sale', customSlug: true });
  const deSummer = await createLink(h, w, { slug: `summer-${stamp}`, title: 'Summer banner', status: 'archived', archivedAt: new Date() });
  const us = await createLink(h, w, { ownerMemberId: usAffiliate.id });
  const invite = await createLink(h, w, { ownerMemberId: w.member.member.id, kind: 'invite', destinationUrl: null });
  return { w, stamp, deSpring, deSummer, us, invite };
}

const idsOf = (res: { body: any }) => res.body.data.map((l: { id: string }) => l.id);

/** The ids listed, sorted: ids made in the same millisecond need not list in creation order. */
async function listAll(w: World, token: string, query = ''): Promise<string[]> {
  const res = await h.request('GET', listPath(w.program.id, query), { token });
  expect(res.status).toBe(200);
  return idsOf(res).sort();
}
const ids = (...rows: { id: string }[]) => rows.map((r) => r.id).sort();

describe('links: list and read, by role', () => {
  it('shows each role its scope: own links, markets, or everything', async () => {
    const { w, deSpring, deSummer, us, invite } = await populated();
    expect(await listAll(w, w.admin.token)).toEqual(ids(deSpring, deSummer, us, invite));
    expect(await listAll(w, w.apiKey)).toEqual(ids(deSpring, deSummer, us, invite));
    expect(await listAll(w, w.affiliate.token)).toEqual(ids(deSpring, deSummer));
    expect(await listAll(w, w.member.token)).toEqual(ids(invite));
    // Managers see the links of owners in their countries (the DE manager: the DE affiliate's).
    expect(await listAll(w, w.manager.token)).toEqual(ids(deSpring, deSummer));
  });

  it('reads a single link within the same scope; anything else is 404', async () => {
    const { w, deSpring, us, invite } = await populated();
    const own = await h.request('GET', `/v1/links/${deSpring.id}`, { token: w.affiliate.token });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: deSpring.id, slug: deSpring.slug, shortUrl: `${h.config.PUBLIC_URL}/r/${deSpring.slug}` });
    expect((await h.request('GET', `/v1/links/${us.id}`, { token: w.affiliate.token })).status).toBe(404);
    expect((await h.request('GET', `/v1/links/${invite.id}`, { token: w.affiliate.token })).status).toBe(404);
    expect((await h.request('GET', `/v1/links/${deSpring.id}`, { token: w.member.token })).status).toBe(404);
    expect((await h.request('GET', `/v1/links/${invite.id}`, { token: w.member.token })).status).toBe(200);
    expect((await h.request('GET', `/v1/links/${us.id}`, { token: w.manager.token })).status).toBe(404);
    expect((await h.request('GET', `/v1/links/${us.id}`, { token: w.apiKey })).status).toBe(200);
    expect((await h.request('GET', '/v1/links/lnk_doesnotexist', { token: w.admin.token })).status).toBe(404);

    const other = await createWorld(h);
    for (const token of Object.values(other.tokens)) {
      expect((await h.request('GET', `/v1/links/${deSpring.id}`, { token })).status).toBe(404);
    }
    expect((await h.request('GET', listPath(w.program.id), { token: other.admin.token })).status).toBe(404);
  });

  it('filters by owner, kind, status and slug/title prefix', async () => {
    const { w, stamp, deSpring, deSummer, us, invite } = await populated();
    expect(await listAll(w, w.admin.token, `ownerMemberId=${us.ownerMemberId}`)).toEqual(ids(us));
    expect(await listAll(w, w.admin.token, 'kind=invite')).toEqual(ids(invite));
    expect(await listAll(w, w.admin.token, 'status=archived')).toEqual(ids(deSummer));
    expect(await listAll(w, w.admin.token, `q=Spring-${stamp}`)).toEqual(ids(deSpring));
    // Slugs match case-sensitively, titles in any case.
    expect(await listAll(w, w.admin.token, `q=spring-${stamp}`)).toEqual([]);
    expect(await listAll(w, w.admin.token, 'q=summer%20BAN')).toEqual(ids(deSummer));
    expect(await listAll(w, w.admin.token, 'q=%25')).toEqual([]);
    // A filter never widens the scope.
    expect(await listAll(w, w.affiliate.token, `ownerMemberId=${us.ownerMemberId}`)).toEqual([]);
  });

  it('pages with a cursor', async () => {
    const { w } = await populated();
    const all = idsOf(await h.request('GET', listPath(w.program.id), { token: w.admin.token }));
    expect(all).toHaveLength(4);
    const first = await h.request('GET', listPath(w.program.id, 'limit=3'), { token: w.admin.token });
    expect(idsOf(first)).toEqual(all.slice(0, 3));
    expect(first.body.nextCursor).toBe(all[2]);
    const second = await h.request('GET', listPath(w.program.id, `limit=3&cursor=${first.body.nextCursor}`), { token: w.admin.token });
    expect(idsOf(second)).toEqual(all.slice(3));
    expect(second.body.nextCursor).toBeNull();
  });

  it('refuses bad filters naming the parameter', async () => {
    const w = await createWorld(h);
    const res = await h.request('GET', listPath(w.program.id, 'kind=banner&status=gone&limit=0'), { token: w.admin.token });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['query.kind', 'query.limit', 'query.status']);
  });
});

describe('links: newest first', () => {
  it('pages newest first with order=newest, the cursor going back in time, and refuses other orders', async () => {
    const { w, deSpring, deSummer, us, invite } = await populated();
    const all = ids(deSpring, deSummer, us, invite);
    const first = await h.request('GET', listPath(w.program.id, 'order=newest&limit=3'), { token: w.admin.token });
    expect(first.status).toBe(200);
    const second = await h.request('GET', listPath(w.program.id, `order=newest&limit=3&cursor=${first.body.nextCursor}`), { token: w.admin.token });
    const listed: string[] = [...idsOf(first), ...idsOf(second)];
    // Ids sort by creation time: newest first is the reverse of their order.
    expect(listed).toEqual([...all].reverse());
    expect(second.body.nextCursor).toBeNull();

    const bad = await h.request('GET', listPath(w.program.id, 'order=random'), { token: w.admin.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('query.order');
  });
});
