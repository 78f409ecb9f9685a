import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, links } from '../../../db/schema/index.js';
import { createMember, createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const invitePath = (programId: string) => `/v1/programs/${programId}/invite-link`;
const invitesOf = (programId: string, memberId: string) =>
  h.db.select().from(links).where(and(eq(links.programId, programId), eq(links.ownerMemberId, memberId), eq(links.kind, 'invite')));

describe('invite links', () => {
  it("creates a member's invite link on first request (201), then returns the same one (200)", async () => {
    const w = await createWorld(h, { links: {} });
    const first = await h.request('POST', invitePath(w.program.id), { token: w.member.token });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'invite', ownerMemberId: w.member.member.id, destinationUrl: null, customSlug: false, status: 'active' });
    expect(first.body.slug).toMatch(/^[0-9A-Za-z]{8}$/);
    expect(first.body.shortUrl).toBe(`${h.config.PUBLIC_URL}/r/${first.body.slug}`);

    const second = await h.request('POST', invitePath(w.program.id), { token: w.member.token, body: {} });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    // Staff and the API key ask for it by member id and get the same link.
    const byKey = await h.request('POST', invitePath(w.program.id), { token: w.apiKey, body: { memberId: w.member.member.id } });
    expect(byKey.status).toBe(200);
    expect(byKey.body.id).toBe(first.body.id);

    expect(await invitesOf(w.program.id, w.member.member.id)).toHaveLength(1);
    expect(await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, first.body.id), eq(auditLog.action, 'link.created')))).toHaveLength(1);
  });

  it('gives concurrent first requests the same link, and stores one', async () => {
    const w = await createWorld(h, { links: {} });
    const member = await createMember(h, w.program.id, { country: 'DE' });
    const answers = await Promise.all(Array.from({ length: 8 }, () => h.request('POST', invitePath(w.program.id), { token: w.admin.token, body: { memberId: member.id } })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await invitesOf(w.program.id, member.id)).toHaveLength(1);
  });

  it('gives affiliates an invite link of their own, beside their affiliate links', async () => {
    const w = await createWorld(h, { links: {} });
    const invite = await h.request('POST', invitePath(w.program.id), { token: w.affiliate.token });
    expect(invite.status).toBe(201);
    expect(invite.body.ownerMemberId).toBe(w.affiliate.member.id);
    const other = await h.request('POST', invitePath(w.program.id), { token: w.member.token });
    expect(other.body.id).not.toBe(invite.body.id);
  });

  it('answers 422 while the program has no invite destination, and creates nothing', async () => {
    const w = await createWorld(h, { links: { inviteDestinationUrl: null } });
    const res = await h.request('POST', invitePath(w.program.id), { token: w.member.token });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('inviteDestinationUrl');
    expect(await invitesOf(w.program.id, w.member.member.id)).toHaveLength(0);
  });

  it('scopes who may ask for whom', async () => {
    const w = await createWorld(h, { links: {} });
    // Staff must say whose link; members asking for someone else find nobody.
    const unnamed = await h.request('POST', invitePath(w.program.id), { token: w.admin.token, body: {} });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error.details.issues).toEqual([expect.objectContaining({ field: 'memberId' })]);
    expect((await h.request('POST', invitePath(w.program.id), { token: w.member.token, body: { memberId: w.affiliate.member.id } })).status).toBe(404);
    // The DE manager: the DE affiliate yes, the US member no.
    expect((await h.request('POST', invitePath(w.program.id), { token: w.manager.token, body: { memberId: w.affiliate.member.id } })).status).toBe(201);
    expect((await h.request('POST', invitePath(w.program.id), { token: w.manager.token, body: { memberId: w.member.member.id } })).status).toBe(404);
    const other = await createWorld(h, { links: {} });
    expect((await h.request('POST', invitePath(w.program.id), { token: other.member.token })).status).toBe(404);
    expect((await h.request('POST', invitePath(w.program.id), { token: w.admin.token, body: { memberId: 'mem_nobody', extra: 1 } })).status).toBe(400);
  });
});
