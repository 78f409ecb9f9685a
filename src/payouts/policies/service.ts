import { and, asc, desc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { commissionPolicies, commissionPolicyVersions, markets } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { actorId } from '../../core/auth/actor.js';
import { assertCountryInScope, assertStaff, assertTenantAdmin, loadProgramInScope, type Program } from '../../core/auth/scope.js';
import { recordAudit } from '../../core/audit.js';
import { pageLimit, toPage, type Page, type PageInput } from '../../core/pagination.js';
import { parseInput } from '../../core/validation.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { linkSettingsOf } from '../../tracking/links/settings.js';
import { appendLogEntries } from '../../transparency/entries/append.js';
import { policyVersionEntry } from '../../transparency/entries/policy.js';
import { completeTerms, countryOfMarket, marketOfCountry, PolicyMarketSchema, PolicyTermsInputSchema, sameTerms, type PolicyTermsInput } from './terms.js';
import { toPolicyVersionView, type PolicyVersionView, type PolicyView } from './views.js';
import type { PolicyVersionRow } from './in-force.js';
import { boundIssues, commissionBoundsOf, defaultCommissionBounds, type BoundedTerms, type CommissionBounds } from './bounds.js';
import { fxRateAt } from '../fx.js';

/**
 * Commission policies per market (issue 4). Regional managers set the terms of the countries in
 * their scope (403 `out_of_scope` for others); the program's `default` policy, which pays markets
 * without their own, is for admins. Terms are never edited: each change is a new effective-dated
 * version, audited with the version before it.
 */

export interface PolicyMarket {
  program: Program;
  market: string;
  country: string | null;
  /** The currency amounts default to: the market's, or the payout currency for `default`. */
  currency: string;
  /** What a version may pay at most, in `currency`: the market's bounds, or the currency's defaults for `default`. */
  bounds: CommissionBounds;
}

/**
 * The program and market a policy call is about, with the actor's right to it checked: staff
 * only; a country must be a market of the program and, for a regional manager, one of theirs;
 * changing (or previewing changes to) the default policy is for admins.
 */
export async function resolvePolicyMarket(ctx: ServiceContext, programId: string, rawMarket: string, purpose: 'read' | 'change'): Promise<PolicyMarket> {
  const program = await loadProgramInScope(ctx, programId);
  assertStaff(ctx.actor);
  const market = parseInput(PolicyMarketSchema, rawMarket, 'market');
  const country = countryOfMarket(market);
  if (country === null) {
    if (purpose === 'change') assertTenantAdmin(ctx.actor, program.tenantId);
    return { program, market, country, currency: program.payoutCurrency, bounds: defaultCommissionBounds(program.payoutCurrency) };
  }
  assertCountryInScope(ctx.actor, country);
  const [row] = await ctx.db
    .select({
      currency: markets.currency,
      commissionMaxSignupAmount: markets.commissionMaxSignupAmount,
      commissionMaxSaleAmount: markets.commissionMaxSaleAmount,
      commissionMaxPercentBps: markets.commissionMaxPercentBps,
    })
    .from(markets)
    .where(and(eq(markets.programId, program.id), eq(markets.country, country)));
  if (!row) throw new NotFoundError('Market', country);
  return { program, market, country, currency: row.currency, bounds: commissionBoundsOf(row) };
}

/**
 * Refuses terms that pay more than the market's bounds: 400 naming each field (`too_big` with the
 * limit). Terms in another currency than the market's are compared at the tenant's rate of now.
 */
export async function assertWithinBounds(ctx: ServiceContext, target: PolicyMarket, terms: BoundedTerms): Promise<void> {
  const quote = terms.currency === target.currency ? null : await fxRateAt(ctx.db, target.program.tenantId, target.currency, terms.currency, ctx.clock());
  const issues = boundIssues(terms, target.bounds, target.currency, quote?.rate ?? null);
  if (issues.length) throw new ValidationError(issues);
}

const policyOf = (programId: string, country: string | null) =>
  and(eq(commissionPolicies.programId, programId), country === null ? isNull(commissionPolicies.country) : eq(commissionPolicies.country, country));

/**
 * Sets a market's terms from `effectiveFrom` (default now) as its next version. Sending the terms
 * of the latest version again (with no or the same effectiveFrom) changes nothing and answers
 * that version with `created` false, so a retried call never stacks versions.
 */
export async function setCommissionPolicy(ctx: ServiceContext, programId: string, market: string, raw: PolicyTermsInput): Promise<{ version: PolicyVersionView; created: boolean }> {
  return withTransaction(ctx, async (tx) => {
    const target = await resolvePolicyMarket(tx, programId, market, 'change');
    const input = parseInput(PolicyTermsInputSchema, raw);
    const { program, country } = target;
    const terms = completeTerms(input, { currency: target.currency, attributionWindowDays: linkSettingsOf(program).attributionWindowDays });
    await assertWithinBounds(tx, target, terms);

    // One policy row per market, locked so concurrent changes number their versions in turn.
    await tx.db.insert(commissionPolicies).values({ programId: program.id, country }).onConflictDoNothing();
    const [policy] = await tx.db.select().from(commissionPolicies).where(policyOf(program.id, country)).for('update');
    const [latest] = await tx.db
      .select()
      .from(commissionPolicyVersions)
      .where(eq(commissionPolicyVersions.policyId, policy!.id))
      .orderBy(desc(commissionPolicyVersions.version))
      .limit(1);

    const now = tx.clock();
    const requestedFrom = input.effectiveFrom ? new Date(input.effectiveFrom) : null;
    if (latest && sameTerms(terms, latest) && (requestedFrom ? requestedFrom.getTime() === latest.effectiveFrom.getTime() : latest.effectiveFrom <= now)) {
      return { version: toPolicyVersionView(latest), created: false };
    }
    const effectiveFrom = requestedFrom ?? now;
    if (latest && effectiveFrom < latest.effectiveFrom) {
      throw new ValidationError([
        { field: 'effectiveFrom', reason: `must not be before the latest version's (version ${latest.version} takes effect ${latest.effectiveFrom.toISOString()})` },
      ]);
    }
    if (terms.switchToPerTransactionAt && terms.switchToPerTransactionAt <= effectiveFrom) {
      throw new ValidationError([{ field: 'switchToPerTransactionAt', reason: `must be after effectiveFrom (${effectiveFrom.toISOString()}); a market already paying per transaction uses mode per_transaction` }]);
    }

    const [row] = await tx.db
      .insert(commissionPolicyVersions)
      .values({ ...terms, policyId: policy!.id, programId: program.id, country, version: (latest?.version ?? 0) + 1, effectiveFrom, createdBy: actorId(tx.actor) })
      .returning();
    await tx.db.update(commissionPolicies).set({ updatedAt: now }).where(eq(commissionPolicies.id, policy!.id));
    await appendLogEntries(tx, [policyVersionEntry(row!, tx.actor, program.tenantId)]);
    const after = toPolicyVersionView(row!);
    await recordAudit(tx, {
      tenantId: program.tenantId,
      programId: program.id,
      action: latest ? 'commission_policy.updated' : 'commission_policy.created',
      entityType: 'commission_policy',
      entityId: policy!.id,
      before: latest ? toPolicyVersionView(latest) : null,
      after,
    });
    return { version: after, created: true };
  });
}

/**
 * The program's policies with the version in force now and those scheduled. Regional managers
 * see the default and their own countries' policies.
 */
export async function listCommissionPolicies(ctx: ServiceContext, programId: string, page: PageInput = {}): Promise<Page<PolicyView>> {
  const program = await loadProgramInScope(ctx, programId);
  assertStaff(ctx.actor);
  const { limit, fetch, cursor } = pageLimit(page);
  const actor = ctx.actor;
  const scope =
    actor.kind === 'user' && actor.role === 'regional_manager'
      ? or(isNull(commissionPolicies.country), actor.countries.length ? inArray(commissionPolicies.country, actor.countries) : sql`false`)
      : undefined;
  const policies = await ctx.db
    .select()
    .from(commissionPolicies)
    .where(and(eq(commissionPolicies.programId, program.id), scope, cursor ? gt(commissionPolicies.id, cursor) : undefined))
    .orderBy(commissionPolicies.id)
    .limit(fetch);
  const ids = policies.map((p) => p.id);
  const now = ctx.clock();
  const v = commissionPolicyVersions;
  const [current, upcoming] = ids.length
    ? await Promise.all([
        ctx.db
          .selectDistinctOn([v.policyId])
          .from(v)
          .where(and(inArray(v.policyId, ids), lte(v.effectiveFrom, now)))
          .orderBy(v.policyId, desc(v.effectiveFrom), desc(v.version)),
        ctx.db
          .select()
          .from(v)
          .where(and(inArray(v.policyId, ids), gt(v.effectiveFrom, now)))
          .orderBy(asc(v.effectiveFrom), asc(v.version)),
      ])
    : [[], []];
  const currentBy = new Map<string, PolicyVersionRow>(current.map((r) => [r.policyId, r]));
  return toPage(policies, limit, (p) => ({
    id: p.id,
    programId: p.programId,
    market: marketOfCountry(p.country),
    country: p.country,
    current: currentBy.has(p.id) ? toPolicyVersionView(currentBy.get(p.id)!) : null,
    upcoming: upcoming.filter((r) => r.policyId === p.id).map(toPolicyVersionView),
    updatedAt: p.updatedAt,
  }));
}

/** Every version of a market's policy, oldest first (empty before its first version). */
export async function listCommissionPolicyVersions(ctx: ServiceContext, programId: string, market: string, page: PageInput = {}): Promise<Page<PolicyVersionView>> {
  const { program, country } = await resolvePolicyMarket(ctx, programId, market, 'read');
  const { limit, fetch, cursor } = pageLimit(page);
  const v = commissionPolicyVersions;
  const rows = await ctx.db
    .select({ version: v })
    .from(v)
    .innerJoin(commissionPolicies, eq(commissionPolicies.id, v.policyId))
    .where(and(policyOf(program.id, country), cursor ? gt(v.id, cursor) : undefined))
    .orderBy(v.id)
    .limit(fetch);
  return toPage(
    rows.map((r) => r.version),
    limit,
    toPolicyVersionView,
  );
}
