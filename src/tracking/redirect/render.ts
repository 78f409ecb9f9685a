import { SUPPORTED_LOCALES, type Locale } from '../../i18n/locales.js';
import { matchAcceptLanguage } from '../../i18n/negotiate.js';
import { translator } from '../../i18n/translate.js';
import type { RedirectAnswer } from './handler.js';
import { escapeHtml } from '../../html-escape.js';
import { serverPageHeaders } from '../../html-page-policy.js';

/** The wire form of a redirect answer, shared by the Hono route and the node:http fast path. */
export interface RenderedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const REDIRECT_HEADERS = { 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex' } as const;

interface Problem {
  code: string;
  message: string;
  title: string;
}

// Codes as in the API's error envelope (src/api/errors.ts maps the same codes to these statuses).
const PROBLEMS: Record<404 | 429 | 503, Problem> = {
  404: { code: 'not_found', message: 'This link does not exist.', title: 'This link does not exist' },
  429: { code: 'rate_limited', message: 'Too many requests from this address; try again in a minute.', title: 'Too many requests' },
  503: { code: 'unavailable', message: 'This link cannot be followed right now; try again in a few seconds.', title: 'Temporarily unavailable' },
};


const STYLE = 'body{font-family:system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#222}';

const page = (lang: Locale, title: string, message: string) =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>` +
  `<style>${STYLE}</style></head>` +
  `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;

// Computed once, like the pages: the problem pages' policy allows nothing but their stylesheet.
const PAGE_HEADERS = { 'cache-control': 'no-store', 'x-robots-tag': 'noindex', ...serverPageHeaders(STYLE) } as const;
const ENVELOPE_HEADERS = { 'cache-control': 'no-store', 'x-robots-tag': 'noindex', 'x-content-type-options': 'nosniff', 'content-type': 'application/json' } as const;

type Pages = Record<404 | 429 | 503, string>;
let pages: Map<Locale, Pages> | undefined;

/** Every problem page in every language, built once (the `pages` namespace): no i18next call per request. */
function problemPages(): Map<Locale, Pages> {
  if (pages) return pages;
  pages = new Map(
    SUPPORTED_LOCALES.map((lang) => {
      const t = translator(lang);
      const build = (name: string) => page(lang, t(`pages:redirect.${name}.title`), t(`pages:redirect.${name}.message`));
      // i18n-keys: pages:redirect.notFound.title pages:redirect.notFound.message pages:redirect.rateLimited.title
      // i18n-keys: pages:redirect.rateLimited.message pages:redirect.unavailable.title pages:redirect.unavailable.message
      return [lang, { 404: build('notFound'), 429: build('rateLimited'), 503: build('unavailable') }];
    }),
  );
  return pages;
}

/**
 * People (browsers ask for text/html) get a small page in their Accept-Language; API clients and
 * scripts get the API's error envelope, so everything that is not a redirect reads the same as the
 * rest of the API.
 */
export function renderAnswer(answer: RedirectAnswer, accept: string | undefined, requestId: string, acceptLanguage?: string): RenderedAnswer {
  if (answer.status === 302) {
    const headers: Record<string, string> = { location: answer.location, ...REDIRECT_HEADERS };
    if (answer.cookie) headers['set-cookie'] = answer.cookie;
    return { status: 302, headers, body: '' };
  }
  const problem = PROBLEMS[answer.status];
  const retryAfter = answer.status === 404 ? undefined : { 'retry-after': String(answer.retryAfterSeconds) };
  if (accept?.includes('text/html')) {
    const lang = matchAcceptLanguage(acceptLanguage) ?? 'en';
    const headers = { ...PAGE_HEADERS, ...retryAfter, 'content-type': 'text/html; charset=utf-8', 'content-language': lang, vary: 'Accept, Accept-Language' };
    return { status: answer.status, headers, body: problemPages().get(lang)![answer.status] };
  }
  return { status: answer.status, headers: { ...ENVELOPE_HEADERS, ...retryAfter }, body: JSON.stringify({ error: { code: problem.code, message: problem.message, requestId } }) };
}
