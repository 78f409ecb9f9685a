import { and, desc, eq, lt } from 'drizzle-orm';
import { importRuns } from '../../../../db/schema/index.js';
import { enqueueAfterCommit, withTransaction, type ServiceContext } from '../../../context.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../errors.js';
import { recordAudit } from '../../audit.js';
import { actorId, type Actor } from '../../auth/actor.js';
import { loadProgramInScope } from '../../auth/scope.js';
import { MAX_PAGE_SIZE, type Page } from '../../pagination.js';
import { storeImportChunks } from './chunks.js';
import type { ImportFormat } from './format.js';
import type { ImportRun } from './run-import.js';

/** Imports rewrite members across every country of a program: admins, merchant servers and jobs only. */
function assertMayImport(actor: Actor): void {
  if (actor.kind === 'user' && actor.role !== 'admin') throw new ForbiddenError('Only an administrator may import members.');
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function importRunView(run: ImportRun) {
  return {
    id: run.id,
    programId: run.programId,
    format: run.format,
    dryRun: run.dryRun,
    status: run.status,
    byteSize: run.byteSize,
    totalRows: run.totalRows,
    processedRows: run.processedRows,
    insertedRows: run.insertedRows,
    updatedRows: run.updatedRows,
    unchangedRows: run.unchangedRows,
    failedRows: run.failedRows,
    failureReason: run.failureReason,
    createdBy: run.createdBy,
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
  };
}
export type ImportRunView = ReturnType<typeof importRunView>;

/**
 * Stores an uploaded member file and queues its processing. The body is streamed into
 * import_chunks piece by piece (never held whole), outside a transaction so a large upload does
 * not hold one open; a failed upload removes what it stored.
 */
export async function createImport(
  ctx: ServiceContext,
  input: { programId: string; format: ImportFormat; dryRun: boolean; body: AsyncIterable<Uint8Array> | null; maxBytes?: number },
): Promise<ImportRunView> {
  assertMayImport(ctx.actor);
  const program = await loadProgramInScope(ctx, input.programId);
  if (!input.body) throw new ValidationError([{ field: 'body', reason: 'the member file is missing' }]);
  const [created] = await ctx.db
    .insert(importRuns)
    .values({ programId: program.id, format: input.format, dryRun: input.dryRun, status: 'uploading', createdBy: actorId(ctx.actor) })
    .returning();
  const id = created!.id;
  let bytes: number;
  try {
    bytes = await storeImportChunks(ctx.db, id, input.body, input.maxBytes);
    if (bytes === 0) throw new ValidationError([{ field: 'body', reason: 'the member file is empty' }]);
  } catch (err) {
    await ctx.db.delete(importRuns).where(eq(importRuns.id, id));
    throw err;
  }
  const run = await withTransaction(ctx, async (tx) => {
    const [queued] = await tx.db.update(importRuns).set({ status: 'queued', byteSize: bytes }).where(eq(importRuns.id, id)).returning();
    await recordAudit(tx, {
      tenantId: program.tenantId,
      programId: program.id,
      action: 'members.import_created',
      entityType: 'import_run',
      entityId: id,
      after: { format: input.format, dryRun: input.dryRun, byteSize: bytes },
    });
    await enqueueAfterCommit(tx, 'members.import', { importId: id }, { jobId: `members.import:${id}` });
    return queued!;
  });
  return importRunView(run);
}

async function loadRun(ctx: ServiceContext, programId: string, importId: string): Promise<ImportRun> {
  assertMayImport(ctx.actor);
  const program = await loadProgramInScope(ctx, programId);
  const [run] = await ctx.db
    .select()
    .from(importRuns)
    .where(and(eq(importRuns.id, importId), eq(importRuns.programId, program.id)));
  if (!run) throw new NotFoundError('Import', importId);
  return run;
}

/**
 * A run with its progress and a page of its row errors (in file order; the cursor is an offset,
 * since errors are a list kept on the run rather than rows with ids).
 */
export async function getImport(
  ctx: ServiceContext,
  input: { programId: string; importId: string; errorsLimit?: number; errorsCursor?: string },
): Promise<ImportRunView & { errors: Page<ImportRun['errors'][number]> }> {
  const run = await loadRun(ctx, input.programId, input.importId);
  const limit = Math.min(input.errorsLimit ?? 100, 1000);
  const offset = input.errorsCursor ? Number.parseInt(input.errorsCursor, 10) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw new ValidationError([{ field: 'query.errorsCursor', reason: 'is not a cursor this API handed out' }]);
  const data = run.errors.slice(offset, offset + limit);
  const next = offset + data.length;
  return { ...importRunView(run), errors: { data, nextCursor: next < run.errors.length ? String(next) : null } };
}

/** The program's import runs, newest first. */
export async function listImports(ctx: ServiceContext, input: { programId: string; limit?: number; cursor?: string }): Promise<Page<ImportRunView>> {
  assertMayImport(ctx.actor);
  const program = await loadProgramInScope(ctx, input.programId);
  const limit = Math.min(input.limit ?? 50, MAX_PAGE_SIZE);
  const rows = await ctx.db
    .select()
    .from(importRuns)
    .where(and(eq(importRuns.programId, program.id), input.cursor ? lt(importRuns.id, input.cursor) : undefined))
    .orderBy(desc(importRuns.id))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { data: page.map(importRunView), nextCursor: more ? page[page.length - 1]!.id : null };
}
