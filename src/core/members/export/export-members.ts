import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { stringify } from 'csv-stringify/sync';
import { members, pointsAccounts, tiers } from '../../../../db/schema/index.js';
import type { ServiceContext } from '../../../context.js';
import { assertStaff, loadProgramInScope, memberScopeCondition } from '../../auth/scope.js';
import { loadCustomFieldDefinitions } from '../definitions.js';
import { CUSTOM_FIELD_COLUMN_PREFIX, MEMBER_FILE_COLUMNS, type ImportFormat } from '../import/format.js';
import { guardCsvCell } from '../../../csv-cells.js';

export const EXPORT_BATCH_SIZE = 1000;

type ExportedMember = Record<(typeof MEMBER_FILE_COLUMNS)[number], string | number | null> & { customFields: Record<string, unknown> };

/**
 * Streams a program's members in the import format (docs/import-export.md), so an export imports
 * back as "all unchanged". Reads in keyset-paginated batches: memory stays constant. The caller's
 * data scope applies (a regional manager exports their countries only).
 */
export async function exportMembers(ctx: ServiceContext, input: { programId: string; format: ImportFormat }): Promise<AsyncGenerator<string>> {
  assertStaff(ctx.actor);
  const program = await loadProgramInScope(ctx, input.programId);
  const keys = (await loadCustomFieldDefinitions(ctx.db, program.id)).map((d) => d.key);
  const scope = memberScopeCondition(ctx.actor);
  const referrer = alias(members, 'referrer');
  const db = ctx.db;

  async function* lines(): AsyncGenerator<string> {
    if (input.format === 'csv') yield stringify([[...MEMBER_FILE_COLUMNS, ...keys.map((k) => CUSTOM_FIELD_COLUMN_PREFIX + k)]]);
    let cursor: string | undefined;
    for (;;) {
      const rows = await db
        .select({
          id: members.id,
          externalId: members.externalId,
          email: members.email,
          name: members.name,
          phone: members.phone,
          birthday: members.birthday,
          country: members.country,
          locale: members.locale,
          source: members.source,
          status: members.status,
          tier: tiers.name,
          pointsBalance: sql<number>`coalesce(${pointsAccounts.available} + ${pointsAccounts.pending}, 0)`.mapWith(Number),
          referredByExternalId: referrer.externalId,
          customFields: members.customFields,
        })
        .from(members)
        .leftJoin(tiers, eq(tiers.id, members.tierId))
        .leftJoin(pointsAccounts, eq(pointsAccounts.memberId, members.id))
        .leftJoin(referrer, eq(referrer.id, members.referredByMemberId))
        .where(and(eq(members.programId, program.id), scope, cursor ? gt(members.id, cursor) : undefined))
        .orderBy(asc(members.id))
        .limit(EXPORT_BATCH_SIZE);
      if (!rows.length) return;
      cursor = rows[rows.length - 1]!.id;
      yield input.format === 'csv' ? csvLines(rows, keys) : ndjsonLines(rows);
      if (rows.length < EXPORT_BATCH_SIZE) return;
    }
  }
  return lines();
}

function csvLines(rows: ExportedMember[], keys: string[]): string {
  return stringify(
    rows.map((r) => [
      ...MEMBER_FILE_COLUMNS.map((c) => guardCsvCell(r[c])),
      ...keys.map((k) => {
        const v = r.customFields[k];
        return v === undefined || v === null ? '' : guardCsvCell(String(v));
      }),
    ]),
  );
}

function ndjsonLines(rows: ExportedMember[]): string {
  let out = '';
  for (const r of rows) {
    const object: Record<string, unknown> = {};
    for (const c of MEMBER_FILE_COLUMNS) object[c] = r[c] ?? null;
    object.customFields = r.customFields;
    out += JSON.stringify(object) + '\n';
  }
  return out;
}
