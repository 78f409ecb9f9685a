import { boolean, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { newId } from '../ids.js';
import { tstz } from './columns.js';

/** A job that exhausted its retries or failed permanently, kept for operators to inspect. */
export const jobFailures = pgTable(
  'job_failures',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('jbf')),
    jobName: text('job_name').notNull(),
    jobId: text('job_id'),
    payload: jsonb('payload'),
    error: text('error').notNull(),
    attempts: integer('attempts').notNull(),
    permanent: boolean('permanent').notNull().default(false),
    failedAt: tstz('failed_at').notNull().defaultNow(),
  },
  (t) => [index('job_failures_name_idx').on(t.jobName, t.failedAt)],
);
