/**
 * Re-seals every secret stored in the database under the current key (docs: README, "Rotating
 * SECRET_KEY"). Idempotent and resumable: run it again after an interruption.
 *
 *   SECRET_KEY=<new> SECRET_KEY_PREVIOUS=<old> npm run secrets:rotate
 *   npm run secrets:rotate        (embedded, no SECRET_KEY: rotates the key in DATA_DIR/secret.key;
 *                                  stop the server first)
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { openDatabase } from '../../db/client.js';
import { applyMigrations } from '../../db/migrate.js';
import { loadConfigOrExit } from '../config.js';
import { rotateSecrets, rotationKeys } from '../secrets/rotate.js';

const config = loadConfigOrExit();
const logger = pino({ level: 'warn' }, pino.destination(2));
const keys = rotationKeys(config);
const database = await openDatabase({ url: config.DATABASE_URL, dataDir: join(config.DATA_DIR, 'pglite'), poolSize: 2 });
let exitCode = 0;
try {
  await applyMigrations(database);
  const result = await rotateSecrets({ db: database.db, keyring: keys.keyring, logger });
  keys.finish();
  const total = Object.values(result.resealed).reduce((a, b) => a + b, 0);
  const lines = [`Every sealed value is now under key ${result.keyId} (${keys.source}); re-sealed now: ${total}.`];
  for (const [column, count] of Object.entries(result.resealed)) lines.push(`  ${column}: ${count}`);
  if (config.SECRET_KEY && config.SECRET_KEY_PREVIOUS.length > 0) lines.push('SECRET_KEY_PREVIOUS can now be removed from every process.');
  process.stdout.write(lines.join('\n') + '\n');
} catch (err) {
  process.stderr.write(`rotation stopped: ${(err as Error).message}\nNothing is lost; run it again once the cause is fixed.\n`);
  exitCode = 1;
} finally {
  await database.close();
}
process.exit(exitCode);
