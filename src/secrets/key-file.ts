import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_BYTES } from './envelope.js';

/**
 * The embedded mode's generated key-encryption key: DATA_DIR/secret.key, made on first boot when
 * no SECRET_KEY is set and reused on every later one. One base64 key per line, readable by the
 * owner only (0600). The first line seals; further lines only open (a rotation in progress,
 * `npm run secrets:rotate`). It sits next to the database it unlocks, so a copy of DATA_DIR is a
 * copy of both: with a real PostgreSQL the key comes from the environment instead.
 */
export const KEY_FILE_NAME = 'secret.key';

export interface KeyFile {
  path: string;
  /** The current key first, then the ones that still open values. */
  keys: Buffer[];
  /** Made by this call. */
  created: boolean;
  /** Group or others may read it (it was copied or its mode changed). */
  exposed: boolean;
}

export const keyFilePath = (dataDir: string) => join(dataDir, KEY_FILE_NAME);

export const newSecretKey = (): Buffer => randomBytes(KEY_BYTES);

function parseKeys(path: string, text: string): Buffer[] {
  const keys = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => Buffer.from(line, 'base64'));
  if (keys.length === 0 || keys.some((k) => k.length !== KEY_BYTES)) {
    throw new Error(`${path} must hold ${KEY_BYTES}-byte keys in base64, one a line; it does not. Restore it from a backup (without it, sealed values cannot be opened).`);
  }
  return keys;
}

/** Writes a complete file under a temporary name first: a reader never sees half a key. */
function writeTemp(path: string, keys: readonly Buffer[]): string {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, keys.map((k) => k.toString('base64')).join('\n') + '\n', { mode: 0o600, flag: 'wx' });
  return temp;
}

export function readKeyFile(dataDir: string): KeyFile | undefined {
  const path = keyFilePath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return { path, keys: parseKeys(path, text), created: false, exposed: (statSync(path).mode & 0o077) !== 0 };
}

/** The key file, made with one fresh key when there is none (two processes racing make one). */
export function loadOrCreateKeyFile(dataDir: string): KeyFile {
  const existing = readKeyFile(dataDir);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const path = keyFilePath(dataDir);
  const temp = writeTemp(path, [newSecretKey()]);
  try {
    // A hard link fails when the name exists: whoever links first made the key everyone uses.
    linkSync(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readKeyFile(dataDir)!;
  } finally {
    unlinkSync(temp);
  }
  return { ...readKeyFile(dataDir)!, created: true };
}

/** Replaces the key file at once (rename), for the rotation command. */
export function replaceKeyFile(dataDir: string, keys: readonly Buffer[]): void {
  const path = keyFilePath(dataDir);
  renameSync(writeTemp(path, keys), path);
}
