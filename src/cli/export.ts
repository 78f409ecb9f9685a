/**
 * Exports a program's members from the configured database to stdout, in the import format:
 *
 *   npm run export -- --program <id> [--format csv|ndjson] > members.csv
 */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfigOrExit } from '../config.js';
import { systemActor } from '../core/auth/actor.js';
import { exportMembers } from '../core/members/export/export-members.js';
import type { JobQueue } from '../jobs/types.js';
import { closeRuntime, createRuntime } from '../runtime.js';

const { values } = parseArgs({ options: { program: { type: 'string' }, format: { type: 'string', default: 'csv' } } });
if (!values.program || (values.format !== 'csv' && values.format !== 'ndjson')) {
  process.stderr.write('usage: npm run export -- --program <id> [--format csv|ndjson] > members.csv\n');
  process.exit(2);
}

const config = loadConfigOrExit();
// Logs go to stderr: stdout carries the file.
const rt = await createRuntime(config, { logger: pino({ level: 'warn' }, pino.destination(2)) });
const noJobs: JobQueue = { enqueue: async () => {} };
let exitCode = 0;
try {
  const ctx = { db: rt.database.db, actor: systemActor('cli export'), logger: rt.logger, clock: rt.clock, jobs: noJobs, secrets: rt.secrets };
  for await (const chunk of await exportMembers(ctx, { programId: values.program, format: values.format })) {
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  }
} catch (err) {
  process.stderr.write(`export failed: ${(err as Error).message}\n`);
  exitCode = 1;
} finally {
  await closeRuntime(rt);
}
process.exit(exitCode);
