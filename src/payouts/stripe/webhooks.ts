import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { stripeEvents } from '../../../db/schema/index.js';
import { withTransaction, enqueueAfterCommit, type ServiceContext } from '../../context.js';
import { BadRequestError, DomainError } from '../../errors.js';

/**
 * The door for Stripe's webhooks: the signature is checked on the exact bytes Stripe sent, the
 * event is stored once (its id is the key) and a job handles it. Stripe retries a delivery until
 * it gets a 2xx and may deliver an event more than once; a replay finds the stored row and is
 * answered 200 without being handled again.
 */

export interface ReceivedEvent {
  id: string;
  type: string;
  /** False when the event was stored before (a replayed delivery). */
  stored: boolean;
}

/**
 * The verified event. `secrets` is STRIPE_WEBHOOK_SECRET: one signing secret, or several separated
 * by commas, because Stripe gives each endpoint its own (one for the platform's events, one for
 * the connected accounts' events) and a rolled secret overlaps the old one for a while.
 */
export function verifyStripeEvent(secrets: string | undefined, rawBody: Buffer, signature: string | undefined): Stripe.Event {
  // A request without a signature is not from Stripe, whatever this server's configuration.
  if (!signature) throw new BadRequestError('The Stripe-Signature header is missing.', 'invalid_stripe_signature');
  const candidates = (secrets ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!candidates.length) throw new DomainError('stripe_webhooks_not_configured', 'Stripe webhooks are not configured on this server: set STRIPE_WEBHOOK_SECRET to the endpoint’s signing secret.');
  let failure: unknown;
  for (const secret of candidates) {
    try {
      return Stripe.webhooks.constructEvent(rawBody, signature, secret);
    } catch (err) {
      failure = err;
    }
  }
  // Stripe's message says what is wrong (no matching signature, timestamp outside the tolerance) without revealing a secret.
  throw new BadRequestError(`The Stripe-Signature header does not verify: ${(failure as Error).message.split('\n')[0]}`, 'invalid_stripe_signature');
}

export async function receiveStripeEvent(ctx: ServiceContext, event: Stripe.Event): Promise<ReceivedEvent> {
  return await withTransaction(ctx, async (tx) => {
    const [inserted] = await tx.db
      .insert(stripeEvents)
      .values({
        id: event.id,
        type: event.type,
        account: event.account ?? null,
        livemode: event.livemode === true,
        payload: event as unknown as Record<string, unknown>,
        stripeCreatedAt: new Date(event.created * 1000),
      })
      .onConflictDoNothing()
      .returning({ id: stripeEvents.id });
    // A replay of an event not yet handled (its job lost with a crashed process) is queued again; the job id dedupes the rest.
    const [row] = await tx.db.select({ processedAt: stripeEvents.processedAt }).from(stripeEvents).where(eq(stripeEvents.id, event.id));
    if (row && !row.processedAt) await enqueueAfterCommit(tx, 'stripe.handle-event', { eventId: event.id }, { jobId: event.id });
    return { id: event.id, type: event.type, stored: inserted !== undefined };
  });
}
