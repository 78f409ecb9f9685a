import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';
import { tenants } from './programs.js';

/**
 * Random keys of one tenant (the key of its customers' email hashes), sealed under SECRET_KEY
 * (src/secrets). Made the first time one is needed and never changed: what was hashed with a key
 * must match what is hashed with it later.
 */
export const tenantSecrets = pgTable(
  'tenant_secrets',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    /** What the key is for, e.g. `email_hash`. */
    purpose: text('purpose').notNull(),
    sealed: text('sealed').notNull(),
    ...createdAt,
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.purpose] })],
);
