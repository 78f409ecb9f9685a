import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { keyringFromConfig } from '../../../src/secrets/from-config.js';
import { readKeyFile } from '../../../src/secrets/key-file.js';
import { rotationKeys } from '../../../src/secrets/rotate.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-key-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const key = () => randomBytes(32).toString('base64');
const issuesOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
};

describe('SECRET_KEY', () => {
  it('is required with DATABASE_URL: the process refuses to start, naming the variable and how to make one', () => {
    const issues = issuesOf({ DATABASE_URL: 'postgres://db.example/trellis' });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.variable).toBe('SECRET_KEY');
    expect(issues[0]!.reason).toMatch(/required when DATABASE_URL is set/);
    expect(issues[0]!.reason).toContain('openssl rand -base64 32');
    // What `npm start`, `npm run worker` and the CLIs print before exiting with 1 (loadConfigOrExit).
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db.example/trellis', SECRET_KEY: '  ' })).toThrow(/SECRET_KEY: is required/);
    expect(() => keyringFromConfig({ ...loadConfig({}), DATABASE_URL: 'postgres://db.example/trellis' })).toThrow(/SECRET_KEY is required/);
  });

  it('accepts 32 random bytes in base64 (standard or URL-safe) and refuses anything else', () => {
    const good = key();
    expect(loadConfig({ DATABASE_URL: 'postgres://db.example/trellis', SECRET_KEY: good }).SECRET_KEY).toBe(good);
    expect(loadConfig({ SECRET_KEY: randomBytes(32).toString('base64url') }).SECRET_KEY).toBeDefined();
    for (const bad of ['secret', randomBytes(16).toString('base64'), randomBytes(48).toString('base64'), `${good.slice(0, -2)}!=`]) {
      expect(issuesOf({ SECRET_KEY: bad }).map((i) => i.variable)).toEqual(['SECRET_KEY']);
    }
  });

  it('takes previous keys, comma-separated, which open values but never seal', () => {
    const [current, a, b] = [key(), key(), key()];
    const config = loadConfig({ SECRET_KEY: current, SECRET_KEY_PREVIOUS: ` ${a}, ${b} ` });
    expect(config.SECRET_KEY_PREVIOUS).toEqual([a, b]);
    const keyring = keyringFromConfig(config);
    const sealer = keyringFromConfig(loadConfig({ SECRET_KEY: b }));
    const at = { table: 't', column: 'c', rowId: '1' };
    expect(keyring.openText(sealer.seal('x', at), at)).toBe('x');
    expect(keyring.sealedWithCurrent(keyring.seal('x', at))).toBe(true);
    expect(issuesOf({ SECRET_KEY: current, SECRET_KEY_PREVIOUS: `${a},nope` }).map((i) => i.variable)).toEqual(['SECRET_KEY_PREVIOUS']);
    expect(loadConfig({}).SECRET_KEY_PREVIOUS).toEqual([]);
  });
});

describe('the embedded key file', () => {
  it('is generated into DATA_DIR on first boot, readable by its owner only, and reused after', () => {
    const dataDir = tempDir();
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.SECRET_KEY).toBeUndefined();
    const first = keyringFromConfig(config);
    const path = join(dataDir, 'secret.key');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).toHaveLength(32);
    const at = { table: 't', column: 'c', rowId: '1' };
    const sealed = first.seal('kept', at);
    const second = keyringFromConfig(config);
    expect(second.current.id).toBe(first.current.id);
    expect(second.openText(sealed, at)).toBe('kept');
  });

  it('is not used when SECRET_KEY is set, and a damaged file stops the boot with a clear message', () => {
    const dataDir = tempDir();
    const given = key();
    expect(keyringFromConfig(loadConfig({ DATA_DIR: dataDir, SECRET_KEY: given })).current.id).toBe(keyringFromConfig(loadConfig({ SECRET_KEY: given })).current.id);
    expect(readKeyFile(dataDir)).toBeUndefined();
    writeFileSync(join(dataDir, 'secret.key'), 'not a key\n', { mode: 0o600 });
    expect(() => keyringFromConfig(loadConfig({ DATA_DIR: dataDir }))).toThrow(/secret\.key must hold 32-byte keys/);
  });

  it('rotates in steps a crash cannot break: new key first (old kept to open), then the old one dropped', () => {
    const dataDir = tempDir();
    const config = loadConfig({ DATA_DIR: dataDir });
    const before = keyringFromConfig(config);
    const rotation = rotationKeys(config);
    expect(rotation.keyring.current.id).not.toBe(before.current.id);
    expect(rotation.keyring.previousKeyIds).toEqual([before.current.id]);
    // A server started now (the run stopped half-way) seals with the new key and opens both.
    const meanwhile = keyringFromConfig(config);
    expect([meanwhile.current.id, meanwhile.previousKeyIds]).toEqual([rotation.keyring.current.id, [before.current.id]]);
    // Running again completes that rotation instead of starting another.
    const resumed = rotationKeys(config);
    expect([resumed.keyring.current.id, resumed.keyring.previousKeyIds]).toEqual([rotation.keyring.current.id, [before.current.id]]);
    resumed.finish();
    const after = keyringFromConfig(config);
    expect([after.current.id, after.previousKeyIds]).toEqual([rotation.keyring.current.id, []]);
    expect(statSync(join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
  });
});
