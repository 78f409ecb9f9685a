import { ConflictError, DomainError, UnprocessableError } from '../../errors.js';

/** Stripe is not configured (no STRIPE_SECRET_KEY): payouts are settled by hand, nothing connects. */
export const manualModeError = () =>
  new ConflictError('Payouts run in manual mode: no Stripe secret key is configured, so affiliates cannot connect a Stripe account.', 'payouts_manual_mode');

/**
 * A Stripe API failure as one of our errors: Stripe refusing the request (4xx) is 422
 * `stripe_request_failed` with Stripe's message; Stripe or the network failing is 503
 * `stripe_unavailable`, worth retrying. Anything else is rethrown as it is.
 */
export function stripeFailure(err: unknown): unknown {
  const e = err as { type?: string; statusCode?: number; code?: string; message?: string; param?: string };
  if (typeof e?.type !== 'string' || !e.type.startsWith('Stripe')) return err;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 && e.statusCode !== 429 && e.statusCode !== 409) {
    return new UnprocessableError('stripe_request_failed', `Stripe refused the request: ${e.message ?? 'unknown error'}`, { stripeCode: e.code ?? null, param: e.param ?? null });
  }
  return new DomainError('stripe_unavailable', 'Stripe could not be reached or failed; try again in a moment.', { stripeType: e.type });
}

/** Runs a Stripe call, turning its failures into our errors (see stripeFailure). */
export async function callStripe<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw stripeFailure(err);
  }
}
