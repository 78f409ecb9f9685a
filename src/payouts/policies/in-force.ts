import { and, desc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { commissionPolicyVersions } from '../../../db/schema/index.js';
import { rawRows, toDate, toDateOrNull, toNumber, toNumberOrNull } from '../../tracking/conversions/raw-sql.js';
import type { PolicyTerms } from '../commission-math.js';

export type PolicyVersionRow = typeof commissionPolicyVersions.$inferSelect;

/**
 * The policy version in force for `country` of a program at `at`: the country's own policy, else
 * the program's default policy (country null); null when neither has a version effective by then.
 * A country whose own policy only starts later is paid by the default until then. Two versions
 * effective at the same moment: the later version wins.
 */
export async function policyInForce(db: Db, programId: string, country: string | null, at: Date): Promise<PolicyVersionRow | null> {
  const v = commissionPolicyVersions;
  const [row] = await db
    .select()
    .from(v)
    .where(and(eq(v.programId, programId), country ? or(eq(v.country, country), isNull(v.country)) : isNull(v.country), lte(v.effectiveFrom, at)))
    // Own country first (nulls last), then the latest effective version of it.
    .orderBy(sql`${v.country} nulls last`, desc(v.effectiveFrom), desc(v.version))
    .limit(1);
  return row ?? null;
}

/**
 * Every policy version of one program, answering policyInForce's question without a query: for
 * code that prices many conversions (processing batches). Versions are immutable and only ever
 * added, so the number of a program's versions tells whether a book is still complete.
 */
export class PolicyBook {
  /** Per country ('' for the default policy): versions, latest effective first, then latest version. */
  private readonly byCountry = new Map<string, PolicyVersionRow[]>();

  constructor(readonly versions: readonly PolicyVersionRow[]) {
    for (const version of versions) {
      const key = version.country ?? '';
      const list = this.byCountry.get(key) ?? [];
      list.push(version);
      this.byCountry.set(key, list);
    }
    for (const list of this.byCountry.values()) {
      list.sort((a, b) => b.effectiveFrom.getTime() - a.effectiveFrom.getTime() || b.version - a.version);
    }
  }

  /** The same answer as policyInForce for this program. */
  inForce(country: string | null, at: Date): PolicyVersionRow | null {
    return (country ? this.latest(country, at) : null) ?? this.latest('', at);
  }

  private latest(key: string, at: Date): PolicyVersionRow | null {
    const list = this.byCountry.get(key);
    if (!list) return null;
    const t = at.getTime();
    return list.find((v) => v.effectiveFrom.getTime() <= t) ?? null;
  }
}

/** The policy books of some programs, in one query. */
export async function loadPolicyBooks(db: Db, programIds: readonly string[]): Promise<Map<string, PolicyBook>> {
  const rows = await rawRows(
    db,
    `select id, policy_id, program_id, country, version, effective_from, mode, currency, signup_amount, percent_bps, flat_amount,
            min_amount, max_amount, hold_days, attribution_window_days, switch_to_per_transaction_at, note, created_by, created_at
     from commission_policy_versions where program_id = any($1::text[])`,
    [programIds],
  );
  const byProgram = new Map<string, PolicyVersionRow[]>(programIds.map((id) => [id, []]));
  for (const r of rows) {
    byProgram.get(r.program_id as string)?.push({
      id: r.id as string,
      policyId: r.policy_id as string,
      programId: r.program_id as string,
      country: (r.country as string | null) ?? null,
      version: toNumber(r.version),
      effectiveFrom: toDate(r.effective_from),
      mode: r.mode as PolicyVersionRow['mode'],
      currency: r.currency as string,
      signupAmount: toNumberOrNull(r.signup_amount),
      percentBps: toNumberOrNull(r.percent_bps),
      flatAmount: toNumber(r.flat_amount),
      minAmount: toNumberOrNull(r.min_amount),
      maxAmount: toNumberOrNull(r.max_amount),
      holdDays: toNumber(r.hold_days),
      attributionWindowDays: toNumber(r.attribution_window_days),
      switchToPerTransactionAt: toDateOrNull(r.switch_to_per_transaction_at),
      note: (r.note as string | null) ?? null,
      createdBy: (r.created_by as string | null) ?? null,
      createdAt: toDate(r.created_at),
    });
  }
  return new Map([...byProgram].map(([id, versions]) => [id, new PolicyBook(versions)]));
}

/** The terms of a version, as the commission maths takes them. */
export function termsOf(version: PolicyVersionRow): PolicyTerms {
  return {
    mode: version.mode,
    currency: version.currency,
    signupAmount: version.signupAmount,
    percentBps: version.percentBps,
    flatAmount: version.flatAmount,
    minAmount: version.minAmount,
    maxAmount: version.maxAmount,
    holdDays: version.holdDays,
    attributionWindowDays: version.attributionWindowDays,
    switchToPerTransactionAt: version.switchToPerTransactionAt,
  };
}
