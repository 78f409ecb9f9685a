import type { RedirectAnswer } from './handler.js';

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

const page = (p: Problem) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${p.title}</title>` +
  `<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#222}</style></head>` +
  `<body><h1>${p.title}</h1><p>${p.message}</p></body></html>`;

const PAGES = { 404: page(PROBLEMS[404]), 429: page(PROBLEMS[429]), 503: page(PROBLEMS[503]) };

/**
 * People (browsers ask for text/html) get a small page; API clients and scripts get the API's error
 * envelope, so everything that is not a redirect reads the same as the rest of the API.
 */
export function renderAnswer(answer: RedirectAnswer, accept: string | undefined, requestId: string): RenderedAnswer {
  if (answer.status === 302) {
    const headers: Record<string, string> = { location: answer.location, ...REDIRECT_HEADERS };
    if (answer.cookie) headers['set-cookie'] = answer.cookie;
    return { status: 302, headers, body: '' };
  }
  const problem = PROBLEMS[answer.status];
  const headers: Record<string, string> = { 'cache-control': 'no-store', 'x-robots-tag': 'noindex' };
  if (answer.status !== 404) headers['retry-after'] = String(answer.retryAfterSeconds);
  if (accept?.includes('text/html')) {
    headers['content-type'] = 'text/html; charset=utf-8';
    return { status: answer.status, headers, body: PAGES[answer.status] };
  }
  headers['content-type'] = 'application/json';
  return { status: answer.status, headers, body: JSON.stringify({ error: { code: problem.code, message: problem.message, requestId } }) };
}
