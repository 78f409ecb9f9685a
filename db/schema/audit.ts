import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { newId } from '../ids.js';
import { tstz } from './columns.js';

/** Who changed what, when, with the before and after state. Written in the same transaction. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('aud')),
    tenantId: text('tenant_id').notNull(),
    programId: text('program_id'),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
    at: tstz('at').notNull().defaultNow(),
  },
  (t) => [index('audit_log_entity_idx').on(t.entityType, t.entityId), index('audit_log_tenant_at_idx').on(t.tenantId, t.at)],
);
