import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createRedirectHandler, type RedirectHandler } from '../../../tracking/redirect/handler.js';
import { renderAnswer } from '../../../tracking/redirect/render.js';
import { socketAddress } from '../../client-address.js';
import type { AppDeps, AppEnv } from '../../env.js';
import { ErrorEnvelopeSchema } from '../../errors.js';
import { defineRoute } from '../../openapi.js';

const passThrough = (description: string) => z.string().optional().openapi({ description });

const FollowLinkQuery = z.object({
  sub1: passThrough('Affiliate sub-id, appended to the destination and stored with the click (values over 200 characters are dropped).'),
  sub2: passThrough('Affiliate sub-id.'),
  sub3: passThrough('Affiliate sub-id.'),
  sub4: passThrough('Affiliate sub-id.'),
  sub5: passThrough('Affiliate sub-id.'),
  utm_source: passThrough('Any `utm_*` parameter is passed through to the destination, overriding the link’s own.'),
  utm_medium: passThrough('Passed through.'),
  utm_campaign: passThrough('Passed through.'),
  utm_term: passThrough('Passed through.'),
  utm_content: passThrough('Passed through.'),
});

const pageOrEnvelope = (description: string, retryAfter: boolean) => ({
  description,
  ...(retryAfter ? { headers: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' as const } } } } : {}),
  content: {
    'text/html': { schema: z.string().openapi({ description: 'A small page, for browsers (Accept: text/html).' }) },
    'application/json': { schema: ErrorEnvelopeSchema },
  },
});

export const followLinkRoute = defineRoute({
  method: 'get',
  path: '/r/{slug}',
  operationId: 'followLink',
  tags: ['Links'],
  summary: 'Follow a referral link',
  description:
    'Redirects to the link’s destination (per visitor country when overridden) with `trellis_click=<click id>` appended and ' +
    'sets the cookie `trellis_<programId>=<click id>` for the program’s attribution window; the click is recorded. HEAD and ' +
    'prefetch/preview requests get the redirect without a click id, cookie or record. An archived link redirects to the ' +
    'program’s fallback URL. The link is looked up on the request host first, then on the shared domain.',
  access: 'public',
  request: {
    params: z.object({ slug: z.string().openapi({ param: { name: 'slug', in: 'path' }, example: 'demo' }) }),
    query: FollowLinkQuery,
  },
  responses: {
    302: {
      description: 'To the destination (or the fallback URL of an archived link).',
      headers: {
        Location: { description: 'The destination with parameters and `trellis_click`.', schema: { type: 'string' as const } },
        'Set-Cookie': { description: '`trellis_<programId>=<click id>; Path=/; Max-Age=…; SameSite=Lax; HttpOnly[; Secure]`', schema: { type: 'string' as const } },
      },
    },
    404: pageOrEnvelope('No such link (or archived without a fallback URL).', false),
    429: pageOrEnvelope('The per-IP redirect limit (REDIRECT_RATE_LIMIT_PER_MINUTE) is exceeded.', true),
    503: pageOrEnvelope('The link is not cached and the database does not answer.', true),
  },
});

// One handler per app: it holds the precomputed config the redirect reads on every request.
const handlers = new WeakMap<AppDeps, RedirectHandler>();

function handlerFor(c: Context<AppEnv>): RedirectHandler {
  const deps = c.get('deps');
  let handler = handlers.get(deps);
  if (!handler) handlers.set(deps, (handler = createRedirectHandler({ tracking: deps.tracking, config: deps.config, clock: deps.clock, logger: deps.logger.child({ component: 'redirect' }) })));
  return handler;
}

/** The same core as the node:http fast path (src/tracking/redirect/node-listener.ts), behind Hono. */
export function registerFollowLink(app: OpenAPIHono<AppEnv>) {
  return app.openapi(followLinkRoute, async (c) => {
    const url = c.req.url;
    const q = url.indexOf('?');
    const headers = c.req.raw.headers;
    const answer = await handlerFor(c)({
      method: c.req.method,
      slug: c.req.param('slug'),
      host: headers.get('host') ?? new URL(url).host,
      query: q === -1 ? '' : url.slice(q + 1),
      header: (name) => headers.get(name) ?? undefined,
      socketAddress: socketAddress(c) ?? '0.0.0.0',
      socketTls: url.startsWith('https:'),
    });
    const rendered = renderAnswer(answer, headers.get('accept') ?? undefined, c.get('requestId'), headers.get('accept-language') ?? undefined);
    return new Response(rendered.body || null, { status: rendered.status, headers: rendered.headers }) as never;
  });
}
