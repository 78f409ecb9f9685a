import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { members, translationOverrides } from '../../../db/schema/index.js';
import type { OverrideMap } from './views.js';

/**
 * Loading overrides, always in ONE query (the unique index covers program, country, locale).
 * Deliberately uncached: a manager's change must show in every process at once.
 */

export interface OverrideLocation {
  programId: string;
  country: string;
  locale: string;
}

const t = translationOverrides;
const text = { namespace: t.namespace, key: t.key, value: t.value };

function toMap(rows: { namespace: string; key: string; value: string }[]): OverrideMap {
  const map: OverrideMap = {};
  for (const r of rows) (map[r.namespace] ??= {})[r.key] = r.value;
  return map;
}

/** The overrides of one program, country and language. */
export async function loadOverrideMap(db: Db, where: OverrideLocation): Promise<OverrideMap> {
  const rows = await db
    .select(text)
    .from(t)
    .where(and(eq(t.programId, where.programId), eq(t.country, where.country), eq(t.locale, where.locale)));
  return toMap(rows);
}

/** The overrides of a member's country (none when the member has no country), found through the member row. */
export async function loadMemberOverrideMap(db: Db, where: { programId: string; memberId: string; locale: string }): Promise<OverrideMap> {
  const rows = await db
    .select(text)
    .from(t)
    .innerJoin(members, and(eq(members.programId, t.programId), eq(members.country, t.country)))
    .where(and(eq(members.id, where.memberId), eq(t.programId, where.programId), eq(t.locale, where.locale)));
  return toMap(rows);
}
