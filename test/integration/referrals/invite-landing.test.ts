import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLink, createMember, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

/** The page a friend opens from a member's invite: localised, with the market's own texts. */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const REFERRALS = { signup: { referrerPoints: 100, friendPoints: 50 }, firstPurchase: { referrerPoints: 500, friendPoints: 1 } };

async function setup(referrals: Record<string, unknown> = REFERRALS) {
  const w = await createWorld(h, { settings: { referrals } });
  const inviter = await createMember(h, w.program.id, { country: 'DE', name: 'Jana Beispiel-Nachname' });
  const invite = await createLink(h, w, { kind: 'invite', ownerMemberId: inviter.id, destinationUrl: null });
  return { w, inviter, invite };
}

const page = (slug: string, headers: Record<string, string> = {}) => h.request('GET', `/i/${slug}`, { headers });

describe('GET /i/{slug}: the invite page', () => {
  it('speaks the inviter’s market language when the visitor states none, and shows first name, program and offers', async () => {
    const { w, invite } = await setup();
    const res = await page(invite.slug);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-language')).toBe('de');
    const html = String(res.body);
    expect(html).toContain('<html lang="de">');
    expect(html).toContain(`Jana lädt dich zu ${w.program.name} ein`);
    expect(html).not.toContain('Nachname');
    expect(html).toContain('50 Punkte für deine Anmeldung');
    // One point: the singular form.
    expect(html).toContain('1 Bonuspunkt auf deine erste Bestellung');
    expect(html).toContain(`href="/r/${invite.slug}"`);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  });

  it('follows the visitor’s Accept-Language, then ?lang= over it, formatting numbers their way', async () => {
    const { invite } = await setup({ signup: { referrerPoints: 0, friendPoints: 1500 } });
    const ja = await page(invite.slug, { 'accept-language': 'ja-JP,ja;q=0.9,en;q=0.5' });
    expect(ja.headers.get('content-language')).toBe('ja');
    expect(String(ja.body)).toContain('登録で1,500ポイント');
    const fr = await page(`${invite.slug}?lang=fr`, { 'accept-language': 'ja' });
    expect(fr.headers.get('content-language')).toBe('fr');
    // French groups thousands with a narrow no-break space.
    expect(String(fr.body)).toMatch(/1\u202f500 points offerts à l’inscription/);
  });

  it('leaves out offers the program does not make', async () => {
    const { invite } = await setup({});
    const html = String((await page(invite.slug, { 'accept-language': 'en' })).body);
    expect(html).toContain('Accept the invite');
    expect(html).not.toContain('<ul class="offers">');
  });

  it('shows the texts the inviter’s regional manager wrote, and the shipped ones again once removed', async () => {
    const { w, invite } = await setup();
    const path = `/v1/programs/${w.program.id}/translations/DE/de/invite/title`;
    const set = await h.request('PUT', path, { token: w.manager.token, body: { value: 'Adventskalender bei {{program}}: {{name}} schenkt dir Punkte!' } });
    expect(set.status).toBeLessThan(300);
    const html = String((await page(invite.slug)).body);
    expect(html).toContain(`Adventskalender bei ${w.program.name}: Jana schenkt dir Punkte!`);
    // Another language of the same country keeps its shipped text.
    expect(String((await page(invite.slug, { 'accept-language': 'en' })).body)).toContain(`Jana invited you to ${w.program.name}`);

    expect((await h.request('DELETE', path, { token: w.manager.token })).status).toBeLessThan(300);
    expect(String((await page(invite.slug)).body)).toContain(`Jana lädt dich zu ${w.program.name} ein`);
  });

  it('escapes names and program names', async () => {
    const w: World = await createWorld(h);
    const inviter = await createMember(h, w.program.id, { country: 'US', name: '<script>alert(1)</script> Smith' });
    const invite = await createLink(h, w, { kind: 'invite', ownerMemberId: inviter.id, destinationUrl: null });
    const html = String((await page(invite.slug)).body);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('is the URL a member’s invite link hands out to friends', async () => {
    const w = await createWorld(h, { links: {} });
    const res = await h.request('POST', `/v1/programs/${w.program.id}/invite-link`, { token: w.member.token });
    expect(res.status).toBe(201);
    expect(res.body.inviteUrl).toMatch(new RegExp(`/i/${res.body.slug}$`));
    expect(res.body.shortUrl).toMatch(new RegExp(`/r/${res.body.slug}$`));
    const landing = await h.request('GET', new URL(res.body.inviteUrl).pathname, { headers: { 'accept-language': 'en' } });
    expect(landing.status).toBe(200);
    expect(String(landing.body)).toContain('Max invited you to');
  });

  it('answers 404 in the visitor’s language for unknown, archived and non-invite links', async () => {
    const { w, invite } = await setup();
    const archived = await createLink(h, w, { kind: 'invite', ownerMemberId: (await createMember(h, w.program.id)).id, destinationUrl: null, status: 'archived', archivedAt: new Date() });
    const affiliateLink = await createLink(h, w);
    for (const slug of ['no-such-invite', archived.slug, affiliateLink.slug]) {
      const res = await page(slug, { 'accept-language': 'es', accept: 'text/html,*/*' });
      expect(res.status, slug).toBe(404);
      expect(res.headers.get('content-language')).toBe('es');
      expect(String(res.body)).toContain('Esta invitación ha caducado');
    }
    expect((await page(invite.slug)).status).toBe(200);
    const api = await page('no-such-invite', { accept: 'application/json' });
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('not_found');
  });
});
