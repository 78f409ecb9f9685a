import type { Context } from 'hono';
import type { ServiceContext } from '../../../context.js';
import { ForbiddenError } from '../../../errors.js';
import { assertMerchantSignature, SIGNATURE_HEADER } from '../../../tracking/conversions/signature.js';
import type { AppEnv } from '../../env.js';
import { serviceContext } from '../../openapi.js';

/**
 * The preamble of every merchant call: the API key's program, and its signature checked (a
 * present one must be valid; a missing one only passes while the program does not require it).
 */
export async function merchantCall(c: Context<AppEnv>): Promise<{ ctx: ServiceContext; programId: string }> {
  const ctx = serviceContext(c);
  const actor = ctx.actor;
  if (actor.kind !== 'api_key') throw new ForbiddenError('Conversions are reported with the program’s API key.');
  await assertMerchantSignature(ctx, {
    keyId: actor.keyId,
    header: c.req.header(SIGNATURE_HEADER),
    rawBody: () => c.req.text(),
    keys: c.get('deps').tracking.apiKeys,
  });
  return { ctx, programId: actor.programId };
}

/** Replays carry this header, as Stripe's API does, so a client can tell one from a first answer. */
export const REPLAY_HEADER = 'Idempotent-Replayed';
