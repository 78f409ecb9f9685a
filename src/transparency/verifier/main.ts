/** The trellis-verify process: `bin/trellis-verify.mjs` and `npm run verify` start here. */
import { runCli } from './cli.js';

process.exitCode = await runCli(
  process.argv.slice(2),
  (line) => process.stdout.write(line + '\n'),
  (line) => process.stderr.write(line + '\n'),
);
