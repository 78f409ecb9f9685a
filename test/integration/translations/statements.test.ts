import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedText } from '../../../src/i18n/resources.js';
import { createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { buildPaidPayout } from '../payouts/statement-fixtures.js';

/**
 * Payout statements read with the overrides of the affiliate's country (the world's affiliate
 * lives in DE), in the statement's language; another country's overrides never apply.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

describe('statements with translation overrides', () => {
  it("use the affiliate's country's overrides, including plural forms, and fall back to the shipped text once deleted", async () => {
    const w = await createWorld(h);
    const p = await buildPaidPayout(h, w);
    const statement = () => h.request('GET', `/v1/programs/${w.program.id}/payouts/${p.payout.id}/statement?lang=de`, { token: w.affiliate.token });
    const put = (country: string, key: string, value: string) =>
      h.request('PUT', `/v1/programs/${w.program.id}/translations/${country}/de/statements/${key}`, { token: w.admin.token, body: { value } });
    const shippedTitle = shippedText('de', 'statements', 'title')!;
    const lines = p.lines.length;
    expect(lines).toBeGreaterThan(1);

    expect((await put('DE', 'title', 'Ihre Dezember-Abrechnung')).status).toBe(201);
    expect((await put('DE', 'caption_other', '{{count}} Provisionen <im Dezember>')).status).toBe(201);
    expect((await put('US', 'title', 'Nur für die USA')).status).toBe(201);

    const overridden = await statement();
    expect(overridden.status, String(overridden.body)).toBe(200);
    expect(overridden.body).toContain('<h1>Ihre Dezember-Abrechnung</h1>');
    // Overrides are escaped like every other text of the page.
    expect(overridden.body).toContain(`<caption>${lines} Provisionen &lt;im Dezember&gt;</caption>`);
    expect(overridden.body).not.toContain('Nur für die USA');
    expect(overridden.body).not.toContain(shippedTitle);

    // Another language of the same country keeps its shipped texts.
    const english = await h.request('GET', `/v1/programs/${w.program.id}/payouts/${p.payout.id}/statement?lang=en`, { token: w.affiliate.token });
    expect(english.body).toContain(`<h1>${shippedText('en', 'statements', 'title')}</h1>`);

    expect((await h.request('DELETE', `/v1/programs/${w.program.id}/translations/DE/de/statements/title`, { token: w.manager.token })).status).toBe(204);
    expect((await statement()).body).toContain(`<h1>${shippedTitle}</h1>`);
  });

  it('accept a plural form the language has and English lacks (French _many), but not one it lacks', async () => {
    const w = await createWorld(h);
    const url = (key: string) => `/v1/programs/${w.program.id}/translations/DE/fr/statements/${key}`;
    const many = await h.request('PUT', url('caption_many'), { token: w.manager.token, body: { value: '{{count}} de lignes' } });
    expect(many.status, JSON.stringify(many.body)).toBe(201);
    const few = await h.request('PUT', url('caption_few'), { token: w.manager.token, body: { value: '{{count}} lignes' } });
    expect(few.status).toBe(400);
    expect(few.body.error.details.issues).toEqual([{ field: 'key', reason: expect.any(String) }]);
    const list = await h.request('GET', `/v1/programs/${w.program.id}/translations?country=DE&locale=fr&namespace=statements&q=caption`, { token: w.manager.token });
    expect(list.body.data.map((t: { key: string }) => t.key)).toEqual(['caption_many', 'caption_one', 'caption_other']);
  });
});
