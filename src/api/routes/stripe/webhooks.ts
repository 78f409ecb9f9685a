import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { systemActor } from '../../../core/auth/actor.js';
import { receiveStripeEvent, verifyStripeEvent } from '../../../payouts/stripe/webhooks.js';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';
import { json } from '../members/schemas.js';

const StripeWebhookAnswerSchema = z
  .object({
    received: z.literal(true),
    eventId: z.string().openapi({ example: 'evt_1NG8Du2eZvKYlo2CUI79vXWy' }),
    duplicate: z.boolean().openapi({ description: 'True for a delivery of an event already received; it is not handled again.' }),
  })
  .openapi('StripeWebhookAnswer');

export const receiveStripeWebhookRoute = defineRoute({
  method: 'post',
  path: '/v1/stripe/webhooks',
  operationId: 'receiveStripeWebhook',
  tags: ['Payouts'],
  summary: 'Stripe webhook endpoint',
  description:
    'For Stripe only: the event JSON exactly as Stripe sent it, authenticated by its `Stripe-Signature` header (STRIPE_WEBHOOK_SECRET), not by a token. ' +
    'Each event is stored once and handled by a job (`account.updated`, `transfer.reversed`, `payout.failed`, `payout.paid`; other types are stored and ignored). ' +
    'A bad or missing signature is 400 `invalid_stripe_signature`; without a configured secret, 503 `stripe_webhooks_not_configured`. See docs/stripe.md.',
  access: 'public',
  request: { headers: z.object({ 'stripe-signature': z.string().optional().openapi({ description: 't=<timestamp>,v1=<HMAC-SHA256 of the body>' }) }) },
  responses: { 200: json(StripeWebhookAnswerSchema, 'Received (or received before).') },
});

export function registerReceiveStripeWebhook(app: OpenAPIHono<AppEnv>) {
  return app.openapi(receiveStripeWebhookRoute, async (c) => {
    const deps = c.get('deps');
    // The signature covers the exact bytes: read them raw, never a parsed and re-serialised body.
    const raw = Buffer.from(await c.req.arrayBuffer());
    const event = verifyStripeEvent(deps.config.STRIPE_WEBHOOK_SECRET, raw, c.req.header('stripe-signature'));
    const ctx = { db: deps.db, actor: systemActor('stripe.webhook'), logger: c.get('logger'), clock: deps.clock, jobs: deps.jobs, secrets: deps.secrets, requestId: c.get('requestId') };
    const received = await receiveStripeEvent(ctx, event);
    return c.json({ received: true as const, eventId: received.id, duplicate: !received.stored }, 200);
  });
}
