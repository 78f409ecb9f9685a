import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.js';
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
