import { and, desc, eq, gt, inArray, max, type SQL } from 'drizzle-orm';
import { loginAttempts } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { RateLimitedError } from '../../errors.js';

/**
 * The brute-force brakes, counted in login_attempts so every API process brakes together. They
 * stop an ADDRESS, never an account: a guesser can never lock the owner out.
 * - per account and address: this many failures for one email from one address within the
 *   window stop that address for that email (a success from that address clears its count);
 * - per address: this many failures from one address across all emails within the window stop
 *   that address (password spraying), whatever it logs in to.
 */
export const LOGIN_BRAKE = { perAccountAddress: 10, perAddress: 30, windowMs: 15 * 60_000 } as const;

/** HMAC of a client address under the secret of a UTC day (the click IP hasher, src/tracking/clicks/ip-hash.ts). */
export interface AddressHasher {
  hash(address: string, at: Date): string;
}

/** Where a login or password-change attempt comes from: the client address (trusted header, else socket). */
export interface LoginSource {
  address: string;
  hasher: AddressHasher;
}

type BrakeDeps = Pick<ServiceContext, 'db' | 'clock'>;

export const normalizeLoginEmail = (email: string) => email.trim().toLowerCase();

/**
 * The hashes this address may have in the window: today's secret and, across midnight UTC, the
 * window start's day's secret too, so the count does not start over at midnight.
 */
function addressHashes(source: LoginSource, now: Date, windowStart: Date): string[] {
  return [...new Set([source.hasher.hash(source.address, now), source.hasher.hash(source.address, windowStart)])];
}

/**
 * Refuses (429, Retry-After) an attempt from an address that is braked for this email or for
 * every email. A refused attempt is not recorded, so waiting out Retry-After is enough.
 */
export async function assertLoginNotBraked(deps: BrakeDeps, email: string, source: LoginSource): Promise<void> {
  const now = deps.clock();
  const windowStart = new Date(now.getTime() - LOGIN_BRAKE.windowMs);
  const hashes = addressHashes(source, now, windowStart);
  const fromAddress = and(inArray(loginAttempts.addressHash, hashes), eq(loginAttempts.succeeded, false), gt(loginAttempts.at, windowStart));
  const sprayed = await nthLatestFailure(deps, fromAddress, LOGIN_BRAKE.perAddress);
  if (sprayed) throw braked(now, sprayed, 'Too many failed logins from your address; try again later.');

  const forAccount = and(eq(loginAttempts.emailNormalized, email), inArray(loginAttempts.addressHash, hashes));
  const [lastSuccess] = await deps.db
    .select({ at: max(loginAttempts.at) })
    .from(loginAttempts)
    .where(and(forAccount, eq(loginAttempts.succeeded, true), gt(loginAttempts.at, windowStart)));
  const since = lastSuccess?.at && lastSuccess.at > windowStart ? lastSuccess.at : windowStart;
  const guessed = await nthLatestFailure(deps, and(forAccount, eq(loginAttempts.succeeded, false), gt(loginAttempts.at, since)), LOGIN_BRAKE.perAccountAddress);
  if (guessed) throw braked(now, guessed, 'Too many failed attempts for this account from your address; try again in a few minutes.');
}

/**
 * The time of the n-th latest failure matching `where`, if there are n: the brake holds until it
 * leaves the window, when fewer than n remain.
 */
async function nthLatestFailure(deps: BrakeDeps, where: SQL | undefined, n: number): Promise<Date | undefined> {
  const [row] = await deps.db.select({ at: loginAttempts.at }).from(loginAttempts).where(where).orderBy(desc(loginAttempts.at)).offset(n - 1).limit(1);
  return row?.at;
}

function braked(now: Date, nthLatest: Date, message: string): RateLimitedError {
  const retryAfterSeconds = Math.max(1, Math.ceil((nthLatest.getTime() + LOGIN_BRAKE.windowMs - now.getTime()) / 1000));
  return new RateLimitedError(message, retryAfterSeconds);
}

export async function recordLoginAttempt(deps: BrakeDeps, email: string, source: LoginSource, succeeded: boolean): Promise<void> {
  const at = deps.clock();
  await deps.db.insert(loginAttempts).values({ emailNormalized: normalizeLoginEmail(email), addressHash: source.hasher.hash(source.address, at), succeeded, at });
}
