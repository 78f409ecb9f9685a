import { and, eq } from 'drizzle-orm';
import { conversions, programs } from '../../../db/schema/index.js';
import { enqueueAfterCommit, withTransaction, type ServiceContext } from '../../context.js';
import { normalizeEmail } from '../../core/members/member-input.js';
import { parseInput } from '../../core/validation.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { insertPrepared, prepareLogEntry } from '../../transparency/entries/append.js';
import { conversionAcceptedEntry } from '../../transparency/entries/conversion.js';
import { saltOf } from '../../transparency/entries/salts.js';
import type { IpHasher } from '../types.js';
import { resolveCustomer, type CustomerIdentity } from './customers.js';
import { emailHashKeyOf, keyedEmailHash, keyedLegacyFingerprint } from './email-hash.js';
import { trackFingerprint } from './fingerprint.js';
import { CLOCK_SKEW_MS, hashEmail, TrackConversionInputSchema, type ParsedTrackConversion, type TrackConversionInput } from './input.js';
import { recordConversion, type NewConversion } from './intake.js';
import { assertMerchantOf } from './store.js';
import type { ConversionRow } from './types.js';
import { conversionView, type ConversionView } from './views.js';

export interface TrackedConversion {
  conversion: ConversionView;
  /** True when this was a replay of an earlier call with the same externalId and payload. */
  replayed: boolean;
  /** The conversion's `conversion.accepted` log entry, which the receipt names (the same on a replay). */
  accepted: { leafHash: Uint8Array; recordedAt: Date };
}

/** Enqueues processing (attribution, fraud rules, commission, rewards); the conversion id dedupes it. */
export async function enqueueConversionProcessing(ctx: ServiceContext, conversionId: string): Promise<void> {
  await enqueueAfterCommit(ctx, 'conversions.process', { conversionId }, { jobId: conversionId });
}

async function existingConversion(ctx: ServiceContext, programId: string, externalId: string): Promise<ConversionRow> {
  const [row] = await ctx.db
    .select()
    .from(conversions)
    .where(and(eq(conversions.programId, programId), eq(conversions.externalId, externalId)));
  if (!row) throw new Error(`conversion ${externalId} vanished`);
  return row;
}

/**
 * Enqueues processing of a conversion that is stored, without holding up the answer: the job
 * waits for its merge window and Redis (jobs/merge-gate.ts), and the merchant need not. The job is
 * handed to the runner before this returns (shutdown sends it); should it be lost, as after a
 * commit, sweep-unprocessed enqueues the conversion again.
 */
function enqueueAccepted(ctx: ServiceContext, conversionId: string): void {
  enqueueConversionProcessing(ctx, conversionId).catch((err: unknown) => {
    ctx.logger.error({ err, conversionId }, 'conversion recorded but its processing not enqueued');
  });
}

/**
 * What a call's payload is fingerprinted as: `hash` as stored now; `legacy` as boot re-keyed the
 * fingerprint of a conversion accepted before email hashes were keyed (email-hash.ts), computed
 * only when `hash` does not match.
 */
interface Fingerprints {
  hash: string;
  legacy: (() => string) | null;
}

/**
 * A replay returns the stored conversion; the same externalId with another payload is a conflict.
 * Its log entry is rebuilt, not read: it is deterministic from the stored row and the payload,
 * which the fingerprint just proved is the first call's.
 */
async function replay(ctx: ServiceContext, programId: string, externalId: string, fingerprints: Fingerprints, accepted: { completed: boolean; programSalt: Buffer }): Promise<TrackedConversion> {
  const existing = await existingConversion(ctx, programId, externalId);
  if (existing.requestHash !== fingerprints.hash && existing.requestHash !== fingerprints.legacy?.()) {
    throw new ConflictError('A conversion with this externalId was already reported with different details.', 'idempotency_key_reused', { externalId });
  }
  // Should the first enqueue have been lost, the replay brings the processing back.
  if (!existing.processedAt) enqueueAccepted(ctx, existing.id);
  const { leafHash } = prepareLogEntry(conversionAcceptedEntry(existing, accepted.completed, null, accepted.programSalt));
  return { conversion: conversionView(existing), replayed: true, accepted: { leafHash, recordedAt: existing.createdAt } };
}

/**
 * Records a signup or sale the merchant reports and enqueues its processing; answers at once. The
 * externalId is the idempotency key: a replay with the same payload returns the conversion (as it
 * is now), another payload is 409 `idempotency_key_reused`. The email is hashed here (keyed with
 * the tenant's key, email-hash.ts) and the raw address only used, in memory, to find the member it
 * belongs to.
 */
export async function trackConversion(ctx: ServiceContext, programId: string, raw: TrackConversionInput, deps: { ipHasher: IpHasher }): Promise<TrackedConversion> {
  return await trackParsedConversion(ctx, programId, parseInput(TrackConversionInputSchema, raw), deps);
}

/** trackConversion for input already parsed with TrackConversionInputSchema (the route's validator did). */
export async function trackParsedConversion(ctx: ServiceContext, programId: string, input: ParsedTrackConversion, deps: { ipHasher: IpHasher }): Promise<TrackedConversion> {
  assertMerchantOf(ctx, programId);
  const now = ctx.clock();
  const occurredAt = input.occurredAt ? new Date(input.occurredAt) : now;
  if (occurredAt.getTime() > now.getTime() + CLOCK_SKEW_MS) throw new ValidationError([{ field: 'occurredAt', reason: 'must not be in the future' }]);
  const email = input.customer?.email ? normalizeEmail(input.customer.email) : null;
  const emailSha256 = input.customer?.emailHash ?? (email ? hashEmail(email) : null);
  // The API key names its own program; anyone else (jobs, seed, tests) may name one that does not exist.
  let tenantId = ctx.actor.kind === 'api_key' ? ctx.actor.tenantId : null;
  if (ctx.actor.kind === 'system') {
    const [program] = await ctx.db.select({ id: programs.id, tenantId: programs.tenantId }).from(programs).where(eq(programs.id, programId));
    if (!program) throw new NotFoundError('Program', programId);
    tenantId = program.tenantId;
  }
  // Held in memory after the tenant's first conversion: no round trip here.
  const emailKey = emailSha256 === null ? null : await emailHashKeyOf(ctx, tenantId!);
  const emailHmac = emailKey && keyedEmailHash(emailKey, emailSha256!);
  // The fingerprint covers the keyed hash: the stored one must not test a guessed address either.
  const hash = trackFingerprint(input, emailHmac);
  const fingerprints: Fingerprints = { hash, legacy: emailKey && (() => keyedLegacyFingerprint(emailKey, trackFingerprint(input, emailSha256))) };
  const completed = input.kind === 'signup' || (input.completed ?? true);
  const identity: CustomerIdentity = { externalRef: input.customer?.externalId ?? null, emailHmac, emailNormalized: email };
  const values: NewConversion = {
    programId,
    externalId: input.externalId,
    kind: input.kind,
    status: completed ? 'completed' : 'pending',
    occurredAt,
    completedAt: completed ? occurredAt : null,
    amount: input.amount ?? null,
    currency: input.currency ?? null,
    clickId: input.clickId ?? null,
    cookieClickId: input.cookie ?? null,
    promoCode: input.promoCode ?? null,
    customerRef: input.customer?.externalId ?? null,
    emailHmac,
    ipHash: input.ip ? deps.ipHasher.hash(input.ip, now) : null,
    country: input.country ?? null,
    metadata: input.metadata ?? {},
    requestHash: hash,
  };

  // Read once per program and process: a salt never changes.
  const accepted = { completed, programSalt: await saltOf(ctx, programId) };
  // Inside a caller's transaction a failed statement would abort it: the transactional path only.
  const outcome = ctx.afterCommit ? ({ kind: 'fallback' } as const) : await recordConversion(ctx, values, identity, accepted);
  if (outcome.kind === 'created') {
    enqueueAccepted(ctx, outcome.conversion.id);
    return { conversion: conversionView(outcome.conversion), replayed: false, accepted: { leafHash: outcome.logged.leafHash, recordedAt: outcome.conversion.createdAt } };
  }
  if (outcome.kind === 'exists') return await replay(ctx, programId, input.externalId, fingerprints, accepted);

  return await withTransaction(ctx, async (tx) => {
    // The customer first: a replay redoes this for nothing, but a new conversion (the common case)
    // is then written once, with its customer.
    const customer = await resolveCustomer(tx, programId, identity);
    const [created] = await tx.db
      .insert(conversions)
      .values({ ...values, customerId: customer?.id ?? null, createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: [conversions.programId, conversions.externalId] })
      .returning();
    if (created) {
      const logged = prepareLogEntry(conversionAcceptedEntry(created, completed, tenantId, accepted.programSalt));
      await insertPrepared(tx, [logged], created.createdAt);
      await enqueueConversionProcessing(tx, created.id);
      return { conversion: conversionView(created), replayed: false, accepted: { leafHash: logged.leafHash, recordedAt: created.createdAt } };
    }
    return await replay(tx, programId, input.externalId, fingerprints, accepted);
  });
}
