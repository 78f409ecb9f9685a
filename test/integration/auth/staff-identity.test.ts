import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, payoutRuns, payouts } from '../../../db/schema/index.js';
import { ACCESS_EXTENSION } from '../../../src/api/openapi.js';
import { eq } from 'drizzle-orm';
import { createCommission, createLink, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

/**
 * Affiliates and members never learn which staff user (or merchant key) did something: an action
 * by staff names the role "staff". Staff act through the API, then EVERY read operation an
 * affiliate or a member may call (from the live OpenAPI document, so a new route is covered the
 * moment it exists) is called as each, and no response may contain a staff user's id or email.
 */
let h: Harness;
let w: World;
/** Ids of what staff did, for the reads to name. */
let ids: { commissionId: string; conversionId: string; payoutId: string; linkId: string; apiKeyId: string };

beforeAll(async () => {
  h = await createHarness();
  w = await createWorld(h);
  const ok = (res: { status: number; body: unknown }, status = 200) => expect(res.status, JSON.stringify(res.body)).toBe(status);
  for (const [i, member] of [w.affiliate.member, w.member.member].entries()) {
    const base = `/v1/programs/${w.program.id}/members/${member.id}/points`;
    ok(await h.request('POST', `${base}/adjust`, { token: w.admin.token, body: { points: 50, idempotencyKey: `staff-${i}`, reason: 'Goodwill' } }), 201);
    ok(await h.request('POST', `${base}/earn`, { token: w.apiKey, body: { points: 20, idempotencyKey: `merchant-${i}`, reason: 'Order', pendingDays: 0 } }), 201);
  }
  const held = await createCommission(h, w, { status: 'held', holdReasons: ['velocity_ip'] });
  ok(await h.request('POST', `/v1/commissions/${held.id}/approve`, { token: w.manager.token, body: { reason: 'Customer verified by phone.' } }));
  const decision = `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}/decision`;
  ok(await h.request('POST', decision, { token: w.manager.token, body: { status: 'rejected', reason: 'Website down' } }));
  ok(await h.request('POST', decision, { token: w.manager.token, body: { status: 'approved' } }));
  const [run] = await h.db.insert(payoutRuns).values({ programId: w.program.id, trigger: 'admin', method: 'manual', status: 'completed', cutoffAt: new Date() }).returning();
  const [payout] = await h.db
    .insert(payouts)
    .values({ runId: run!.id, programId: w.program.id, partnerMemberId: w.affiliate.member.id, currency: 'EUR', amount: 5000, commissionCount: 0, method: 'manual', idempotencyKey: `staff:${run!.id}` })
    .returning();
  ok(await h.request('POST', `/v1/programs/${w.program.id}/payouts/${payout!.id}/mark-paid`, { token: w.admin.token, body: { reference: 'SEPA-1' } }));
  ok(await h.request('PUT', `/v1/programs/${w.program.id}/translations/DE/de/statements/title`, { token: w.manager.token, body: { value: 'Abrechnung' } }), 201);
  const [key] = await h.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.programId, w.program.id));
  ids = { commissionId: held.id, conversionId: held.conversionId, payoutId: payout!.id, linkId: (await createLink(h, w)).id, apiKeyId: key!.id };
});
afterAll(async () => h?.close());

type Reader = 'affiliate' | 'member';
const readerOf = (role: Reader) => (role === 'affiliate' ? w.affiliate : w.member);

/** A value for each path parameter a partner's read takes; a new name fails the test until it is added here. */
const pathValue = (role: Reader, name: string): string | undefined =>
  ({
    programId: w.program.id,
    memberId: readerOf(role).member.id,
    commissionId: ids.commissionId,
    conversionId: ids.conversionId,
    payoutId: ids.payoutId,
    linkId: ids.linkId,
  })[name];

/** Values of required query parameters. */
const QUERY_VALUES: Record<string, string> = { country: 'DE', locale: 'de' };

describe('staff identities', () => {
  it.each<Reader>(['affiliate', 'member'])('no read an %s may call shows a staff user id or email', async (role) => {
    const doc = (await h.request('GET', '/openapi.json')).body;
    const secrets = [w.admin.user.id, w.manager.user.id, w.admin.email, w.manager.email, ids.apiKeyId];
    const problems: string[] = [];
    let read = 0;
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      const op = item.get;
      if (!op || !Array.isArray(op[ACCESS_EXTENSION]) || !op[ACCESS_EXTENSION].includes(role)) continue;
      const query = (op.parameters ?? []).filter((p: { in: string; required?: boolean }) => p.in === 'query' && p.required).map((p: { name: string }) => p.name);
      const url = path.replace(/\{([^}]+)\}/g, (_, name: string) => pathValue(role, name) ?? `{unknown ${name}}`);
      if (url.includes('{unknown') || query.some((name: string) => !(name in QUERY_VALUES))) {
        problems.push(`${path}: add its parameters to pathValue or QUERY_VALUES`);
        continue;
      }
      const search = query.length ? `?${new URLSearchParams(query.map((name: string) => [name, QUERY_VALUES[name]!]))}` : '';
      const res = await h.request('GET', url + search, { token: readerOf(role).token });
      read++;
      if (res.status >= 500) problems.push(`${path}: ${res.status}`);
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      for (const secret of secrets) if (text.includes(secret)) problems.push(`${path} shows ${secret}`);
    }
    expect(problems).toEqual([]);
    expect(read).toBeGreaterThan(15);
  });

  it('an affiliate sees staff as "staff", and the reasons staff gave', async () => {
    const token = w.affiliate.token;
    const entries = await h.request('GET', `/v1/programs/${w.program.id}/members/${w.affiliate.member.id}/points/entries`, { token });
    expect(entries.body.data.map((e: { actor: unknown }) => e.actor)).toEqual(expect.arrayContaining([{ type: 'staff', id: null }, { type: 'api_key', id: null }]));
    const history = await h.request('GET', `/v1/programs/${w.program.id}/members/${w.affiliate.member.id}/points/history`, { token });
    expect(history.body.data.map((e: { actor: unknown }) => e.actor)).toContainEqual({ type: 'staff', id: null });
    const commission = await h.request('GET', `/v1/commissions/${ids.commissionId}`, { token });
    expect(commission.body).toMatchObject({ decidedBy: null, decisionReason: 'Customer verified by phone.', decidedAt: expect.any(String) });
    const payout = await h.request('GET', `/v1/programs/${w.program.id}/payouts/${ids.payoutId}`, { token });
    expect(payout.body).toMatchObject({ status: 'paid', paidBy: null, manualReference: 'SEPA-1' });
    const profile = await h.request('GET', `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}`, { token });
    expect(profile.body.affiliate).toMatchObject({ status: 'approved', decidedBy: null, decidedAt: expect.any(String) });
  });

  it('a member sees staff as "staff"', async () => {
    const entries = await h.request('GET', `/v1/programs/${w.program.id}/members/${w.member.member.id}/points/entries`, { token: w.member.token });
    expect(entries.body.data.map((e: { actor: unknown }) => e.actor)).toEqual(expect.arrayContaining([{ type: 'staff', id: null }, { type: 'api_key', id: null }]));
  });

  it('admins and regional managers still see who acted', async () => {
    const entries = await h.request('GET', `/v1/programs/${w.program.id}/members/${w.affiliate.member.id}/points/entries`, { token: w.admin.token });
    expect(entries.body.data.map((e: { actor: unknown }) => e.actor)).toEqual(
      expect.arrayContaining([{ type: 'admin', id: w.admin.user.id }, { type: 'api_key', id: ids.apiKeyId }]),
    );
    const commission = await h.request('GET', `/v1/commissions/${ids.commissionId}`, { token: w.manager.token });
    expect(commission.body.decidedBy).toBe(w.manager.user.id);
    const payout = await h.request('GET', `/v1/programs/${w.program.id}/payouts/${ids.payoutId}`, { token: w.admin.token });
    expect(payout.body.paidBy).toBe(w.admin.user.id);
    const profile = await h.request('GET', `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}`, { token: w.manager.token });
    expect(profile.body.affiliate.decidedBy).toBe(w.manager.user.id);
  });
});
