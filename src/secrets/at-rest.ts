import { sql } from 'drizzle-orm';
import { textArrayLiteral } from '../../db/array-literal.js';
import { queryRows, type Db } from '../../db/client.js';
import type { Logger } from '../logger.js';
import { rehashLegacyEmailHashes } from '../tracking/conversions/email-hash-migration.js';
import type { Secrets } from './index.js';
import { AT_REST_BATCH, inLockedBatches } from './locked-batches.js';
import { SEALED_COLUMNS, sealedAt, type SealedColumn } from './sealed-columns.js';

export interface AtRestDeps {
  db: Db;
  secrets: Secrets;
  logger: Logger;
}

/**
 * Boot's part in keeping secrets at rest (after migrations, before anything reads them): seals
 * what versions before sealing stored in clear and empties those columns, removes bank details
 * from old audit entries, and re-hashes unkeyed customer email hashes. Idempotent and cheap once
 * done (each step finds nothing left through an index); processes booting together take turns on
 * an advisory lock (locked-batches.ts).
 */
export async function secureDataAtRest(deps: AtRestDeps): Promise<void> {
  for (const column of Object.values(SEALED_COLUMNS)) {
    if ('legacy' in column) await sealLegacyColumn(deps, column);
  }
  await scrubAuditedPayoutDetails(deps);
  await rehashLegacyEmailHashes(deps);
}

/** Seals a column's clear values into its sealed column, bound to their rows, and empties it. */
async function sealLegacyColumn({ db, secrets, logger }: AtRestDeps, column: Required<SealedColumn>): Promise<void> {
  const { table, rowId, legacy } = column;
  const sealed = await inLockedBatches(db, async (tx) => {
    const rows = await queryRows<{ row_id: string; plain: string }>(
      tx,
      sql.raw(`select ${rowId} as row_id, ${legacy.column}::text as plain from ${table} where ${legacy.column} is not null order by 1 limit ${AT_REST_BATCH}`),
    );
    if (rows.length === 0) return 0;
    // jsonb comes out as its JSON text, which is what openJson parses back.
    const values = rows.map((r) => secrets.keyring.seal(r.plain, sealedAt(column, r.row_id)));
    await tx.execute(
      sql`update ${sql.raw(table)} set ${sql.raw(column.column)} = v.value, ${sql.raw(legacy.column)} = null
          from unnest(${textArrayLiteral(rows.map((r) => r.row_id))}::text[], ${textArrayLiteral(values)}::text[]) as v(row_id, value)
          where ${sql.raw(rowId)} = v.row_id`,
    );
    return rows.length;
  });
  if (sealed > 0) logger.info({ table, column: column.column, rows: sealed }, 'sealed values an earlier version stored in clear');
}

/**
 * Versions before sealing audited a new affiliate's profile whole, bank details included: keep
 * only whether they were set, as updates always did (one entry per affiliate to look at).
 */
async function scrubAuditedPayoutDetails({ db, logger }: AtRestDeps): Promise<void> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update audit_log
        set after = (after - 'payoutDetails') || jsonb_build_object('payoutDetailsSet', jsonb_typeof(after->'payoutDetails') <> 'null')
        where entity_type = 'affiliate' and action = 'affiliate.created' and after ? 'payoutDetails'
        returning id`,
  );
  if (rows.length > 0) logger.info({ entries: rows.length }, 'removed bank details from audit entries of an earlier version');
}
