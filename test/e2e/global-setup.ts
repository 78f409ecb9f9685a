import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the web app did not build for this run; empty when web/dist is current. */
    webBuildError: string;
  }
}

/**
 * Builds the web app once per run, before any browser test boots a server that serves web/dist.
 * A lock file (flock, outside the repo) keeps two runs in the same checkout, such as the embedded
 * and the PostgreSQL suites started side by side, from building into web/dist at the same time.
 * A failed build fails every browser test (startTrellis reports it) rather than the whole run, so
 * the unit and integration results still count.
 */
export default function setup(project: TestProject) {
  project.provide('webBuildError', buildWeb());
}

function buildWeb(): string {
  const repo = fileURLToPath(new URL('../../', import.meta.url));
  const script = join(repo, 'web', 'build-if-needed.mjs');
  if (!existsSync(script)) return `${script} is missing`;
  const lock = join(tmpdir(), `trellis-web-build-${createHash('sha256').update(repo).digest('hex').slice(0, 12)}.lock`);
  const result = spawnSync('flock', [lock, process.execPath, script], { cwd: repo, encoding: 'utf8', timeout: 600_000 });
  if (result.error) return `could not run ${script} under flock: ${result.error.message}`;
  if (result.status !== 0) return `${script} exited with ${result.status ?? result.signal}:\n${result.stdout}${result.stderr}`;
  return '';
}
