import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../helpers/harness.js';

/**
 * API errors in the caller's language: a locale chosen by `?lang=`, the `trellis_lang` cookie or
 * Accept-Language (other than English) gets the `errors:<code>` text and Content-Language; details
 * never change; English callers, and callers who state no language, keep the specific message.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const badLogin = { email: '', password: '' };

describe('localised API errors', () => {
  it('?lang=fr: an unknown route answers 404 in French', async () => {
    const res = await h.request('GET', '/v1/no-such-thing?lang=fr');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'not_found', message: 'La ressource demandée est introuvable.' });
    expect(res.headers.get('content-language')).toBe('fr');
  });

  it('Accept-Language de-AT: a validation error in German, naming the fields; details unchanged', async () => {
    const english = await h.request('POST', '/v1/auth/login', { body: badLogin });
    const res = await h.request('POST', '/v1/auth/login', { body: badLogin, headers: { 'accept-language': 'de-AT,de;q=0.9,en;q=0.5' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toBe('Diese Felder sind ungültig: email und password.');
    expect(res.body.error.details).toEqual(english.body.error.details);
    expect(res.headers.get('content-language')).toBe('de');

    const one = await h.request('POST', '/v1/auth/login', { body: { email: 'ada@example.com', password: '' }, headers: { 'accept-language': 'de-AT' } });
    expect(one.body.error.message).toBe('Dieses Feld ist ungültig: password.');
  });

  it('the trellis_lang cookie: a domain error (401) in Japanese', async () => {
    const res = await h.request('GET', '/v1/auth/me', { headers: { cookie: 'theme=dark; trellis_lang=ja' } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(res.body.error.message).toBe('認証が必要です。');
    expect(res.headers.get('content-language')).toBe('ja');
  });

  it('the query beats the cookie and Accept-Language', async () => {
    const res = await h.request('GET', '/v1/no-such-thing?lang=pt-BR', { headers: { cookie: 'trellis_lang=ja', 'accept-language': 'de' } });
    expect(res.body.error.message).toBe('O recurso solicitado não foi encontrado.');
    expect(res.headers.get('content-language')).toBe('pt-BR');
  });

  it('English, and no stated language, keep the specific English message exactly', async () => {
    const callers: Record<string, string>[] = [{}, { 'accept-language': 'en-GB,en;q=0.9' }, { 'accept-language': '*' }, { 'accept-language': 'nl-NL' }, { cookie: 'trellis_lang=xx' }];
    for (const headers of callers) {
      const res = await h.request('GET', '/v1/no-such-thing', { headers });
      expect(res.body.error.message).toBe('No route for GET /v1/no-such-thing.');
      expect(res.headers.get('content-language')).toBeNull();
    }
    const en = await h.request('POST', '/v1/auth/login?lang=en', { body: badLogin });
    const plain = await h.request('POST', '/v1/auth/login', { body: badLogin });
    expect(en.body.error.message).toBe(plain.body.error.message);
    expect(en.body.error.message).toBe('The request has invalid fields.');
  });

  it('malformed JSON, in Spanish', async () => {
    const res = await h.request('POST', '/v1/auth/login', { rawBody: '{"email":', headers: { 'content-type': 'application/json', 'accept-language': 'es' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'malformed_json', message: 'El cuerpo de la solicitud no es un JSON válido.' });
  });
});

describe('redirect problem pages', () => {
  const page = (acceptLanguage?: string) =>
    h.request('GET', '/r/doesNotExist1', { headers: { accept: 'text/html', ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}) } });

  it('are in the visitor’s Accept-Language', async () => {
    const de = await page('de-DE,de;q=0.9');
    expect(de.status).toBe(404);
    expect(de.body).toContain('<html lang="de">');
    expect(de.body).toContain('<h1>Link nicht gefunden</h1><p>Diesen Link gibt es nicht.</p>');
    expect(de.headers.get('content-language')).toBe('de');
    expect(de.headers.get('vary')).toContain('Accept-Language');

    const ja = await page('ja');
    expect(ja.body).toContain('<html lang="ja">');
    expect(ja.body).toContain('このリンクは存在しません。');

    const zh = await page('zh-TW,zh;q=0.8');
    expect(zh.body).toContain('此链接不存在。');
  });

  it('stay English without a language we ship; API clients keep the English envelope', async () => {
    for (const lang of [undefined, 'nl', '*']) {
      const res = await page(lang);
      expect(res.body).toContain('<html lang="en">');
      expect(res.body).toContain('<h1>This link does not exist</h1><p>This link does not exist.</p>');
    }
    const api = await h.request('GET', '/r/doesNotExist1', { headers: { 'accept-language': 'de', 'x-request-id': 'req-1' } });
    expect(api.body).toEqual({ error: { code: 'not_found', message: 'This link does not exist.', requestId: 'req-1' } });
  });
});
