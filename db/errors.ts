/**
 * PostgreSQL error helpers that work on both drivers: postgres.js and PGlite both carry the
 * SQLSTATE in `code`, and drizzle wraps them in an error whose `cause` is the driver's error.
 */
interface PgErrorLike {
  code?: string;
  constraint?: string;
  constraint_name?: string;
  cause?: unknown;
}

function driverError(err: unknown): PgErrorLike | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const e = current as PgErrorLike;
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e;
    current = e.cause;
  }
  return undefined;
}

/** True when `err` is a unique violation, optionally of the named constraint or index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = driverError(err);
  if (e?.code !== '23505') return false;
  return !constraint || (e.constraint ?? e.constraint_name) === constraint;
}

/** True when `err` is a foreign key violation, optionally of the named constraint. */
export function isForeignKeyViolation(err: unknown, constraint?: string): boolean {
  const e = driverError(err);
  if (e?.code !== '23503') return false;
  return !constraint || (e.constraint ?? e.constraint_name) === constraint;
}
