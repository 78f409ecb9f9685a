import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.js';
import { SEALED_COLUMNS } from '../../../src/secrets/index.js';
import type { Harness } from '../../helpers/harness.js';

/** Tables that hold secrets (sealed or as keyed hashes), and the audit log that records changes to them. */
export const SECRET_TABLES = ['signing_keys', 'api_keys', 'affiliate_profiles', 'tenant_secrets', 'customers', 'conversions', 'audit_log'] as const;

/** Every row of those tables as the database holds it (JSON text of each row), for "nothing in clear" checks. */
export async function rawRowsText(h: Harness): Promise<string> {
  const out: string[] = [];
  for (const table of SECRET_TABLES) {
    const rows = await queryRows<{ row: string }>(h.db, sql.raw(`select row_to_json(t)::text as row from ${table} t`));
    out.push(...rows.map((r) => r.row));
  }
  return out.join('\n');
}

/** Every sealed value in the database, in a stable order, with where it lives. */
export async function sealedValues(h: Harness): Promise<{ column: string; rowId: string; sealed: string }[]> {
  const out: { column: string; rowId: string; sealed: string }[] = [];
  for (const column of Object.values(SEALED_COLUMNS)) {
    const rows = await queryRows<{ row_id: string; sealed: string }>(
      h.db,
      sql.raw(`select ${column.rowId} as row_id, ${column.column} as sealed from ${column.table} where ${column.column} is not null order by 1`),
    );
    out.push(...rows.map((r) => ({ column: `${column.table}.${column.column}`, rowId: r.row_id, sealed: r.sealed })));
  }
  return out;
}
