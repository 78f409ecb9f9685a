import type { Db } from '../../../db/client.js';

/**
 * Raw statements for conversion processing, the worker's hot path: the text and its parameters go
 * straight to the driver (a named prepared statement on postgres.js, or PGlite), without drizzle's
 * query building, which was most of the worker's CPU per conversion. Rows come back as the driver
 * gives them, so the decoders below accept both forms: postgres.js returns timestamps and int8 as
 * text (drizzle turns its parsers off), PGlite returns Dates and numbers.
 *
 * Parameters are text, numbers or arrays of non-null text. Dates are passed as ISO text with a
 * cast in the statement, and row sets as one JSON text parameter read with json_to_recordset.
 */
export async function rawRows<T extends Record<string, unknown>>(db: Db, text: string, params: unknown[] = []): Promise<T[]> {
  // drizzle's session keeps the driver's client: the pool or transaction (postgres.js), or PGlite.
  const client = (db as unknown as { session?: { client?: RawClient } }).session?.client;
  if (client && typeof client.unsafe === 'function') return (await client.unsafe(text, params, { prepare: true })) as T[];
  if (client && typeof client.query === 'function') return (await client.query(text, params)).rows as T[];
  throw new Error('rawRows: the database driver is neither postgres.js nor PGlite');
}

interface RawClient {
  unsafe?: (text: string, params?: unknown[], opts?: { prepare?: boolean }) => Promise<unknown[]>;
  query?: (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;
}

export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(value as string);
}

export function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

/** int8 and numeric counts (text on postgres.js). Money columns are exact below 2^53 minor units. */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function toNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

/** A Date as the ISO text the statements cast to timestamptz. */
export const isoOrNull = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);
