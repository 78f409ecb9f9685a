import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { startFakeStripe, stripeEnvOf, type FakeStripe } from '../../helpers/stripe-server.js';
import { buildPaidPayout } from '../payouts/statement-fixtures.js';

/**
 * No absolute URL is built from the request's Host header, which the client chooses: a link
 * handed out from a request to evil.example would send visitors there. Without PUBLIC_URL every
 * URL starts with the configured default, http://localhost:$PORT.
 */
let h: Harness;
let stripe: FakeStripe;
beforeAll(async () => {
  stripe = await startFakeStripe();
  // PUBLIC_URL unset (whatever the test run's environment says), PORT known.
  h = await createHarness({ env: { PUBLIC_URL: '', PORT: '4123', ...stripeEnvOf(stripe) } });
});
afterAll(async () => {
  await h?.close();
  await stripe?.close();
});

const EVIL = 'evil.example';
/** A request as @hono/node-server builds it for a client that sent `Host: evil.example`. */
const fromEvil = (method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  h.request(method, `http://${EVIL}${path}`, { ...opts, headers: { host: EVIL, 'x-forwarded-host': EVIL, 'x-forwarded-proto': 'https', ...opts.headers } });

describe('absolute URLs', () => {
  it('defaults PUBLIC_URL to http://localhost:$PORT, once, in the configuration', () => {
    expect(h.config.PUBLIC_URL).toBe('http://localhost:4123');
  });

  it('never name the Host header in links, invite links, invite pages, statements or onboarding return URLs', async () => {
    const w = await createWorld(h, { links: {} });
    const seen: string[] = [];
    const keep = (what: string, res: { status: number; body: unknown }) => {
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      seen.push(`${what}: ${typeof res.body === 'string' ? res.body : JSON.stringify(res.body)}`);
      return res;
    };

    const created = keep('link', await fromEvil('POST', `/v1/programs/${w.program.id}/links`, { token: w.affiliate.token, body: { destinationUrl: 'https://shop.example/a' } }));
    expect((created.body as { shortUrl: string }).shortUrl).toBe(`http://localhost:4123/r/${(created.body as { slug: string }).slug}`);
    keep('link list', await fromEvil('GET', `/v1/programs/${w.program.id}/links`, { token: w.affiliate.token }));
    keep('link get', await fromEvil('GET', `/v1/links/${(created.body as { id: string }).id}`, { token: w.affiliate.token }));

    const invite = keep('invite link', await fromEvil('POST', `/v1/programs/${w.program.id}/invite-link`, { token: w.member.token, body: {} }));
    expect((invite.body as { inviteUrl: string }).inviteUrl).toBe(`http://localhost:4123/i/${(invite.body as { slug: string }).slug}`);
    keep('invite page', await fromEvil('GET', `/i/${(invite.body as { slug: string }).slug}`, { headers: { accept: 'text/html' } }));

    const paid = await buildPaidPayout(h, w);
    const statement = keep('statement', await fromEvil('GET', `/v1/programs/${w.program.id}/payouts/${paid.payout.id}/statement?format=html`, { token: w.admin.token }));
    expect(String(statement.body)).toContain('http://localhost:4123/log/checkpoint');

    stripe.reset();
    keep('onboarding', await fromEvil('POST', `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}/payout-account/onboarding`, { token: w.affiliate.token }));
    const link = stripe.requests.find((r) => r.path === '/v1/account_links');
    expect(link?.params).toMatchObject({ return_url: 'http://localhost:4123/affiliate/payouts?stripe=return', refresh_url: 'http://localhost:4123/affiliate/payouts?stripe=refresh' });
    seen.push(`onboarding return URLs: ${JSON.stringify(link?.params)}`);

    expect(seen.filter((s) => s.includes(EVIL))).toEqual([]);
  });
});
