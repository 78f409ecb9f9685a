import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { z } from 'zod';
import { stripeEvents } from '../../../db/schema/index.js';
import { withTransaction, enqueueAfterCommit, type ServiceContext } from '../../context.js';
import { assertStorableInput, parseInput } from '../../core/validation.js';
import { BadRequestError, DomainError } from '../../errors.js';

/**
 * The door for Stripe's webhooks: the signature is checked on the exact bytes Stripe sent, the
 * event is stored once (its id is the key) and a job handles it. Stripe retries a delivery until
 * it gets a 2xx and may deliver an event more than once; a replay finds the stored row and is
 * answered 200 without being handled again.
 */

/**
 * What the event store reads of an event; the rest is stored as Stripe sent it. A signature proves
 * who sent the bytes, not that they are an event: anyone holding the secret (or a Stripe bug) can sign `false`.
 */
const StoredEventSchema = z
  .object({
    id: z.string().min(1).max(255),
    type: z.string().min(1).max(255),
    // Seconds; within what a timestamp column holds.
    created: z.number().int().min(0).max(253_402_300_799),
    account: z.string().max(255).nullish(),
    livemode: z.boolean().optional(),
  })
  .passthrough();

export interface ReceivedEvent {
  id: string;
  type: string;
  /** False when the event was stored before (a replayed delivery). */
  stored: boolean;
}

/**
 * The verified event, checked to be an event the store can hold (StoredEventSchema, storable
 * input). `secrets` is STRIPE_WEBHOOK_SECRET: one signing secret, or several separated by commas,
 * because Stripe gives each endpoint its own (one for the platform's events, one for the connected
 * accounts' events) and a rolled secret overlaps the old one for a while.
 */
export function verifyStripeEvent(secrets: string | undefined, rawBody: Buffer, signature: string | undefined): Stripe.Event {
  // A request without a signature is not from Stripe, whatever this server's configuration.
  if (!signature) throw new BadRequestError('The Stripe-Signature header is missing.', 'invalid_stripe_signature');
  const candidates = (secrets ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!candidates.length) throw new DomainError('stripe_webhooks_not_configured', 'Stripe webhooks are not configured on this server: set STRIPE_WEBHOOK_SECRET to the endpoint’s signing secret.');
  let failure: unknown;
  for (const secret of candidates) {
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(rawBody, signature, secret);
    } catch (err) {
      failure = err;
      continue;
    }
    parseInput(StoredEventSchema, event);
    assertStorableInput(event);
    return event;
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
