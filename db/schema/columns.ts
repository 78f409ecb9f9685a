import { customType, timestamp } from 'drizzle-orm/pg-core';

/** created_at / updated_at for every mutable aggregate. */
export const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

export const createdAt = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
};

export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Raw bytes (hashes, file chunks). */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

/**
 * Text compared byte by byte (COLLATE "C"), for opaque keys such as ids and hashes on hot unique
 * indexes: the database's own collation orders them no better and costs more per comparison.
 */
export const byteText = customType<{ data: string }>({
  dataType: () => 'text COLLATE "C"',
});
