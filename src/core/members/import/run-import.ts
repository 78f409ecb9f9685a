import { eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../../db/client.js';
import { importRuns, MAX_STORED_IMPORT_ERRORS, programs, type ImportRowError } from '../../../../db/schema/index.js';
import type { Clock } from '../../../context.js';
import type { Logger } from '../../../logger.js';
import { pointsSettings } from '../../points/settings.js';
import { loadCustomFieldDefinitions } from '../definitions.js';
import { applyImportBatch, type BatchInput, type BatchResult } from './apply-batch.js';
import { deleteImportChunks, readImportChunks } from './chunks.js';
import type { RawMemberRow } from './format.js';
import { ImportFileError, readMemberRows } from './parse.js';
import { rowKeys } from './validate-row.js';

export type ImportRun = typeof importRuns.$inferSelect;

export interface RunImportDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
}

export interface RunImportOptions {
  batchSize?: number;
  /** Called after every batch with the run as stored (the CLI prints a progress line). */
  onProgress?: (run: ImportRun) => void;
}

export const IMPORT_BATCH_SIZE = 1000;

class DryRunRollback extends Error {}

/**
 * Processes a stored upload: streams it twice (once to count rows and collect external ids, once
 * to import), in batches that each commit together with the run's progress. That progress is
 * also the checkpoint: a retried run skips the rows already committed. Returns the final run.
 */
export async function runImport(deps: RunImportDeps, importId: string, opts: RunImportOptions = {}): Promise<ImportRun | null> {
  const { db, clock } = deps;
  const batchSize = opts.batchSize ?? IMPORT_BATCH_SIZE;
  const [initial] = await db.select().from(importRuns).where(eq(importRuns.id, importId));
  if (!initial || initial.status === 'completed' || initial.status === 'failed' || initial.status === 'uploading') return initial ?? null;
  const [started] = await db
    .update(importRuns)
    .set({ status: 'running', startedAt: initial.startedAt ?? clock() })
    .where(eq(importRuns.id, importId))
    .returning();
  let run: ImportRun | undefined = started;
  const [program] = await db.select().from(programs).where(eq(programs.id, initial.programId));
  const customFieldKeys = new Set((await loadCustomFieldDefinitions(db, initial.programId)).map((d) => d.key));
  const rows = () => readMemberRows(readImportChunks(db, importId), initial.format, { customFieldKeys });

  try {
    const fileExternalIds = new Set<string>();
    let total = 0;
    for await (const parsed of rows()) {
      total++;
      if ('row' in parsed) {
        const { externalId } = rowKeys(parsed.row);
        if (externalId) fileExternalIds.add(externalId);
      }
    }
    [run] = await db.update(importRuns).set({ totalRows: total }).where(eq(importRuns.id, importId)).returning();

    let storedErrors = run!.errors.length;
    const alreadyDone = run!.processedRows;
    const firstLineOf = { externalId: new Map<string, number>(), email: new Map<string, number>() };
    const acceptedExternalIds = new Set<string>();
    const deferred: BatchResult['deferredReferrals'] = [];
    let batch: { line: number; raw: RawMemberRow }[] = [];
    let rejected: ImportRowError[] = [];
    let rejectedRows = 0;
    let index = 0;

    const flush = async () => {
      if (!batch.length && !rejectedRows) return;
      const input: BatchInput = {
        programId: run!.programId,
        rows: batch,
        fileExternalIds,
        pointsSettings: pointsSettings(program!),
        now: clock(),
        actorType: 'system',
        actorId: run!.createdBy,
      };
      const pre = { errors: rejected, rows: rejectedRows };
      batch = [];
      rejected = [];
      rejectedRows = 0;
      let result: BatchResult | undefined;
      const progress = async (tx: Db) => {
        const errors = [...pre.errors, ...result!.errors].sort((a, b) => a.line - b.line);
        const keep = errors.slice(0, Math.max(0, MAX_STORED_IMPORT_ERRORS - storedErrors));
        const failed = pre.rows + new Set(result!.errors.map((e) => e.line)).size;
        const processed = failed + result!.inserted + result!.updated + result!.unchanged;
        const [updated] = await tx
          .update(importRuns)
          .set({
            processedRows: sql`${importRuns.processedRows} + ${processed}`,
            insertedRows: sql`${importRuns.insertedRows} + ${result!.inserted}`,
            updatedRows: sql`${importRuns.updatedRows} + ${result!.updated}`,
            unchangedRows: sql`${importRuns.unchangedRows} + ${result!.unchanged}`,
            failedRows: sql`${importRuns.failedRows} + ${failed}`,
            errors: sql`${importRuns.errors} || ${JSON.stringify(keep)}::jsonb`,
          })
          .where(eq(importRuns.id, importId))
          .returning();
        storedErrors += keep.length;
        return updated!;
      };
      if (run!.dryRun) {
        // The batch runs for real and is rolled back: the counts are exactly what a real run would do.
        await db
          .transaction(async (tx) => {
            result = await applyImportBatch(tx as unknown as Db, input);
            throw new DryRunRollback();
          })
          .catch((err) => {
            if (!(err instanceof DryRunRollback)) throw err;
          });
        run = await progress(db);
      } else {
        run = await db.transaction(async (tx) => {
          result = await applyImportBatch(tx as unknown as Db, input);
          return await progress(tx as unknown as Db);
        });
      }
      for (const id of result!.acceptedExternalIds) acceptedExternalIds.add(id);
      deferred.push(...result!.deferredReferrals);
      opts.onProgress?.(run!);
    };

    for await (const parsed of rows()) {
      index++;
      const duplicate = 'row' in parsed ? firstOccurrence(parsed.line, rowKeys(parsed.row), firstLineOf) : null;
      if (index <= alreadyDone) continue; // committed by an earlier attempt; still read for duplicates
      if ('issue' in parsed) {
        rejected.push({ line: parsed.line, ...parsed.issue });
        rejectedRows++;
      } else if (duplicate) {
        rejected.push(duplicate);
        rejectedRows++;
      } else {
        batch.push({ line: parsed.line, raw: parsed.row });
      }
      if (batch.length + rejectedRows >= batchSize) await flush();
    }
    await flush();
    const referralErrors = await linkDeferredReferrals(db, run!, deferred, acceptedExternalIds);
    [run] = await db
      .update(importRuns)
      .set({
        status: 'completed',
        finishedAt: clock(),
        errors: sql`${importRuns.errors} || ${JSON.stringify(referralErrors.slice(0, Math.max(0, MAX_STORED_IMPORT_ERRORS - storedErrors)))}::jsonb`,
      })
      .where(eq(importRuns.id, importId))
      .returning();
  } catch (err) {
    if (!(err instanceof ImportFileError)) throw err;
    [run] = await db
      .update(importRuns)
      .set({ status: 'failed', failureReason: err.message, finishedAt: clock(), errors: err.issues.slice(0, MAX_STORED_IMPORT_ERRORS) })
      .where(eq(importRuns.id, importId))
      .returning();
  }
  await deleteImportChunks(db, importId);
  deps.logger.info({ importId, status: run!.status, processed: run!.processedRows, failed: run!.failedRows }, 'member import finished');
  opts.onProgress?.(run!);
  return run!;
}

/** The error for a row whose externalId or email already appeared further up the file. */
function firstOccurrence(
  line: number,
  keys: { externalId: string | null; emailNormalized: string | null },
  firstLineOf: { externalId: Map<string, number>; email: Map<string, number> },
): ImportRowError | null {
  let issue: ImportRowError | null = null;
  if (keys.externalId) {
    const first = firstLineOf.externalId.get(keys.externalId);
    if (first === undefined) firstLineOf.externalId.set(keys.externalId, line);
    else issue = { line, field: 'externalId', reason: `duplicate of line ${first} in this file` };
  }
  if (keys.emailNormalized) {
    const first = firstLineOf.email.get(keys.emailNormalized);
    if (first === undefined) firstLineOf.email.set(keys.emailNormalized, line);
    else issue ??= { line, field: 'email', reason: `duplicate of line ${first} in this file` };
  }
  return issue;
}

/**
 * Links members to referrers that came later in the file. A referrer whose own row was rejected
 * leaves the member without a referrer, reported against the member's line (the row itself is in).
 */
async function linkDeferredReferrals(
  db: Db,
  run: ImportRun,
  deferred: BatchResult['deferredReferrals'],
  accepted: ReadonlySet<string>,
): Promise<ImportRowError[]> {
  if (!deferred.length) return [];
  const missing = deferred.filter((d) => !accepted.has(d.referrerExternalId));
  const errors = missing.map((d) => ({ line: d.line, field: 'referredByExternalId', reason: `the row of referrer ${d.referrerExternalId} was rejected; imported without a referrer` }));
  const links = deferred.filter((d) => accepted.has(d.referrerExternalId));
  if (run.dryRun || !links.length) return errors;
  for (let i = 0; i < links.length; i += IMPORT_BATCH_SIZE) {
    const slice = links.slice(i, i + IMPORT_BATCH_SIZE).map((d) => ({ member_id: d.memberId, referrer: d.referrerExternalId }));
    await queryRows(
      db,
      sql`update members m set referred_by_member_id = r.id, updated_at = now()
          from jsonb_to_recordset(${JSON.stringify(slice)}::jsonb) as l(member_id text, referrer text)
          join members r on r.program_id = ${run.programId} and r.external_id = l.referrer
          where m.id = l.member_id and m.program_id = ${run.programId} and m.referred_by_member_id is distinct from r.id`,
    );
  }
  return errors;
}
