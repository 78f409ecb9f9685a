import type { OpenAPIHono } from '@hono/zod-openapi';
import { OnboardingInputSchema } from '../../../payouts/accounts/input.js';
import { startOnboarding } from '../../../payouts/accounts/onboarding.js';
import { stripeClient } from '../../../payouts/stripe/client.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { publicBaseUrl } from '../links/schemas.js';
import { json, MemberParams, PayoutAccountOnboardingSchema } from './schemas.js';

export const startPayoutAccountOnboardingRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/affiliates/{memberId}/payout-account/onboarding',
  operationId: 'startPayoutAccountOnboarding',
  tags: ['Payouts'],
  summary: 'Connect a Stripe account (onboarding link)',
  description:
    'Creates the affiliate’s Stripe Express account on the first call (later calls reuse it) and answers a fresh link to Stripe’s onboarding form. ' +
    'The affiliate themselves or an admin. 409 `payouts_manual_mode` when no Stripe key is configured; 422 `stripe_request_failed` when Stripe refuses.',
  access: ['admin', 'affiliate'],
  request: { params: MemberParams, body: { required: false, content: { 'application/json': { schema: OnboardingInputSchema } } } },
  responses: { 200: json(PayoutAccountOnboardingSchema, 'The account and where to send the affiliate.') },
});

export function registerStartPayoutAccountOnboarding(app: OpenAPIHono<AppEnv>) {
  return app.openapi(startPayoutAccountOnboardingRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, memberId } = c.req.valid('param');
    const body = c.req.valid('json') ?? {};
    const page = `${publicBaseUrl(c)}/affiliate/payouts`;
    const input = { returnUrl: body.returnUrl ?? `${page}?stripe=return`, refreshUrl: body.refreshUrl ?? `${page}?stripe=refresh` };
    return c.json(await startOnboarding(ctx, stripeClient(c.get('deps').config), programId, memberId, input), 200);
  });
}
