import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members } from '../../../db/schema/index.js';
import { formatDateTime } from '../../../src/i18n/format.js';
import { translator } from '../../../src/i18n/translate.js';
import { statementHtml } from '../../../src/payouts/statements/html.js';
import { buildStatement } from '../../../src/payouts/statements/statement.js';
import { systemActor } from '../../../src/core/auth/actor.js';
import { createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { buildPaidPayout, type PaidPayout } from './statement-fixtures.js';

/**
 * Localised statements: labels from the `statements` namespace in the reader's language
 * (`?lang=`, cookie, Accept-Language), amounts and dates by Intl in that language, and the
 * Translate seam through which a regional manager's overrides reach the page.
 */

let h: Harness;
let w: World;
let p: PaidPayout;
beforeAll(async () => {
  h = await createHarness();
  await h.jobs.idle();
  w = await createWorld(h);
  p = await buildPaidPayout(h, w);
});
afterAll(async () => h?.close());

const url = (query = '') => `/v1/programs/${p.payout.programId}/payouts/${p.payout.id}/statement${query}`;
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');
const rowOf = (html: string, commissionId: string) => html.split('<tr>').find((r) => r.includes(`>${commissionId}</th>`))!.split('</tr>')[0]!;

describe('localised payout statements', () => {
  it('?lang=de: German labels, German amounts and dates', async () => {
    const res = await h.request('GET', url('?lang=de'), { token: w.affiliate.token });
    expect(res.status, String(res.body)).toBe(200);
    const html = plain(res.body as string);
    expect(html).toMatch(/^<!doctype html>\n<html lang="de">/);
    expect(html).toContain('<h1>Auszahlungsabrechnung</h1>');
    expect(html).toContain('<caption>Mit dieser Auszahlung beglichene Provisionen (4 Positionen)</caption>');
    expect(html).toContain('<th scope="col">Ausgezahlter Betrag</th>');
    expect(html).toContain('<dt>Status</dt><dd>Bezahlt</dd>');
    expect(html).toContain('<dt>Zahlungsweg</dt><dd>Manuell (Banküberweisung)</dd>');
    expect(html).toContain('Summe</th><td class="num">1.280,86 €</td>');
    const [clawback, de, us] = p.lines.map((l) => rowOf(html, l.commission.id));
    expect(de).toContain('12.345,67 €');
    expect(us).toContain('500,00 $');
    expect(us).toMatch(/Erstellt · .*Storniert · .*Erstattung.*Genehmigt · .*Sperrfrist abgelaufen.*Bezahlt · .*Auszahlung erfolgt/);
    expect(us).toMatch(/>Log-Index \d+<\/a>/);
    expect(clawback).toContain('Rückbuchung');
    expect(clawback).toContain('-0,50 €');
    expect(html).toContain('So prüfen Sie jede Position');
    expect(html).toContain(`Abrechnung erstellt am ${plain(formatDateTime(h.clock(), 'de'))}.`);
    expect(html).not.toMatch(/Payout statement|Commissions settled|Amount paid/);
  });

  it('Accept-Language ja: Japanese labels and Japanese formatting', async () => {
    const res = await h.request('GET', url(), { token: w.affiliate.token, headers: { 'accept-language': 'ja-JP,ja;q=0.9,en;q=0.8' } });
    expect(res.status).toBe(200);
    const html = plain(res.body as string);
    expect(html).toMatch(/^<!doctype html>\n<html lang="ja">/);
    expect(html).toContain('<h1>支払明細書</h1>');
    expect(html).toContain('<caption>この支払いで精算されたコミッション（4 件）</caption>');
    expect(html).toContain('合計</th><td class="num">€1,280.86</td>');
    expect(html).toContain('<dt>ステータス</dt><dd>支払済み</dd>');
    const conversionDay = p.lines[1]!.conversion.occurredAt;
    const ymd = `${conversionDay.getUTCFullYear()}/${String(conversionDay.getUTCMonth() + 1).padStart(2, '0')}/${String(conversionDay.getUTCDate()).padStart(2, '0')}`;
    expect(rowOf(html, p.lines[1]!.commission.id)).toContain(`>${ymd}</time>`);
    expect(html).toContain('時刻はすべて UTC です。');
  });

  it('keeps the affiliate’s regional format when the chosen language is theirs', async () => {
    await h.db.update(members).set({ locale: 'de-AT' }).where(eq(members.id, w.affiliate.member.id));
    const html = plain((await h.request('GET', url('?lang=de'), { token: w.affiliate.token })).body as string);
    expect(html).toContain('<h1>Auszahlungsabrechnung</h1>');
    expect(html).toContain('Summe</th><td class="num">€ 1.280,86</td>'); // Austrian: the sign first
    // Another language: that language's format.
    const fr = plain((await h.request('GET', url('?lang=fr'), { token: w.affiliate.token })).body as string);
    expect(fr).toContain('Total</th><td class="num">1 280,86 €</td>');
    await h.db.update(members).set({ locale: null }).where(eq(members.id, w.affiliate.member.id));
  });

  it('renders through a Translate, so overrides reach the page', async () => {
    const s = await buildStatement(h.ctx(systemActor('test')), p.payout.programId, p.payout.id, { locale: 'de', explicit: true });
    expect(s.language).toBe('de');
    const html = statementHtml(s, {
      origin: 'example.org/log',
      baseUrl: 'http://localhost',
      translate: translator('de', { statements: { title: 'Ihre Gutschrift', caption_other: '{{count}} Provisionen' } }),
    });
    expect(html).toContain('<h1>Ihre Gutschrift</h1>');
    expect(html).toContain('<caption>4 Provisionen</caption>');
    expect(html).toContain('<dt>Programm</dt>');
  });
});
