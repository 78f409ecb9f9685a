import { sql } from 'drizzle-orm';
import { textArrayLiteral } from '../../../db/array-literal.js';
import { queryRows, type Db } from '../../../db/client.js';
import type { Logger } from '../../logger.js';
import type { Secrets } from '../../secrets/index.js';
import { AT_REST_BATCH, inLockedBatches } from '../../secrets/locked-batches.js';
import { emailHashKeyOf, keyedEmailHash, keyedLegacyFingerprint } from './email-hash.js';

interface Deps {
  db: Db;
  secrets: Secrets;
  logger: Logger;
}

interface LegacyRow extends Record<string, unknown> {
  id: string;
  legacy: string;
  tenant_id: string;
  request_hash?: string;
}

/**
 * Versions before keyed email hashes stored the plain sha256 in `email_hash` of customers and
 * conversions. Each such row gets its keyed hash (email_hmac) and loses the plain one in one
 * update, so a row is migrated exactly when its email_hash is null: a second boot, or a second
 * process, finds nothing to hash twice. A conversion's payload fingerprint, which covered the plain
 * hash, is re-keyed in the same update (email-hash.ts keyedLegacyFingerprint).
 */
export async function rehashLegacyEmailHashes(deps: Deps): Promise<void> {
  // Through the partial indexes on the old columns, which are empty once everything is migrated.
  const tenants = await queryRows<{ tenant_id: string }>(
    deps.db,
    sql`select p.tenant_id from customers c join programs p on p.id = c.program_id where c.email_hash is not null
        union select p.tenant_id from conversions c join programs p on p.id = c.program_id where c.email_hash is not null`,
  );
  if (tenants.length === 0) return;
  // Made (if need be) and committed before the batches: a key only a rolled-back batch saw must not be used.
  const keys = new Map<string, Buffer>();
  for (const { tenant_id } of tenants) keys.set(tenant_id, await emailHashKeyOf(deps, tenant_id));
  await rehash(deps, keys, 'customers');
  await rehash(deps, keys, 'conversions');
}

async function rehash({ db, logger }: Deps, keys: ReadonlyMap<string, Buffer>, table: 'customers' | 'conversions'): Promise<void> {
  const conversions = table === 'conversions';
  let after = '';
  const handled = await inLockedBatches(db, async (tx) => {
    const rows = await queryRows<LegacyRow>(
      tx,
      sql`select c.id, c.email_hash as legacy, p.tenant_id ${conversions ? sql`, c.request_hash` : sql``}
          from ${sql.raw(table)} c join programs p on p.id = c.program_id
          where c.email_hash is not null and c.id > ${after}
          order by c.id limit ${AT_REST_BATCH}`,
    );
    if (rows.length === 0) return 0;
    after = rows.at(-1)!.id;
    // A tenant that appeared since the keys were read waits for the next boot.
    const known = rows.filter((r) => keys.has(r.tenant_id));
    const ids = textArrayLiteral(known.map((r) => r.id));
    const hmacs = textArrayLiteral(known.map((r) => keyedEmailHash(keys.get(r.tenant_id)!, r.legacy)));
    if (conversions) {
      const fingerprints = textArrayLiteral(known.map((r) => keyedLegacyFingerprint(keys.get(r.tenant_id)!, r.request_hash!)));
      await tx.execute(
        sql`update conversions c set email_hmac = v.hmac, request_hash = v.fingerprint, email_hash = null
            from unnest(${ids}::text[], ${hmacs}::text[], ${fingerprints}::text[]) as v(row_id, hmac, fingerprint)
            where c.id = v.row_id and c.email_hash is not null`,
      );
    } else {
      // A customer whose keyed hash another one holds already (made by this version while an
      // older process still wrote plain hashes) keeps its plain hash and is reported below.
      await tx.execute(
        sql`update customers c set email_hmac = v.hmac, email_hash = null
            from unnest(${ids}::text[], ${hmacs}::text[]) as v(row_id, hmac)
            where c.id = v.row_id and c.email_hash is not null
              and not exists (select 1 from customers o where o.program_id = c.program_id and o.email_hmac = v.hmac)`,
      );
    }
    return rows.length;
  });
  const [left] = await queryRows<{ n: number | string }>(db, sql`select count(*) as n from ${sql.raw(table)} where email_hash is not null`);
  logger.info({ table, rows: handled }, 'keyed the email hashes an earlier version stored unkeyed');
  if (Number(left?.n ?? 0) > 0) logger.warn({ table, rows: Number(left!.n) }, 'rows keep an unkeyed email hash: another customer holds their keyed one (written while an older version still ran); retried at the next boot');
}
