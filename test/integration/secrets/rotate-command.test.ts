import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows } from '../../../db/client.js';
import { loadConfig } from '../../../src/config.js';
import { keyringFromConfig } from '../../../src/secrets/from-config.js';
import { Keyring, SEALED_COLUMNS, sealedAt } from '../../../src/secrets/index.js';
import { usingPostgres } from '../../helpers/database.js';
import { createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { randomSecretKey } from '../../helpers/secrets.js';
import { apiKeyIdOf } from '../conversions/fixtures.js';
import { sealedValues } from './fixtures.js';

let h: Harness;
const dataDir = mkdtempSync(join(tmpdir(), 'trellis-rotate-'));
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** `npm run secrets:rotate` (node with tsx's loader, as the npm script runs it), with only `env` configured. */
async function rotateCommand(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/rotate-secrets.ts'], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

describe('npm run secrets:rotate', () => {
  it(
    usingPostgres() ? 're-seals a PostgreSQL database under SECRET_KEY, opening what SECRET_KEY_PREVIOUS sealed' : 'rotates the embedded key file and re-seals the database under the new key',
    async () => {
      const w = await createWorld(h);
      const keyId = await apiKeyIdOf(h, w.program.id);
      const secret: string = (await h.request('POST', `/v1/api-keys/${keyId}/signing-secret`, { token: w.admin.token })).body.signingSecret;
      const before = await sealedValues(h);
      expect(before.length).toBeGreaterThanOrEqual(3);

      if (usingPostgres()) {
        const newKey = randomSecretKey();
        const env = { DATABASE_URL: h.databaseUrl!, SECRET_KEY: newKey, SECRET_KEY_PREVIOUS: h.config.SECRET_KEY! };
        const run = await rotateCommand(env);
        expect(run.output).toMatch(/Every sealed value is now under key [0-9a-f]{16} \(SECRET_KEY\); re-sealed now: \d+/);
        expect(run.code).toBe(0);
        const keyring = new Keyring(Buffer.from(newKey, 'base64'));
        const after = await sealedValues(h);
        expect(after.every((v) => keyring.sealedWithCurrent(v.sealed))).toBe(true);
        const [row] = after.filter((v) => v.column === 'api_keys.signing_secret_sealed' && v.rowId === keyId);
        expect(keyring.openText(row!.sealed, sealedAt(SEALED_COLUMNS.apiKeySigningSecret, keyId))).toBe(secret);
        // Run again: nothing left to do.
        const again = await rotateCommand(env);
        expect(again.output).toContain('re-sealed now: 0');
        expect(await sealedValues(h)).toEqual(after);
        // Without the old key a value sealed under it stops the run, which says so and exits 1.
        const stranded = await rotateCommand({ DATABASE_URL: h.databaseUrl!, SECRET_KEY: randomSecretKey() });
        expect(stranded.code).toBe(1);
        expect(stranded.output).toMatch(/rotation stopped: .*sealed with key/);
        return;
      }

      // Embedded: this database as a data directory, and the key as the file the server generated.
      const dump = await (h.db as unknown as { $client: PGlite }).$client.dumpDataDir('none');
      const copy = new PGlite(join(dataDir, 'pglite'), { loadDataDir: dump });
      await copy.waitReady;
      await copy.close();
      writeFileSync(join(dataDir, 'secret.key'), `${h.config.SECRET_KEY}\n`, { mode: 0o600 });
      const run = await rotateCommand({ DATA_DIR: dataDir });
      expect(run.output).toMatch(/Every sealed value is now under key [0-9a-f]{16} \(.*secret\.key\); re-sealed now: \d+/);
      expect(run.code).toBe(0);
      const lines = readFileSync(join(dataDir, 'secret.key'), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toBe(h.config.SECRET_KEY);
      const keyring = keyringFromConfig(loadConfig({ DATA_DIR: dataDir }));
      const database = await openDatabase({ dataDir: join(dataDir, 'pglite') });
      try {
        const [row] = await queryRows<{ sealed: string }>(database.db, sql`select signing_secret_sealed as sealed from api_keys where id = ${keyId}`);
        expect(keyring.sealedWithCurrent(row!.sealed)).toBe(true);
        expect(keyring.openText(row!.sealed, sealedAt(SEALED_COLUMNS.apiKeySigningSecret, keyId))).toBe(secret);
        const keys = await queryRows<{ sealed: string }>(database.db, sql`select private_key_sealed as sealed from signing_keys`);
        expect(keys.length).toBeGreaterThanOrEqual(2);
        expect(keys.every((r) => keyring.sealedWithCurrent(r.sealed))).toBe(true);
      } finally {
        await database.close();
      }
    },
    120_000,
  );
});
