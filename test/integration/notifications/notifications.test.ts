import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members, notifications } from '../../../db/schema/index.js';
import { failPayout } from '../../../src/payouts/payouts/settle.js';
import { createCommission, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { owed } from '../payouts/payout-fixtures.js';

/** Affiliates hear about their money: payouts paid, failed or reversed, held commissions decided. */
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ env: { TRANSPARENCY_SEQUENCE_INTERVAL_MS: '86400000', STRIPE_SECRET_KEY: '' } });
});
afterAll(async () => h?.close());

const manualWorld = () => createWorld(h, { settings: { payouts: { schedule: 'manual' } } });
const inbox = (w: World, query = '', headers: Record<string, string> = {}, token = w.affiliate.token) =>
  h.request('GET', `/v1/programs/${w.program.id}/members/${w.affiliate.member.id}/notifications${query}`, { token, headers });

/** Intl separates amounts and currency signs with no-break spaces; the texts read the same. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

async function pendingPayout(w: World, amount = 6489) {
  await owed(h, w, w.affiliate, amount);
  const run = await h.request('POST', `/v1/programs/${w.program.id}/payout-runs`, { token: w.admin.token });
  expect(run.status).toBe(202);
  await h.jobs.idle();
  const got = await h.request('GET', `/v1/programs/${w.program.id}/payout-runs/${run.body.id}`, { token: w.admin.token });
  return got.body.payouts[0] as { id: string };
}

describe('notifications', () => {
  it('tells the affiliate their payout was paid, in their language, once however often it is settled', async () => {
    const w = await manualWorld();
    const payout = await pendingPayout(w);
    expect((await inbox(w)).body).toMatchObject({ data: [], unreadCount: 0, nextCursor: null });
    const paid = await h.request('POST', `/v1/programs/${w.program.id}/payouts/${payout.id}/mark-paid`, { token: w.admin.token, body: { reference: 'SEPA-1' } });
    expect(paid.status).toBe(200);
    await h.request('POST', `/v1/programs/${w.program.id}/payouts/${payout.id}/mark-paid`, { token: w.admin.token, body: { reference: 'SEPA-1' } });

    const en = await inbox(w, '?lang=en');
    expect(en.status).toBe(200);
    expect(en.body.unreadCount).toBe(1);
    expect(en.body.data).toHaveLength(1);
    expect(en.body.data[0]).toMatchObject({ kind: 'payout_paid', title: 'Your payout of €64.89 is on its way', params: { payoutId: payout.id, amount: 6489, currency: 'EUR' }, readAt: null });
    const de = await inbox(w, '', { 'accept-language': 'de-DE' });
    expect(plain(de.body.data[0].title)).toBe('Deine Auszahlung über 64,89 € ist unterwegs');
  });

  it('without a stated language, speaks the member’s own, else their market’s default', async () => {
    const w = await manualWorld();
    await failPayout(h.ctx(), (await pendingPayout(w)).id, { code: 'account_closed', message: 'The account is closed.' });
    // The world's affiliate is in DE, whose market speaks German.
    const [failed] = (await inbox(w)).body.data;
    expect(failed).toMatchObject({ kind: 'payout_failed', params: { failureCode: 'account_closed' } });
    expect(plain(failed.title)).toBe('Deine Auszahlung über 64,89 € ist fehlgeschlagen');
    await h.db.update(members).set({ locale: 'ja' }).where(eq(members.id, w.affiliate.member.id));
    expect((await inbox(w)).body.data[0].title).toBe('€64.89のお支払いを送金できませんでした');
  });

  it('passes on a reviewer’s decision on a held commission with their words', async () => {
    const w = await manualWorld();
    const held = await createCommission(h, w, { status: 'held', holdReasons: ['velocity'], amount: 1250, payoutAmount: 1250, holdUntil: new Date(h.clock().getTime() - 1000) });
    const res = await h.request('POST', `/v1/commissions/${held.id}/reject`, { token: w.tokens.regional_manager, body: { reason: 'Same card used on 40 orders.' } });
    expect(res.status).toBe(200);
    const [note] = (await inbox(w, '?lang=fr')).body.data;
    expect(note.kind).toBe('commission_rejected');
    expect(plain(note.title)).toBe('Commission de 12,50 € refusée');
    expect(note.body).toBe('Une commission en attente de vérification a été refusée. Motif : Same card used on 40 orders.');
  });

  it('marks read for the recipient only, all or some, and pages newest first', async () => {
    const w = await manualWorld();
    const ids: string[] = [];
    for (const amount of [100, 200, 300]) {
      const c = await createCommission(h, w, { status: 'held', holdReasons: ['velocity'], amount, payoutAmount: amount, holdUntil: new Date(h.clock().getTime() - 1000) });
      await h.request('POST', `/v1/commissions/${c.id}/approve`, { token: w.tokens.admin, body: { reason: 'ok' } });
      ids.push(c.id);
    }
    const first = await inbox(w, '?limit=2&lang=en');
    expect(first.body.data.map((n: any) => n.params.amount)).toEqual([300, 200]);
    const second = await inbox(w, `?limit=2&lang=en&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((n: any) => n.params.amount)).toEqual([100]);

    const path = `/v1/programs/${w.program.id}/members/${w.affiliate.member.id}/notifications/read`;
    // Staff can read a partner's inbox but not empty it for them.
    expect((await h.request('POST', path, { token: w.tokens.admin, body: {} })).status).toBe(403);
    expect((await h.request('POST', path, { token: w.affiliate.token, body: { ids: 'all' } })).status).toBe(400);
    const one = await h.request('POST', path, { token: w.affiliate.token, body: { ids: [first.body.data[0].id] } });
    expect(one.body).toEqual({ marked: 1 });
    expect((await inbox(w, '?unread=true')).body).toMatchObject({ unreadCount: 2 });
    expect((await h.request('POST', path, { token: w.affiliate.token })).body).toEqual({ marked: 2 });
    expect((await h.request('POST', path, { token: w.affiliate.token })).body).toEqual({ marked: 0 });
    expect((await inbox(w, '?unread=true')).body).toMatchObject({ data: [], unreadCount: 0 });
    expect((await inbox(w, '', {}, w.tokens.admin)).body.data).toHaveLength(3);
  });

  it('keeps one affiliate’s notifications from another', async () => {
    const w = await manualWorld();
    await pendingPayout(w);
    const res = await h.request('GET', `/v1/programs/${w.program.id}/members/${w.affiliate.member.id}/notifications`, { token: w.member.token });
    expect(res.status).toBe(404);
    const rows = await h.db.select().from(notifications).where(eq(notifications.memberId, w.affiliate.member.id));
    expect(rows).toEqual([]);
  });
});
