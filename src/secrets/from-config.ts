import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { loadOrCreateKeyFile } from './key-file.js';
import { Keyring } from './keyring.js';

export type SecretsConfig = Pick<Config, 'SECRET_KEY' | 'SECRET_KEY_PREVIOUS' | 'DATA_DIR' | 'DATABASE_URL'>;

const decode = (key: string) => Buffer.from(key, 'base64');

/**
 * The process's keyring: SECRET_KEY (and SECRET_KEY_PREVIOUS) when set; otherwise, on the embedded
 * database only, the key file in DATA_DIR, made on first boot. loadConfig already refuses a
 * DATABASE_URL without SECRET_KEY; this refuses it again for callers that built a config by hand.
 */
export function keyringFromConfig(config: SecretsConfig, logger?: Logger): Keyring {
  const previous = config.SECRET_KEY_PREVIOUS.map(decode);
  if (config.SECRET_KEY) return new Keyring(decode(config.SECRET_KEY), previous);
  if (config.DATABASE_URL) throw new Error('SECRET_KEY is required when DATABASE_URL is set (make one with `openssl rand -base64 32`).');
  const file = loadOrCreateKeyFile(config.DATA_DIR);
  if (file.created) logger?.info({ path: file.path }, 'generated the secret key for the embedded database; back it up with the data directory');
  if (file.exposed) logger?.warn({ path: file.path }, 'the secret key file is readable by others than its owner: chmod 600 it');
  const [current, ...rest] = file.keys;
  return new Keyring(current!, [...rest, ...previous], file.path);
}
