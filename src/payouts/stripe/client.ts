import Stripe from 'stripe';
import type { Config } from '../../config.js';

export type StripeConfig = Partial<Pick<Config, 'STRIPE_SECRET_KEY' | 'STRIPE_API_BASE'>>;

const clients = new Map<string, Stripe>();

/**
 * The Stripe SDK client for this configuration, or null without a secret key (manual payouts).
 * `STRIPE_API_BASE` points the SDK elsewhere (tests run a local Stripe-compatible server); the
 * client keeps its own connection pool, so one is made per key and base and reused.
 */
export function stripeClient(config: StripeConfig | undefined): Stripe | null {
  const key = config?.STRIPE_SECRET_KEY;
  if (!key) return null;
  const base = config.STRIPE_API_BASE ?? 'https://api.stripe.com';
  const cacheKey = `${key}\u0000${base}`;
  let client = clients.get(cacheKey);
  if (!client) {
    const url = new URL(base);
    const protocol = url.protocol === 'http:' ? 'http' : 'https';
    client = new Stripe(key, {
      host: url.hostname,
      port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
      protocol,
      // Our jobs retry with backoff themselves; the SDK's own retries would hide a failure's cause.
      maxNetworkRetries: 0,
      timeout: 20_000,
      telemetry: false,
      appInfo: { name: 'Trellis' },
    });
    clients.set(cacheKey, client);
  }
  return client;
}

/** Payouts go through Stripe when a secret key is configured, else an admin settles them by hand. */
export const payoutMethodOf = (config: StripeConfig | undefined): 'stripe' | 'manual' => (config?.STRIPE_SECRET_KEY ? 'stripe' : 'manual');
