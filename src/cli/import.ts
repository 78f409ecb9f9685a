/**
 * Imports a member file straight into the configured database, in this process:
 *
 *   npm run import -- --program <id> --file members.csv [--format csv|ndjson] [--dry-run]
 *
 * Prints a live progress line to stderr and the run as JSON to stdout (exit code 1 if it failed).
 */
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfigOrExit } from '../config.js';
import { systemActor } from '../core/auth/actor.js';
import { createImport } from '../core/members/import/imports.js';
import { runImport } from '../core/members/import/run-import.js';
import type { ImportFormat } from '../core/members/import/format.js';
import { closeRuntime, createRuntime } from '../runtime.js';
import type { JobQueue } from '../jobs/types.js';

const { values } = parseArgs({
  options: {
    program: { type: 'string' },
    file: { type: 'string' },
    format: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
});

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run import -- --program <id> --file members.csv [--format csv|ndjson] [--dry-run]\n`);
  process.exit(2);
}

if (!values.program) usage('--program is required');
if (!values.file) usage('--file is required');
const format = (values.format ?? (/\.(nd)?jsonl?$|\.ndjson$/i.test(values.file) ? 'ndjson' : 'csv')) as ImportFormat;
if (format !== 'csv' && format !== 'ndjson') usage('--format must be csv or ndjson');

const config = loadConfigOrExit();
// Logs go to stderr: stdout carries the JSON summary.
const rt = await createRuntime(config, { logger: pino({ level: 'warn' }, pino.destination(2)) });
// This process runs the import itself, so nothing is handed to a job queue.
const noJobs: JobQueue = { enqueue: async () => {} };
const ctx = { db: rt.database.db, actor: systemActor('cli import'), logger: rt.logger, clock: rt.clock, jobs: noJobs, secrets: rt.secrets };
let exitCode = 0;
try {
  const created = await createImport(ctx, { programId: values.program, format, dryRun: values['dry-run'] ?? false, body: createReadStream(values.file) });
  const started = Date.now();
  const run = await runImport(ctx, created.id, {
    onProgress: (r) => {
      const rate = Math.round(r.processedRows / Math.max(0.001, (Date.now() - started) / 1000));
      process.stderr.write(
        `\r${r.status} ${r.processedRows}/${r.totalRows ?? '?'} rows: ${r.insertedRows} inserted, ${r.updatedRows} updated, ` +
          `${r.unchangedRows} unchanged, ${r.failedRows} failed (${rate} rows/s)   `,
      );
    },
  });
  process.stderr.write('\n');
  process.stdout.write(JSON.stringify(run, null, 2) + '\n');
  if (run?.status !== 'completed') exitCode = 1;
} catch (err) {
  process.stderr.write(`\nimport failed: ${(err as Error).message}\n`);
  const details = (err as { details?: unknown }).details;
  if (details) process.stderr.write(JSON.stringify(details, null, 2) + '\n');
  exitCode = 1;
} finally {
  await closeRuntime(rt);
}
process.exit(exitCode);
