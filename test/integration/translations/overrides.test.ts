import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, translationOverrides } from '../../../db/schema/index.js';
import { editableTexts, placeholdersOf, type EditableText } from '../../../src/i18n/overrides/catalogue.js';
import { translatorFor } from '../../../src/i18n/overrides/translator.js';
import { createTenant, createUser, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

/**
 * Translation overrides: a regional manager replaces shipped texts for their countries; everyone
 * in the program reads them; deleting brings the shipped text back. Texts are picked from what
 * ships, so the tests follow the locale files as they grow.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

/** A German text with placeholders, and one without. */
let withVars: EditableText;
let plain: EditableText;
beforeAll(() => {
  const texts = editableTexts('de');
  withVars = texts.find((t) => placeholdersOf(t.shipped).size > 0)!;
  plain = texts.find((t) => placeholdersOf(t.shipped).size === 0)!;
  expect(withVars, 'a shipped text with a placeholder').toBeDefined();
  expect(plain, 'a shipped text without placeholders').toBeDefined();
});

const base = (w: World) => `/v1/programs/${w.program.id}/translations`;
const textUrl = (w: World, t: { namespace: string; key: string }, country = 'DE', locale = 'de') => `${base(w)}/${country}/${locale}/${t.namespace}/${t.key}`;
/** The shipped text with its placeholders kept, so it passes the placeholder rule. */
const localCopy = (t: EditableText, note = 'Aktion') => `${note}: ${[...placeholdersOf(t.shipped)].map((p) => `{{${p}}}`).join(' ')}`;
const fields = (body: { error: { details?: { issues?: { field: string; reason: string }[] } } }) => body.error.details?.issues ?? [];
const rowsOf = (w: World) => h.db.select().from(translationOverrides).where(eq(translationOverrides.programId, w.program.id));

describe('translation overrides', () => {
  it('a manager sets, lists, changes and deletes an override in their country, each change audited', async () => {
    const w = await createWorld(h);
    const value = localCopy(withVars);
    const created = await h.request('PUT', textUrl(w, withVars), { token: w.manager.token, body: { value } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ country: 'DE', locale: 'de', namespace: withVars.namespace, key: withVars.key, value, updatedBy: w.manager.user.id });
    expect(created.body.id).toMatch(/^tro_/);

    const same = await h.request('PUT', textUrl(w, withVars), { token: w.manager.token, body: { value } });
    expect(same.status).toBe(200);
    expect(same.body.updatedAt).toBe(created.body.updatedAt);

    const list = await h.request('GET', `${base(w)}?country=DE&locale=de&namespace=${withVars.namespace}&limit=200`, { token: w.manager.token });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const row = list.body.data.find((t: { id: string }) => t.id === `${withVars.namespace}:${withVars.key}`);
    expect(row).toMatchObject({ shipped: withVars.shipped, english: withVars.english, override: { id: created.body.id, value } });

    const changed = await h.request('PUT', textUrl(w, withVars), { token: w.manager.token, body: { value: localCopy(withVars, 'Neu') } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: created.body.id, value: localCopy(withVars, 'Neu') });

    expect((await h.request('DELETE', textUrl(w, withVars), { token: w.manager.token })).status).toBe(204);
    expect(await rowsOf(w)).toEqual([]);
    const gone = await h.request('DELETE', textUrl(w, withVars), { token: w.manager.token });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('not_found');

    const audits = await h.db.select().from(auditLog).where(and(eq(auditLog.programId, w.program.id), eq(auditLog.entityType, 'translation_override')));
    expect(audits.map((a) => a.action).sort()).toEqual(['translation_override.created', 'translation_override.deleted', 'translation_override.updated']);
    const deleted = audits.find((a) => a.action === 'translation_override.deleted')!;
    expect(deleted).toMatchObject({ actorType: 'regional_manager', actorId: w.manager.user.id, after: null });
  });

  it('two managers setting the same new text at once: one creates, the other updates, one row', async () => {
    const w = await createWorld(h);
    const results = await Promise.all(
      ['Erste', 'Zweite'].map((note) => h.request('PUT', textUrl(w, withVars), { token: w.manager.token, body: { value: localCopy(withVars, note) } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 201]);
    const rows = await rowsOf(w);
    expect(rows).toHaveLength(1);
    const audits = await h.db.select().from(auditLog).where(and(eq(auditLog.programId, w.program.id), eq(auditLog.entityType, 'translation_override')));
    expect(audits.map((a) => a.action).sort()).toEqual(['translation_override.created', 'translation_override.updated']);
  });

  it('refuses a manager outside their countries, affiliates, members and API keys (403), writing nothing', async () => {
    const w = await createWorld(h);
    const body = { value: localCopy(plain) };
    const outside = await h.request('PUT', textUrl(w, plain, 'US', 'en'), { token: w.manager.token, body });
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('out_of_scope');
    expect((await h.request('GET', `${base(w)}?country=US&locale=en`, { token: w.manager.token })).status).toBe(403);
    for (const token of [w.tokens.affiliate, w.tokens.member, w.tokens.api_key]) {
      expect((await h.request('PUT', textUrl(w, plain), { token, body })).status).toBe(403);
    }
    expect(await rowsOf(w)).toEqual([]);
    // The admin of the tenant edits every market.
    expect((await h.request('PUT', textUrl(w, plain, 'US', 'en'), { token: w.admin.token, body })).status).toBe(201);
    // Another tenant does not even see the program.
    const stranger = await createUser(h, { tenantId: (await createTenant(h)).id, role: 'admin' });
    expect((await h.request('PUT', textUrl(w, plain), { token: stranger.token, body })).status).toBe(404);
  });

  it('refuses a value whose placeholders differ from the shipped text, naming `value` and the placeholder', async () => {
    const w = await createWorld(h);
    const [first] = [...placeholdersOf(withVars.shipped)];
    const missing = await h.request('PUT', textUrl(w, withVars), { token: w.manager.token, body: { value: 'Ohne Platzhalter' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('validation_failed');
    expect(fields(missing.body)).toContainEqual({ field: 'value', reason: expect.stringContaining(`{{${first}}}`) });

    const extra = await h.request('PUT', textUrl(w, plain), { token: w.manager.token, body: { value: 'Hallo {{vorname}}' } });
    expect(extra.status).toBe(400);
    expect(fields(extra.body)).toEqual([{ field: 'value', reason: expect.stringContaining('{{vorname}}') }]);

    for (const value of ['', '   ', 'x'.repeat(2001)]) {
      const res = await h.request('PUT', textUrl(w, plain), { token: w.manager.token, body: { value } });
      expect(res.status).toBe(400);
      expect(fields(res.body).map((i) => i.field)).toEqual(['value']);
    }
    expect(await rowsOf(w)).toEqual([]);
  });

  it('refuses unknown namespaces and keys, unsupported locales and countries that are not markets (400)', async () => {
    const w = await createWorld(h);
    const body = { value: 'Lokal' };
    const cases: [string, string][] = [
      [`${base(w)}/DE/de/no-such-namespace/title`, 'namespace'],
      [`${base(w)}/DE/de/${plain.namespace}/no.such.key`, 'key'],
      [`${base(w)}/DE/it/${plain.namespace}/${plain.key}`, 'locale'],
      [`${base(w)}/DE/de-AT/${plain.namespace}/${plain.key}`, 'locale'],
      [`${base(w)}/FR/fr/${plain.namespace}/${plain.key}`, 'country'],
      [`${base(w)}/Germany/de/${plain.namespace}/${plain.key}`, 'country'],
    ];
    for (const [url, field] of cases) {
      const res = await h.request('PUT', url, { token: w.admin.token, body });
      expect(res.status, url).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(fields(res.body).map((i) => i.field.replace(/^path\./, '')), url).toEqual([field]);
    }
    const listing = await h.request('GET', `${base(w)}?country=DE&locale=xx`, { token: w.admin.token });
    expect(listing.status).toBe(400);
    expect(await rowsOf(w)).toEqual([]);
  });

  it('anyone in the program reads the overrides of a country and language; other countries and languages stay shipped', async () => {
    const w = await createWorld(h);
    const value = localCopy(plain, 'Nur in Deutschland');
    expect((await h.request('PUT', textUrl(w, plain), { token: w.manager.token, body: { value } })).status).toBe(201);
    for (const token of [w.tokens.member, w.tokens.affiliate, w.tokens.api_key, w.tokens.admin, w.tokens.regional_manager]) {
      const res = await h.request('GET', `${base(w)}/overrides?country=DE&locale=de`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({ [plain.namespace]: { [plain.key]: value } });
    }
    expect((await h.request('GET', `${base(w)}/overrides?country=US&locale=de`, { token: w.tokens.member })).body).toEqual({});
    expect((await h.request('GET', `${base(w)}/overrides?country=DE&locale=en`, { token: w.tokens.member })).body).toEqual({});
    const other = await createWorld(h);
    expect((await h.request('GET', `${base(w)}/overrides?country=DE&locale=de`, { token: other.tokens.member })).status).toBe(404);
  });

  it('lists the editable texts page by page, filtered by namespace and search', async () => {
    const w = await createWorld(h);
    const all = editableTexts('de', plain.namespace);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { data: { id: string }[]; nextCursor: string | null } } = await h.request(
        'GET',
        `${base(w)}?country=DE&locale=de&namespace=${plain.namespace}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: w.manager.token },
      );
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.data.map((t) => t.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((t) => `${t.namespace}:${t.key}`));

    await h.request('PUT', textUrl(w, plain), { token: w.manager.token, body: { value: 'Zauberwort Quokka' } });
    const found = await h.request('GET', `${base(w)}?country=DE&locale=de&q=quokka`, { token: w.manager.token });
    expect(found.body.data.map((t: { id: string }) => t.id)).toEqual([`${plain.namespace}:${plain.key}`]);
    const unknown = await h.request('GET', `${base(w)}?country=DE&locale=de&namespace=nope`, { token: w.manager.token });
    expect(unknown.status).toBe(400);
  });

  it('translatorFor lays the country\'s overrides over the shipped texts, and deleting falls back', async () => {
    const w = await createWorld(h);
    const key = `${plain.namespace}:${plain.key}`;
    const shipped = (await translatorFor(h.db, { programId: w.program.id, country: 'DE', locale: 'de' }))(key);
    expect(shipped).toBe(plain.shipped);
    await h.request('PUT', textUrl(w, plain), { token: w.manager.token, body: { value: 'Lokaler Text' } });
    expect((await translatorFor(h.db, { programId: w.program.id, country: 'DE', locale: 'de' }))(key)).toBe('Lokaler Text');
    expect((await translatorFor(h.db, { programId: w.program.id, country: 'US', locale: 'de' }))(key)).toBe(plain.shipped);
    expect((await translatorFor(h.db, { programId: w.program.id, country: null, locale: 'de' }))(key)).toBe(plain.shipped);

    const vars = Object.fromEntries([...placeholdersOf(withVars.shipped)].map((p) => [p, `<${p}>`]));
    await h.request('PUT', textUrl(w, withVars), { token: w.manager.token, body: { value: localCopy(withVars, 'Lokal') } });
    const t = await translatorFor(h.db, { programId: w.program.id, country: 'DE', locale: 'de' });
    expect(t(`${withVars.namespace}:${withVars.key}`, vars)).toBe(`Lokal: ${Object.values(vars).join(' ')}`);

    await h.request('DELETE', textUrl(w, plain), { token: w.manager.token });
    expect((await translatorFor(h.db, { programId: w.program.id, country: 'DE', locale: 'de' }))(key)).toBe(plain.shipped);
  });
});
