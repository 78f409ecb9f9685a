import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { negotiateLocale } from '../../../i18n/negotiate.js';
import { translatorFor } from '../../../i18n/overrides/translator.js';
import { translator } from '../../../i18n/translate.js';
import { findInviteLanding } from '../../../tracking/invites/landing.js';
import { INVITE_PAGE_STYLE, renderInviteLanding, renderInviteNotFound } from '../../../tracking/invites/landing-page.js';
import type { AppEnv } from '../../env.js';
import { serverPageSecurityHeaders } from '../../security-headers.js';
import { defineRoute } from '../../openapi.js';
import { NotFoundError } from '../../../errors.js';

export const inviteLandingRoute = defineRoute({
  method: 'get',
  path: '/i/{slug}',
  operationId: 'getInviteLanding',
  tags: ['Links'],
  summary: 'A member’s invite page',
  description:
    'The page a friend opens from a member’s invite: who invites them, to which program, and the points they get. ' +
    'Its button follows `/r/{slug}`, so the visit is counted and attributed like the invite link itself. ' +
    'The language is negotiated (`?lang=`, the `trellis_lang` cookie, Accept-Language), else the inviter’s market default; ' +
    'texts the inviter’s regional managers overrode (namespace `invite`) replace the shipped ones. ' +
    'An unknown, archived or non-invite slug is a 404: a page for browsers (Accept: text/html), else the error envelope.',
  access: 'public',
  request: { params: z.object({ slug: z.string().min(1).max(64).openapi({ param: { name: 'slug', in: 'path' }, example: 'x7Gq2LmP' }) }) },
  responses: {
    200: { description: 'The invite page.', content: { 'text/html': { schema: z.string() } } },
  },
});

export function registerInviteLanding(app: OpenAPIHono<AppEnv>) {
  // Nothing but its stylesheet; its button to /r/{slug} keeps the referrer (same origin), other sites get none.
  app.use('/i/:slug', serverPageSecurityHeaders(INVITE_PAGE_STYLE, 'same-origin'));
  app.openapi(inviteLandingRoute, async (c) => {
    const { db } = c.get('deps');
    const sources = { query: c.req.query('lang'), cookie: c.req.header('cookie'), acceptLanguage: c.req.header('accept-language') };
    const invite = await findInviteLanding(db, new URL(c.req.url).hostname.toLowerCase(), c.req.valid('param').slug);
    c.header('cache-control', 'private, no-store');
    c.header('x-robots-tag', 'noindex');
    c.header('vary', 'accept-language, cookie');
    if (!invite) {
      // People get a page in their language; scripts get the API's error envelope, as on /r/{slug}.
      if (!c.req.header('accept')?.includes('text/html')) throw new NotFoundError('Invite link', c.req.valid('param').slug);
      const { locale } = negotiateLocale(sources);
      c.header('content-language', locale);
      return c.html(renderInviteNotFound(translator(locale), locale), 404);
    }
    const { locale } = negotiateLocale(sources, invite.marketLocale);
    const t = await translatorFor(db, { programId: invite.programId, country: invite.country, locale });
    c.header('content-language', locale);
    return c.html(renderInviteLanding(invite, t, locale), 200);
  });
}
