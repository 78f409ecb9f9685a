import { sql } from 'drizzle-orm';
import { boolean, bigint, check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { newId } from '../ids.js';
import { bytea, createdAt, tstz } from './columns.js';
import { programs } from './programs.js';

export const importFormat = pgEnum('import_format', ['csv', 'ndjson']);
/** `uploading` while the request body is still being stored; the job only ever sees `queued` onwards. */
export const importStatus = pgEnum('import_status', ['uploading', 'queued', 'running', 'completed', 'failed']);

/** One rejected row of an import file. */
export interface ImportRowError {
  line: number;
  field?: string;
  reason: string;
}

/** At most this many row errors are kept on a run; `failed_rows` still counts all of them. */
export const MAX_STORED_IMPORT_ERRORS = 1000;

/** A member import: the uploaded file (in import_chunks), its progress and its outcome. */
export const importRuns = pgTable(
  'import_runs',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('imp')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    format: importFormat('format').notNull(),
    dryRun: boolean('dry_run').notNull().default(false),
    status: importStatus('status').notNull().default('uploading'),
    byteSize: bigint('byte_size', { mode: 'number' }).notNull().default(0),
    totalRows: integer('total_rows'),
    processedRows: integer('processed_rows').notNull().default(0),
    insertedRows: integer('inserted_rows').notNull().default(0),
    updatedRows: integer('updated_rows').notNull().default(0),
    unchangedRows: integer('unchanged_rows').notNull().default(0),
    failedRows: integer('failed_rows').notNull().default(0),
    errors: jsonb('errors').$type<ImportRowError[]>().notNull().default([]),
    /** Why the whole run failed (unreadable file, unknown column...), as opposed to single rows. */
    failureReason: text('failure_reason'),
    createdBy: text('created_by'),
    ...createdAt,
    startedAt: tstz('started_at'),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    index('import_runs_program_idx').on(t.programId, t.id),
    check(
      'import_runs_counts_nonneg',
      sql`${t.processedRows} >= 0 and ${t.insertedRows} >= 0 and ${t.updatedRows} >= 0 and ${t.unchangedRows} >= 0 and ${t.failedRows} >= 0`,
    ),
    check(
      'import_runs_counts_add_up',
      sql`${t.insertedRows} + ${t.updatedRows} + ${t.unchangedRows} + ${t.failedRows} = ${t.processedRows}`,
    ),
  ],
);

/** The uploaded file in order, so any worker process can stream it (nothing is kept in memory). */
export const importChunks = pgTable(
  'import_chunks',
  {
    importId: text('import_id')
      .notNull()
      .references(() => importRuns.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    bytes: bytea('bytes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);
