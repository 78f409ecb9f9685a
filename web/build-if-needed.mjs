// Builds the web app when web/dist is missing or older than its sources, so `npm start` (and the
// browser tests) always serve the current dashboards without a separate build step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = dirname(fileURLToPath(import.meta.url));
const repo = join(web, '..');
const stamp = join(web, 'dist', 'index.html');
const sources = [join(web, 'src'), join(web, 'index.html'), join(web, 'vite.config.ts'), join(repo, 'src', 'i18n', 'locales')];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changed = Math.max(...sources.map(newestMtime));
if (built >= changed) process.exit(0);

process.stdout.write('Building the web app (web/dist)...\n');
// Built beside web/dist and swapped in at the end, so a server already running never serves a
// half-written folder.
const fresh = join(web, `.dist-${process.pid}`);
const old = join(web, `.dist-old-${process.pid}`);
const vite = join(repo, 'node_modules', 'vite', 'bin', 'vite.js');
const result = spawnSync(process.execPath, [vite, 'build', '--config', join(web, 'vite.config.ts'), '--outDir', fresh, '--emptyOutDir', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit' });
if (result.status !== 0) {
  rmSync(fresh, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}
const dist = join(web, 'dist');
if (existsSync(dist)) renameSync(dist, old);
renameSync(fresh, dist);
rmSync(old, { recursive: true, force: true });
