import { and, eq } from 'drizzle-orm';
import { markets } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { assertCountryInScope, loadProgramInScope, type Program } from '../../core/auth/scope.js';
import { ForbiddenError, ValidationError } from '../../errors.js';

/**
 * Who may edit a country's texts: admins of the tenant (every country), regional managers (their
 * countries, 403 `out_of_scope` for others) and jobs. Affiliates, members and merchant API keys
 * may read overrides but never write them: local copy is the local team's.
 */
export async function loadEditableCountry(ctx: ServiceContext, programId: string, country: string): Promise<Program> {
  const program = await loadProgramInScope(ctx, programId);
  const { actor } = ctx;
  const staff = actor.kind === 'system' || (actor.kind === 'user' && (actor.role === 'admin' || actor.role === 'regional_manager'));
  if (!staff) throw new ForbiddenError('Only administrators and regional managers edit translations.');
  assertCountryInScope(actor, country);
  const [market] = await ctx.db
    .select({ id: markets.id })
    .from(markets)
    .where(and(eq(markets.programId, program.id), eq(markets.country, country)));
  if (!market) throw new ValidationError([{ field: 'country', reason: `${country} is not a market of this program` }]);
  return program;
}
