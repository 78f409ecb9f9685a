import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../../db/schema/index.js';
import { createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

describe('programs', () => {
  it('an admin creates a program with markets; it is audited', async () => {
    const w = await createWorld(h);
    const res = await h.request('POST', '/v1/programs', {
      token: w.admin.token,
      body: {
        name: 'Second program',
        payoutCurrency: 'USD',
        defaultLocale: 'en-us',
        settings: { points: { pendingDays: 14 } },
        markets: [{ country: 'FR', currency: 'EUR', defaultLocale: 'fr' }],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Second program',
      payoutCurrency: 'USD',
      defaultLocale: 'en-US',
      settings: { points: { pendingDays: 14 } },
      markets: [{ country: 'FR', currency: 'EUR', defaultLocale: 'fr', stage: 'new' }],
    });
    const audit = await h.db.select().from(auditLog).where(eq(auditLog.programId, res.body.id));
    expect(audit.map((a) => a.action).sort()).toEqual(['market.created', 'program.created']);

    const list = await h.request('GET', '/v1/programs', { token: w.manager.token });
    expect(list.body.data.map((p: { id: string }) => p.id).sort()).toEqual([w.program.id, res.body.id].sort());
  });

  it('refuses bad codes naming the fields', async () => {
    const w = await createWorld(h);
    const res = await h.request('POST', '/v1/programs', {
      token: w.admin.token,
      body: { name: 'P', payoutCurrency: 'EURO', markets: [{ country: 'Germany', currency: 'EUR', defaultLocale: 'de' }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(expect.arrayContaining(['payoutCurrency', 'markets.0.country']));
  });

  it('affiliates, members and API keys see only their own program', async () => {
    const w = await createWorld(h);
    await h.request('POST', '/v1/programs', { token: w.admin.token, body: { name: 'Hidden', payoutCurrency: 'EUR' } });
    for (const token of [w.tokens.affiliate, w.tokens.member, w.tokens.api_key]) {
      const list = await h.request('GET', '/v1/programs', { token });
      expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([w.program.id]);
      expect((await h.request('GET', `/v1/programs/${w.program.id}`, { token })).status).toBe(200);
    }
  });

  it('PATCH merges settings per namespace, validates known namespaces and audits before/after', async () => {
    const w = await createWorld(h, { settings: { points: { pendingDays: 7 }, tiers: {}, custom: { a: 1 } } });
    const path = `/v1/programs/${w.program.id}`;
    const res = await h.request('PATCH', path, { token: w.admin.token, body: { name: 'Renamed', settings: { points: { expiryMonths: 12 }, custom: null } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.name).toBe('Renamed');
    expect(res.body.settings).toEqual({ points: { pendingDays: 7, expiryMonths: 12 }, tiers: {} });

    const bad = await h.request('PATCH', path, { token: w.admin.token, body: { settings: { points: { pendingDays: -1 } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues).toEqual([expect.objectContaining({ field: 'settings.points.pendingDays' })]);
    const notObject = await h.request('PATCH', path, { token: w.admin.token, body: { settings: { points: 5 } } });
    expect(notObject.status).toBe(400);
    expect(notObject.body.error.details.issues[0].field).toMatch(/^settings\.points/);
    // Nothing was written by the refused patches.
    expect((await h.request('GET', path, { token: w.admin.token })).body.settings).toEqual(res.body.settings);

    const [audit] = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, w.program.id), eq(auditLog.action, 'program.updated')));
    expect(audit).toMatchObject({
      before: expect.objectContaining({ settings: { points: { pendingDays: 7 }, tiers: {}, custom: { a: 1 } } }),
      after: expect.objectContaining({ name: 'Renamed' }),
    });
  });

  it('only admins change programs', async () => {
    const w = await createWorld(h);
    for (const token of [w.tokens.regional_manager, w.tokens.affiliate, w.tokens.member, w.tokens.api_key]) {
      expect((await h.request('PATCH', `/v1/programs/${w.program.id}`, { token, body: { name: 'x' } })).status).toBe(403);
    }
  });
});

describe('markets', () => {
  it('lists, creates (409 on a second market for a country) and updates markets', async () => {
    const w = await createWorld(h);
    const base = `/v1/programs/${w.program.id}/markets`;
    const list = await h.request('GET', base, { token: w.member.token });
    expect(list.status).toBe(200);
    expect(list.body.data.map((m: { country: string }) => m.country).sort()).toEqual(['DE', 'US']);

    const created = await h.request('POST', base, { token: w.admin.token, body: { country: 'AT', currency: 'EUR', defaultLocale: 'de-AT', stage: 'mature' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ country: 'AT', stage: 'mature', programId: w.program.id });
    const dup = await h.request('POST', base, { token: w.admin.token, body: { country: 'AT', currency: 'EUR', defaultLocale: 'de' } });
    expect(dup.status).toBe(409);

    const updated = await h.request('PATCH', `${base}/${created.body.id}`, { token: w.admin.token, body: { stage: 'new', currency: 'CHF' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ stage: 'new', currency: 'CHF' });
    const [audit] = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, created.body.id), eq(auditLog.action, 'market.updated')));
    expect(audit).toMatchObject({ before: expect.objectContaining({ stage: 'mature' }), after: expect.objectContaining({ stage: 'new' }) });
  });

  it('a regional manager updates markets in their countries only', async () => {
    const w = await createWorld(h);
    const de = w.markets.find((m) => m.country === 'DE')!;
    const us = w.markets.find((m) => m.country === 'US')!;
    const base = `/v1/programs/${w.program.id}/markets`;
    const own = await h.request('PATCH', `${base}/${de.id}`, { token: w.manager.token, body: { stage: 'mature' } });
    expect(own.status).toBe(200);
    const foreign = await h.request('PATCH', `${base}/${us.id}`, { token: w.manager.token, body: { stage: 'new' } });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('out_of_scope');
    expect((await h.request('POST', base, { token: w.manager.token, body: { country: 'DE', currency: 'EUR', defaultLocale: 'de' } })).status).toBe(403);

    const other = await createWorld(h);
    expect((await h.request('PATCH', `${base}/${de.id}`, { token: other.admin.token, body: { stage: 'new' } })).status).toBe(404);
    expect((await h.request('PATCH', `/v1/programs/${other.program.id}/markets/${de.id}`, { token: other.admin.token, body: { stage: 'new' } })).status).toBe(404);
  });
});
