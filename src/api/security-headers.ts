import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { inlineSource, serverPageDirectives, type CspDirectives } from '../html-page-policy.js';
import { STATEMENT_STYLE } from '../payouts/statements/html.js';
import { DOCS_SCRIPT, DOCS_STYLE } from './docs-page.js';

/**
 * Security headers of everything Hono answers (hono/secure-headers). Every response: nosniff,
 * X-Frame-Options DENY, no referrer, and secure-headers' other defaults except HSTS (the TLS
 * proxy in front of Trellis knows whether every host it serves is HTTPS-only). Pages add a
 * Content-Security-Policy as tight as each allows. The redirect's responses are left out: their
 * headers are precomputed in src/tracking/redirect/render.ts, shared with the node:http fast path.
 */

type ReferrerPolicy = 'no-referrer' | 'same-origin';

const common = (referrerPolicy: ReferrerPolicy) => ({ xFrameOptions: 'DENY', referrerPolicy, strictTransportSecurity: false }) as const;

const everyResponse = secureHeaders({
  ...common('no-referrer'),
  // A page's own middleware ran inside this one and set its headers first: keep them.
  overwrite: false,
});

/** For every request except the redirect's (`/r/...`). */
export const apiSecurityHeaders: MiddlewareHandler = (c, next) => (c.req.path.startsWith('/r/') ? next() : everyResponse(c, next));

function page(directives: CspDirectives, referrerPolicy: ReferrerPolicy): MiddlewareHandler {
  return secureHeaders({ ...common(referrerPolicy), contentSecurityPolicy: directives });
}

/**
 * The dashboards (Vite build): scripts, styles and API calls from this origin only; images also
 * as data: URLs (QR codes); no eval. A payout statement is shown in a sandboxed srcdoc frame,
 * which inherits this policy, so its stylesheet is allowed by hash. Links within the app keep
 * their referrer; other sites get none.
 */
export const dashboardSecurityHeaders = page(
  {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", inlineSource(STATEMENT_STYLE)],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  'same-origin',
);

/** A server-rendered page with one inline stylesheet and nothing else (invite pages, statements). */
export const serverPageSecurityHeaders = (style: string, referrerPolicy: ReferrerPolicy = 'no-referrer') => page(serverPageDirectives(style), referrerPolicy);

/** The API reference: its one inline script (which reads /openapi.json) and stylesheet, by hash. */
export const docsSecurityHeaders = page(
  {
    defaultSrc: ["'none'"],
    scriptSrc: [inlineSource(DOCS_SCRIPT)],
    styleSrc: [inlineSource(DOCS_STYLE)],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
  'same-origin',
);
