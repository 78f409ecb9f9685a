import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { members, programs } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { Actor } from './actor.js';

/**
 * Data scope, in one place. Route declarations say WHICH principals may call an operation
 * (src/api/openapi.ts); these functions say WHICH ROWS each principal may touch:
 * - admin: everything in their tenant;
 * - regional_manager: their tenant's programs, and members and markets in their countries;
 * - api_key: its one program;
 * - affiliate / member: their own member record in their own program;
 * - system (jobs): everything.
 * Anything out of scope is reported as not found, so ids cannot be probed.
 */
export type Program = typeof programs.$inferSelect;
export type Member = typeof members.$inferSelect;

export function programVisibleTo(actor: Actor, program: Pick<Program, 'id' | 'tenantId'>): boolean {
  switch (actor.kind) {
    case 'system':
      return true;
    case 'api_key':
      return actor.programId === program.id;
    case 'user':
      if (actor.tenantId !== program.tenantId) return false;
      if (actor.role === 'affiliate' || actor.role === 'member') return actor.programId === program.id;
      return true;
  }
}

/** The program, if the actor may see it; NotFoundError otherwise. */
export async function loadProgramInScope(ctx: ServiceContext, programId: string): Promise<Program> {
  const [program] = await ctx.db.select().from(programs).where(eq(programs.id, programId));
  if (!program || !programVisibleTo(ctx.actor, program)) throw new NotFoundError('Program', programId);
  return program;
}

export function memberVisibleTo(actor: Actor, member: Pick<Member, 'id' | 'programId' | 'country'>, program: Pick<Program, 'id' | 'tenantId'>): boolean {
  if (!programVisibleTo(actor, program) || member.programId !== program.id) return false;
  if (actor.kind !== 'user') return true;
  switch (actor.role) {
    case 'admin':
      return true;
    case 'regional_manager':
      return member.country !== null && actor.countries.includes(member.country);
    case 'affiliate':
    case 'member':
      return actor.memberId === member.id;
  }
}

/** The member, if the actor may see it; NotFoundError otherwise. */
export async function loadMemberInScope(ctx: ServiceContext, programId: string, memberId: string): Promise<{ program: Program; member: Member }> {
  // One round trip for both rows: this sits on hot paths such as every points ledger write.
  const [row] = await ctx.db
    .select({ program: programs, member: members })
    .from(programs)
    .leftJoin(members, and(eq(members.id, memberId), eq(members.programId, programs.id)))
    .where(eq(programs.id, programId));
  if (!row || !programVisibleTo(ctx.actor, row.program)) throw new NotFoundError('Program', programId);
  const { program, member } = row;
  if (!member || !memberVisibleTo(ctx.actor, member, program)) throw new NotFoundError('Member', memberId);
  return { program, member };
}

/** A WHERE fragment limiting a members query to what the actor may see (program already checked). */
export function memberScopeCondition(actor: Actor): SQL | undefined {
  if (actor.kind !== 'user') return undefined;
  switch (actor.role) {
    case 'admin':
      return undefined;
    case 'regional_manager':
      return actor.countries.length ? inArray(members.country, actor.countries) : sql`false`;
    case 'affiliate':
    case 'member':
      return eq(members.id, actor.memberId);
  }
}

/** Regional managers act only on their countries; anyone else in the program may. */
export function assertCountryInScope(actor: Actor, country: string): void {
  if (actor.kind === 'user' && actor.role === 'regional_manager' && !actor.countries.includes(country)) {
    throw new ForbiddenError(`Country ${country} is outside your regions.`, 'out_of_scope');
  }
}

/** Only staff (admin, regional manager), merchant servers and jobs may change program-wide things. */
export function assertStaff(actor: Actor): void {
  if (actor.kind === 'user' && (actor.role === 'affiliate' || actor.role === 'member')) {
    throw new ForbiddenError();
  }
}

/**
 * Tenant-wide administration (users, programs): admins only. Returns the tenant acted on; the
 * system actor (seed, CLI) names it explicitly.
 */
export function assertTenantAdmin(actor: Actor, systemTenantId?: string): string {
  if (actor.kind === 'user' && actor.role === 'admin') return actor.tenantId;
  if (actor.kind === 'system' && systemTenantId) return systemTenantId;
  throw new ForbiddenError('Only an administrator of the tenant may do this.');
}
