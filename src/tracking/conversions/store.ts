import { and, eq, or, sql } from 'drizzle-orm';
import { conversions, programs } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { ConversionRow } from './types.js';

/** Row access shared by the merchant's conversion calls. */

/**
 * The merchant API acts for one program: an API key's own. The system actor (jobs, seed, tests)
 * may name any program; nobody else reports conversions.
 */
export function assertMerchantOf(ctx: ServiceContext, programId: string): void {
  const actor = ctx.actor;
  if (actor.kind === 'system') return;
  if (actor.kind === 'api_key') {
    // Another program's id is reported like any id the caller cannot see.
    if (actor.programId !== programId) throw new NotFoundError('Program', programId);
    return;
  }
  throw new ForbiddenError('Conversions are reported by the merchant, with the program’s API key.');
}

/**
 * The conversion named by our id (`cnv_...`) or by the merchant's externalId, locked for a change,
 * with its program's tenant (for the audit log). Our id wins should an external id look like one.
 */
export async function lockMerchantConversion(ctx: ServiceContext, programId: string, ref: string): Promise<{ conversion: ConversionRow; tenantId: string }> {
  const [row] = await ctx.db
    .select({ conversion: conversions, tenantId: programs.tenantId })
    .from(conversions)
    .innerJoin(programs, eq(programs.id, conversions.programId))
    .where(and(eq(conversions.programId, programId), or(eq(conversions.id, ref), eq(conversions.externalId, ref))))
    .orderBy(sql`${conversions.id} = ${ref} desc`)
    .limit(1)
    .for('update', { of: conversions });
  if (!row) throw new NotFoundError('Conversion', ref);
  return row;
}
