import { and, eq, inArray, sql, type Column, type SQL } from 'drizzle-orm';
import { members, programs } from '../../../db/schema/index.js';
import { queryRows } from '../../../db/client.js';
import type { ServiceContext } from '../../context.js';
import { batcherPer, MicroBatcher } from '../micro-batcher.js';
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

/**
 * A member the actor names by id in a request body or query (a referrer, a link owner, a partner
 * to filter by), under the same rules as reading that member (memberVisibleTo): undefined when it
 * does not exist and when it lies outside the actor's scope, so callers cannot answer the two
 * differently and a field probes no more than a path would. Every service resolves such ids here.
 */
export async function findNamedMember(ctx: ServiceContext, program: Pick<Program, 'id' | 'tenantId'>, memberId: string): Promise<Member | undefined> {
  const [member] = await ctx.db
    .select()
    .from(members)
    .where(and(eq(members.id, memberId), eq(members.programId, program.id)));
  return member && memberVisibleTo(ctx.actor, member, program) ? member : undefined;
}

/** findNamedMember for a member the request cannot do without: not found (404) otherwise, like a path id. */
export async function loadNamedMember(ctx: ServiceContext, program: Pick<Program, 'id' | 'tenantId'>, memberId: string): Promise<Member> {
  const member = await findNamedMember(ctx, program, memberId);
  if (!member) throw new NotFoundError('Member', memberId);
  return member;
}

/**
 * A list filter on a column holding member ids: matches nothing when the actor may not name that
 * member, exactly as for an id that does not exist. Actors who may name every member of the
 * program need no lookup: equality with a missing id already matches nothing.
 */
export async function namedMemberFilter(ctx: ServiceContext, program: Pick<Program, 'id' | 'tenantId'>, column: Column, memberId: string | undefined): Promise<SQL | undefined> {
  if (memberId === undefined) return undefined;
  const seesWholeProgram = ctx.actor.kind !== 'user' || ctx.actor.role === 'admin';
  if (!seesWholeProgram && !(await findNamedMember(ctx, program, memberId))) return sql`false`;
  return eq(column, memberId);
}

/** What a ledger write needs of its program and member: the columns the scope rules and the points settings read. */
export interface LedgerScope {
  program: Pick<Program, 'id' | 'tenantId' | 'settings'>;
  member: Pick<Member, 'id' | 'programId' | 'country'>;
}

type LedgerScopeRow = {
  programId: string | null;
  tenantId: string | null;
  settings: Program['settings'] | null;
  memberId: string | null;
  memberProgramId: string | null;
  country: string | null;
};

/** Inside a transaction: the reads must see its writes, so they run in it, one query per call. */
function ledgerScopeQuery(db: ServiceContext['db']) {
  return db
    .select({
      programId: programs.id,
      tenantId: programs.tenantId,
      settings: programs.settings,
      memberId: members.id,
      memberProgramId: members.programId,
      country: members.country,
    })
    .from(programs)
    .leftJoin(members, and(eq(members.id, sql.placeholder('memberId')), eq(members.programId, programs.id)))
    .where(eq(programs.id, sql.placeholder('programId')))
    .prepare('ledger_scope');
}

const ledgerScopeQueries = new WeakMap<ServiceContext['db'], ReturnType<typeof ledgerScopeQuery>>();

/**
 * Standalone: concurrent scope checks share one query (a statement costs far more than two index
 * lookups). Lateral lookups keep them index scans whatever the plan's guess at the batch size.
 */
async function runLedgerScopeBatch(db: ServiceContext['db'], keys: { programId: string; memberId: string }[]): Promise<LedgerScopeRow[]> {
  const rows = await queryRows<{ ord: number; program_id: string | null; tenant_id: string | null; settings: Program['settings'] | null; member_id: string | null; member_program_id: string | null; country: string | null }>(
    db,
    sql`select q.ord, p.id as program_id, p.tenant_id, p.settings, m.id as member_id, m.program_id as member_program_id, m.country
        from jsonb_to_recordset(${JSON.stringify(keys.map((k, ord) => ({ ord, program_id: k.programId, member_id: k.memberId })))}::jsonb)
          as q(ord int, program_id text, member_id text)
        left join lateral (select id, tenant_id, settings from programs where id = q.program_id) p on true
        left join lateral (select id, program_id, country from members where id = q.member_id and program_id = p.id) m on true`,
  );
  const out: LedgerScopeRow[] = [];
  for (const r of rows) {
    out[r.ord] = { programId: r.program_id, tenantId: r.tenant_id, settings: r.settings, memberId: r.member_id, memberProgramId: r.member_program_id, country: r.country };
  }
  if (out.length !== keys.length || out.includes(undefined as never)) throw new Error('ledger scope batch lost a key');
  return out;
}

const ledgerScopeBatcher = batcherPer(
  (db: ServiceContext['db']) => new MicroBatcher((keys: { programId: string; memberId: string }[]) => runLedgerScopeBatch(db, keys), { maxBatch: 64, maxInFlight: 2 }),
);

/**
 * `loadMemberInScope` for the points ledger's hot writes: the same rules and errors, but only the
 * columns the ledger needs, and no query building per call (it cost more Node CPU than the write).
 */
export async function loadLedgerScope(ctx: ServiceContext, programId: string, memberId: string): Promise<LedgerScope> {
  let row: LedgerScopeRow | undefined;
  if (ctx.afterCommit) {
    let query = ledgerScopeQueries.get(ctx.db);
    if (!query) ledgerScopeQueries.set(ctx.db, (query = ledgerScopeQuery(ctx.db)));
    [row] = await query.execute({ programId, memberId });
  } else {
    row = await ledgerScopeBatcher(ctx.db).submit({ programId, memberId });
  }
  const program = row?.programId ? { id: row.programId, tenantId: row.tenantId!, settings: row.settings ?? {} } : undefined;
  if (!program || !programVisibleTo(ctx.actor, program)) throw new NotFoundError('Program', programId);
  const member = row!.memberId === null ? null : { id: row!.memberId, programId: row!.memberProgramId!, country: row!.country };
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
