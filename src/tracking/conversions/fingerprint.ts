import { createHash } from 'node:crypto';
import { requestHash } from '../../core/points/views.js';
import type { ParsedTrackConversion } from './input.js';

/**
 * The fingerprint of what the merchant reported, to tell a replay from a reused externalId. The
 * email counts by its hash (so `email` and `emailHash` of one address are the same report); the IP
 * does not count at all (a retry may leave from another proxy, and it is no part of the sale).
 */
export function trackFingerprintPayload(input: ParsedTrackConversion, emailHash: string | null): Record<string, unknown> {
  return {
    op: 'track',
    kind: input.kind,
    occurredAt: input.occurredAt ? new Date(input.occurredAt) : null,
    amount: input.amount ?? null,
    currency: input.currency ?? null,
    completed: input.kind === 'sale' ? (input.completed ?? true) : null,
    clickId: input.clickId ?? null,
    cookie: input.cookie ?? null,
    promoCode: input.promoCode ?? null,
    customer: { externalId: input.customer?.externalId ?? null, emailHash },
    country: input.country ?? null,
    metadata: input.metadata ?? {},
  };
}

const j = JSON.stringify;

/**
 * requestHash(trackFingerprintPayload(...)), which stored conversions carry; every track call
 * computes it. Without metadata (the common case) the payload's keys are fixed, so its sorted
 * JSON is written out here in requestHash's key order instead of sorted per call; a unit test
 * holds the two equal.
 */
export function trackFingerprint(input: ParsedTrackConversion, emailHash: string | null): string {
  const metadata = input.metadata;
  if (metadata && Object.keys(metadata).length > 0) return requestHash(trackFingerprintPayload(input, emailHash));
  const text =
    `{"amount":${j(input.amount ?? null)},"clickId":${j(input.clickId ?? null)},` +
    `"completed":${j(input.kind === 'sale' ? (input.completed ?? true) : null)},"cookie":${j(input.cookie ?? null)},` +
    `"country":${j(input.country ?? null)},"currency":${j(input.currency ?? null)},` +
    `"customer":{"emailHash":${j(emailHash)},"externalId":${j(input.customer?.externalId ?? null)}},` +
    `"kind":${j(input.kind)},"metadata":{},"occurredAt":${j(input.occurredAt ? new Date(input.occurredAt).toISOString() : null)},` +
    `"op":"track","promoCode":${j(input.promoCode ?? null)}}`;
  return createHash('sha256').update(text).digest('hex');
}
