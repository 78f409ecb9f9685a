import { sql } from 'drizzle-orm';
import { textArrayLiteral } from '../../db/array-literal.js';
import { queryRows, type Db } from '../../db/client.js';
import type { Logger } from '../logger.js';
import { secureDataAtRest } from './at-rest.js';
import { keyringFromConfig, type SecretsConfig } from './from-config.js';
import { createSecrets } from './index.js';
import { newSecretKey, readKeyFile, replaceKeyFile, loadOrCreateKeyFile } from './key-file.js';
import { Keyring } from './keyring.js';
import { AT_REST_BATCH, inLockedBatches } from './locked-batches.js';
import { SEALED_COLUMNS, sealedAt, type SealedColumn } from './sealed-columns.js';

export interface RotationResult {
  /** The key every sealed value is under now. */
  keyId: string;
  /** Values re-sealed by this run, per `table.column`. */
  resealed: Record<string, number>;
}

/**
 * Re-seals every sealed value under the keyring's current key: each value's data key is re-wrapped
 * (the data itself is not re-encrypted), opened with whichever of the keyring's keys it is under.
 * In batches that each commit: an interrupted run loses nothing and the next one goes on, and a
 * run that finds everything under the current key changes nothing. A value written meanwhile by a
 * running process (sealed with the current key, as processes seal during a rotation) is left as it
 * is. A value under a key the keyring lacks stops the run, naming the key.
 */
export async function resealAll(db: Db, keyring: Keyring): Promise<Record<string, number>> {
  const resealed: Record<string, number> = {};
  for (const column of Object.values(SEALED_COLUMNS)) resealed[`${column.table}.${column.column}`] = await resealColumn(db, keyring, column);
  return resealed;
}

async function resealColumn(db: Db, keyring: Keyring, column: SealedColumn): Promise<number> {
  const { table, rowId } = column;
  const current = `sealed.v1.${keyring.current.id}.%`;
  return await inLockedBatches(db, async (tx) => {
    const rows = await queryRows<{ row_id: string; sealed: string }>(
      tx,
      sql`select ${sql.raw(rowId)} as row_id, ${sql.raw(column.column)} as sealed from ${sql.raw(table)}
          where ${sql.raw(column.column)} is not null and ${sql.raw(column.column)} not like ${current}
          order by 1 limit ${AT_REST_BATCH}`,
    );
    if (rows.length === 0) return 0;
    const values = rows.map((r) => keyring.reseal(r.sealed, sealedAt(column, r.row_id)));
    await tx.execute(
      sql`update ${sql.raw(table)} set ${sql.raw(column.column)} = v.resealed
          from unnest(${textArrayLiteral(rows.map((r) => r.row_id))}::text[], ${textArrayLiteral(rows.map((r) => r.sealed))}::text[], ${textArrayLiteral(values)}::text[])
            as v(row_id, was, resealed)
          where ${sql.raw(rowId)} = v.row_id and ${sql.raw(column.column)} = v.was`,
    );
    return rows.length;
  });
}

/**
 * What `npm run secrets:rotate` does on an open database: first what boot does (nothing may stay
 * in clear), then every sealed value re-sealed under the current key.
 */
export async function rotateSecrets(deps: { db: Db; keyring: Keyring; logger: Logger }): Promise<RotationResult> {
  await secureDataAtRest({ db: deps.db, secrets: createSecrets(deps.keyring), logger: deps.logger });
  return { keyId: deps.keyring.current.id, resealed: await resealAll(deps.db, deps.keyring) };
}

export interface RotationKeys {
  keyring: Keyring;
  /** Called once every value is re-sealed: the embedded key file keeps the new key only. */
  finish(): void;
  /** Where the keys come from, for the command's report. */
  source: string;
}

/**
 * The keys of a rotation. With SECRET_KEY set: SECRET_KEY is the new key and SECRET_KEY_PREVIOUS the
 * old one(s), as every process runs during the rotation. Embedded without SECRET_KEY: the key file
 * in DATA_DIR gets a new first line (the old key stays as the second, so the server can still
 * open everything should the run stop half-way); a file that has two lines already is a rotation
 * that did not finish, which this one completes instead of starting another.
 */
export function rotationKeys(config: SecretsConfig): RotationKeys {
  if (config.SECRET_KEY || config.DATABASE_URL) return { keyring: keyringFromConfig(config), finish: () => {}, source: 'SECRET_KEY' };
  let file = readKeyFile(config.DATA_DIR) ?? loadOrCreateKeyFile(config.DATA_DIR);
  if (file.keys.length === 1) {
    replaceKeyFile(config.DATA_DIR, [newSecretKey(), file.keys[0]!]);
    file = readKeyFile(config.DATA_DIR)!;
  }
  const [current, ...previous] = file.keys;
  const keyring = new Keyring(current!, [...previous, ...config.SECRET_KEY_PREVIOUS.map((k) => Buffer.from(k, 'base64'))], file.path);
  return { keyring, finish: () => replaceKeyFile(config.DATA_DIR, [current!]), source: file.path };
}
