import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../core/auth/actor.js';
import { assertCountryInScope } from '../../core/auth/scope.js';
import { NotFoundError } from '../../errors.js';

/**
 * Which rows a KPI request covers. `countries` null means every market; an empty list means none
 * (a regional manager without countries). `partnerMemberId` limits everything to one partner.
 */
export interface KpiScope {
  countries: string[] | null;
  partnerMemberId: string | null;
}

/**
 * The scope from the actor and the filters asked for:
 * - admins (and jobs) see the whole program, narrowed by the filters;
 * - regional managers see their countries; naming another country is refused (403 out_of_scope),
 *   since the list of countries is no secret, unlike ids; a partner they name must be a member
 *   they may see (the services check it with loadNamedMember, 404 otherwise, as for no such id);
 * - affiliates and members see their own partner numbers; naming another partner is a not-found,
 *   like every scope miss on an id.
 */
export function kpiScope(actor: Actor, filters: { country?: string | undefined; partnerMemberId?: string | undefined }): KpiScope {
  const explicit = filters.country ? [filters.country] : null;
  if (actor.kind !== 'user') return { countries: explicit, partnerMemberId: filters.partnerMemberId ?? null };
  switch (actor.role) {
    case 'admin':
      return { countries: explicit, partnerMemberId: filters.partnerMemberId ?? null };
    case 'regional_manager':
      if (filters.country) assertCountryInScope(actor, filters.country);
      return { countries: explicit ?? actor.countries, partnerMemberId: filters.partnerMemberId ?? null };
    case 'affiliate':
    case 'member':
      if (filters.partnerMemberId && filters.partnerMemberId !== actor.memberId) throw new NotFoundError('Member', filters.partnerMemberId);
      return { countries: explicit, partnerMemberId: actor.memberId };
  }
}

/** `column` is one of the scope's countries (always true without a country scope). */
export function inCountries(column: SQL, countries: string[] | null): SQL {
  if (countries === null) return sql`true`;
  if (countries.length === 0) return sql`false`;
  return sql`${column} in (${sql.join(
    countries.map((c) => sql`${c}`),
    sql`, `,
  )})`;
}

/** `column` is the scope's partner (always true without a partner). */
export function isPartner(column: SQL, partnerMemberId: string | null): SQL {
  return partnerMemberId === null ? sql`true` : sql`${column} = ${partnerMemberId}`;
}
