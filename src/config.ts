import { z } from 'zod';

/**
 * Every environment variable Trellis reads, parsed once at boot. Nothing else reads process.env.
 * A bad value stops the process with a message naming the variable (see loadConfig).
 */
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(p)), {
      message: `must start with ${protocols.join(' or ')}`,
    });

const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** An HTTP header name, stored lower-case; empty means unset. */
const headerName = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v.toLowerCase() : undefined))
  .refine((v) => v === undefined || /^[a-z0-9-]+$/.test(v), { message: 'must be an HTTP header name' });

/** TRANSPARENCY_WITNESSES: a JSON array of witnesses the log asks to cosign its checkpoints. */
const witnessList = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return [];
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.array(z.object({ vkey: z.string().trim().min(1), url: z.string().url().refine((u) => /^https?:\/\//.test(u), { message: 'must be an http(s) URL' }) })));

/**
 * A key-encryption key (SECRET_KEY): 32 random bytes in base64 (standard or URL-safe, padding
 * optional), e.g. from `openssl rand -base64 32`. Empty means unset.
 */
const SECRET_KEY_TEXT = /^[A-Za-z0-9+/_-]{43}=?$/;
const SECRET_KEY_HINT = 'must be 32 random bytes in base64: make one with `openssl rand -base64 32`';
const secretKey = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v))
  .refine((v) => v === undefined || SECRET_KEY_TEXT.test(v), { message: SECRET_KEY_HINT });

/** SECRET_KEY_PREVIOUS: keys that still open sealed values (comma-separated), never used to seal. */
const secretKeyList = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((k) => k.trim()).filter(Boolean))
  .refine((keys) => keys.every((k) => SECRET_KEY_TEXT.test(k)), { message: `each key (comma-separated) ${SECRET_KEY_HINT}` });

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .describe('bind address; unset: 127.0.0.1 while the database holds the demo data, else 0.0.0.0 (src/bind-address.ts)'),
  PUBLIC_URL: optionalUrl(['http://', 'https://']).describe('the URL printed and used in every absolute URL Trellis builds; unset: http://localhost:$PORT'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalUrl(['postgres://', 'postgresql://']),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: optionalUrl(['redis://', 'rediss://']),
  JOBS_QUEUE_PREFIX: z.string().min(1).default('trellis'),
  JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  SEED_DEMO: z
    .enum(['auto', 'never', 'always'])
    .default('auto')
    .describe('auto seeds the demo program only when the database is empty'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  RUN_WORKERS: boolish.describe('with REDIS_URL, also run job workers inside the API process'),
  // Tracking: the redirect hot path and the click pipeline (src/tracking).
  TRACKING_COUNTRY_HEADER: headerName.describe('trusted proxy header holding the visitor country, e.g. cf-ipcountry; unset means XX'),
  TRACKING_CLIENT_IP_HEADER: headerName.describe('trusted proxy header holding the client IP, e.g. cf-connecting-ip or x-forwarded-for (last entry); unset means the socket address'),
  LINK_CACHE_TTL_MS: z.coerce.number().int().min(50).max(3_600_000).optional().describe('link cache lifetime; default 60000 with REDIS_URL (pub/sub invalidates), 500 without'),
  CLICK_FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(100),
  CLICK_FLUSH_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(5_000),
  CLICK_BUFFER_MAX: z.coerce.number().int().min(100).max(5_000_000).default(200_000).describe('clicks held in memory at most; beyond it redirects wait for room'),
  CLICK_BUFFER_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(2_000).describe('how long a redirect waits for room in a full buffer before it is answered without recording'),
  CLICK_RETENTION_MONTHS: z.coerce.number().int().min(1).max(120).default(13),
  REDIRECT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(0).describe('per client IP; 0 turns it off'),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1_200).describe('per caller (token, API key or IP) on /v1; 0 turns it off'),
  // Transparency log (src/transparency): the checkpoint origin, witnesses, how often the sequencer runs.
  TRANSPARENCY_ORIGIN: z
    .string()
    .trim()
    .default('trellis.localhost/log')
    .refine((v) => /^[\x21-\x7e]+$/.test(v) && !v.includes('+') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(v), {
      message: 'must be a schema-less origin line such as example.com/log (printable ASCII, no spaces, no "+")',
    })
    .describe('the log origin (first checkpoint line; also the name of the log key)'),
  TRANSPARENCY_WITNESSES: witnessList.describe('JSON array of { "vkey": "<witness vkey>", "url": "https://..." }'),
  TRANSPARENCY_SEQUENCE_INTERVAL_MS: z.coerce.number().int().min(50).max(86_400_000).default(1_000),
  // Payouts (src/payouts): Stripe Connect. Without a secret key payouts run in manual mode.
  STRIPE_SECRET_KEY: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/.test(v), { message: 'must be a Stripe secret or restricted key (sk_live_..., sk_test_...)' })
    .describe('Stripe secret key; unset runs payouts in manual mode'),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .describe('the signing secret(s) (whsec_..., comma-separated: platform and Connect endpoints) of the webhook endpoints pointing at /v1/stripe/webhooks'),
  STRIPE_API_BASE: optionalUrl(['http://', 'https://']).describe('where the Stripe SDK sends requests; default https://api.stripe.com (tests point it at a local server)'),
  // Secrets at rest (src/secrets): the key-encryption key that seals signing keys, bank details and
  // signing secrets in the database. Embedded without one, a key is generated into DATA_DIR.
  SECRET_KEY: secretKey.describe('32 random bytes, base64 (`openssl rand -base64 32`); required with DATABASE_URL, the same in every process'),
  SECRET_KEY_PREVIOUS: secretKeyList.describe('during a key rotation: the former SECRET_KEY (comma-separated keys), which still opens values but never seals'),
}).superRefine((config, ctx) => {
  // Every process sharing a PostgreSQL database must open what the others sealed: a key generated
  // per machine would lock the others out, so a shared database needs the key given explicitly.
  if (config.DATABASE_URL && !config.SECRET_KEY) {
    ctx.addIssue({
      code: 'custom',
      path: ['SECRET_KEY'],
      message:
        'is required when DATABASE_URL is set: it seals signing keys, bank details and signing secrets in the database, and every process must use the same one. ' +
        "Make one with `openssl rand -base64 32` (or `node -e \"console.log(require('node:crypto').randomBytes(32).toString('base64'))\"`) and set it in every process's environment",
    });
  }
});

/**
 * The parsed environment, with PUBLIC_URL resolved once: every absolute URL Trellis builds (short
 * links, statements, onboarding return URLs) starts with it, never with a request's Host header,
 * which the client chooses.
 */
const resolvedConfigSchema = configSchema.transform((c) => ({ ...c, PUBLIC_URL: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '') }));

export type Config = z.output<typeof resolvedConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; reason: string }[]) {
    super(
      'Invalid configuration:\n' + issues.map((i) => `  ${i.variable}: ${i.reason}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default); throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = resolvedConfigSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(unknown)'),
        reason: issue.message,
      })),
    );
  }
  return result.data;
}

/** The server and CLIs call this: a bad value prints a clear message and exits with code 1. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    throw err;
  }
}
