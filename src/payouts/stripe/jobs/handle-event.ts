import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { z } from 'zod';
import { stripeEvents } from '../../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../../context.js';
import { systemActor } from '../../../core/auth/actor.js';
import { defineJob } from '../../../jobs/types.js';
import { stripeClient } from '../client.js';
import { APPLIED_OUTCOMES, stripeEventHandlers } from './event-handlers.js';

/**
 * Handles one stored Stripe event (webhooks.ts stores it, then enqueues this with the event id as
 * job id). The event is marked processed in the transaction that applies its effect, under the
 * event's row lock, so a redelivered or retried event is applied once. Failures (Stripe down, a
 * payout still being settled) retry with backoff and leave the event unprocessed.
 */
export async function handleStripeEvent(ctx: ServiceContext, stripe: Stripe | null, eventId: string): Promise<string> {
  const [stored] = await ctx.db.select().from(stripeEvents).where(eq(stripeEvents.id, eventId));
  if (!stored) return 'unknown_event';
  if (stored.processedAt) return 'already_processed';
  const event = stored.payload as unknown as Stripe.Event;
  const handler = stripeEventHandlers[stored.type];
  const fetched = handler?.fetch ? await handler.fetch(stripe, event) : undefined;
  return await withTransaction(ctx, async (tx) => {
    const [row] = await tx.db.select({ processedAt: stripeEvents.processedAt }).from(stripeEvents).where(eq(stripeEvents.id, eventId)).for('update');
    if (row?.processedAt) return 'already_processed';
    const outcome = handler ? await handler.apply(tx, event, fetched) : 'unhandled_type';
    await tx.db
      .update(stripeEvents)
      .set({ processedAt: tx.clock(), error: APPLIED_OUTCOMES.has(outcome) ? null : `ignored: ${outcome}` })
      .where(eq(stripeEvents.id, eventId));
    tx.logger.debug({ eventId, type: stored.type, outcome }, 'stripe event handled');
    return outcome;
  });
}

export const handleStripeEventJob = defineJob({
  name: 'stripe.handle-event',
  payload: z.object({ eventId: z.string().min(1).max(255) }),
  attempts: 8,
  async handler(deps, { eventId }) {
    await handleStripeEvent({ ...deps, actor: systemActor('stripe.handle-event') }, stripeClient(deps.config), eventId);
  },
});
