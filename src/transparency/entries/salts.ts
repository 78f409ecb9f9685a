import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { textArrayLiteral } from '../../../db/array-literal.js';
import { queryRows } from '../../../db/client.js';
import type { ServiceContext } from '../../context.js';

/**
 * Salts for the references log entries carry (a customer's reference, the merchant's external
 * id): the public log shows `hex(HMAC-SHA256(salt, value))`, never the value. Each owner (an
 * affiliate or member, or a program for entries that belong to no partner) has its own random
 * 32-byte salt, stored as 64 hex characters; the HMAC key is the 32 bytes (hex-decoded), the
 * message the value in UTF-8. An affiliate reads their salt (GET .../log-salt) and can then match
 * their entries to their own records; nobody else can test a guess against them.
 *
 * A salt never changes, so each process keeps the ones it has read. One created inside a
 * transaction is only kept once that transaction commits: a rolled-back salt must not live on in
 * the cache while another one is created for the same owner.
 */

const cache = new Map<string, Buffer>();

export function saltedHash(salt: Buffer, value: string): string {
  return createHmac('sha256', salt).update(value, 'utf8').digest('hex');
}

/** The salted hash of a reference, or null when there is none. */
export function saltedHashOrNull(salt: Buffer, value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : saltedHash(salt, value);
}

/** The owners' salts, created on first use (race-safe: insert ... on conflict do nothing, then read). */
export async function saltsOf(ctx: Pick<ServiceContext, 'db' | 'afterCommit'>, ownerIds: Iterable<string>): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const missing: string[] = [];
  for (const id of new Set(ownerIds)) {
    const salt = cache.get(id);
    if (salt) out.set(id, salt);
    else missing.push(id);
  }
  if (missing.length === 0) return out;
  const fresh = missing.map(() => randomBytes(32).toString('hex'));
  const created = await queryRows<{ owner_id: string }>(
    ctx.db,
    sql`insert into log_salts (owner_id, salt)
        select * from unnest(${textArrayLiteral(missing)}::text[], ${textArrayLiteral(fresh)}::text[])
        order by 1
        on conflict (owner_id) do nothing
        returning owner_id`,
  );
  const rows = await queryRows<{ owner_id: string; salt: string }>(
    ctx.db,
    sql`select owner_id, salt from log_salts where owner_id = any(${textArrayLiteral(missing)}::text[])`,
  );
  const createdNow = new Set(created.map((r) => r.owner_id));
  const keep: [string, Buffer][] = [];
  for (const row of rows) {
    const salt = Buffer.from(row.salt, 'hex');
    out.set(row.owner_id, salt);
    if (!createdNow.has(row.owner_id) || !ctx.afterCommit) cache.set(row.owner_id, salt);
    else keep.push([row.owner_id, salt]);
  }
  if (keep.length && ctx.afterCommit) ctx.afterCommit(() => keep.forEach(([id, salt]) => cache.set(id, salt)));
  return out;
}

export async function saltOf(ctx: Pick<ServiceContext, 'db' | 'afterCommit'>, ownerId: string): Promise<Buffer> {
  return (await saltsOf(ctx, [ownerId])).get(ownerId)!;
}

/** An owner's salt as stored (hex), for the owner to read. */
export async function saltHexOf(ctx: Pick<ServiceContext, 'db' | 'afterCommit'>, ownerId: string): Promise<string> {
  return (await saltOf(ctx, ownerId)).toString('hex');
}
