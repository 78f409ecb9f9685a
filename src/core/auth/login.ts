import { and, count, eq, gt, max, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { loginAttempts, members, users } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { ForbiddenError, RateLimitedError, UnauthorizedError } from '../../errors.js';
import type { AccessTokenClaims, TokenService } from './tokens.js';
import { toUserView, type UserRow, type UserView } from '../users/view.js';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './passwords.js';

/** The brute-force brake: this many failures for one email within the window locks it out. */
export const LOGIN_BRAKE = { maxFailures: 10, windowMs: 15 * 60_000 } as const;


export const normalizeLoginEmail = (email: string) => email.trim().toLowerCase();

type LoginDeps = Pick<ServiceContext, 'db' | 'clock' | 'logger'> & { tokens: TokenService };

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresAt: Date;
  user: UserView;
}

/**
 * Exchanges email and password for an access token. An unknown email costs the same scrypt work
 * as a known one, and both failures look alike, so neither timing nor answer reveals accounts.
 */
export async function login(deps: LoginDeps, input: { email: string; password: string }): Promise<LoginResult> {
  const email = normalizeLoginEmail(input.email);
  await assertLoginNotBraked(deps, email);
  const [user] = await deps.db.select().from(users).where(eq(sql`lower(${users.email})`, email));
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !passwordOk) {
    await recordLoginAttempt(deps, email, false);
    throw new UnauthorizedError('The email or password is wrong.', 'invalid_credentials');
  }
  // Told only to someone who knows the password, so it reveals nothing to a guesser.
  if (user.status !== 'active') throw new ForbiddenError('This account is disabled.', 'account_disabled');

  const claims = await claimsForUser(deps.db, user);
  const { token, expiresAt } = await deps.tokens.issue(claims);
  const now = deps.clock();
  await recordLoginAttempt(deps, email, true);
  const [updated] = await deps.db.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id)).returning();
  deps.logger.info({ userId: user.id }, 'user logged in');
  return { accessToken: token, tokenType: 'Bearer', expiresAt, user: toUserView(updated ?? user, claims.pid ?? null) };
}

/** What an access token says about a user: tenant, role, and the scope that role needs. */
export async function claimsForUser(db: Db, user: UserRow): Promise<AccessTokenClaims> {
  const base = { sub: user.id, tid: user.tenantId, role: user.role };
  switch (user.role) {
    case 'admin':
      return base;
    case 'regional_manager':
      return { ...base, countries: user.countries };
    case 'affiliate':
    case 'member': {
      const [member] = user.memberId
        ? await db.select({ programId: members.programId }).from(members).where(eq(members.id, user.memberId))
        : [];
      // The users service never stores such a user; a hand-edited row must not get a scope-less token.
      if (!member) throw new Error(`user ${user.id} (${user.role}) has no member record`);
      return { ...base, mid: user.memberId!, pid: member.programId };
    }
  }
}

/**
 * Counts failures since the window opened or since the last success, whichever is later. The
 * count lives in the database, so every API process brakes the same email together.
 */
export async function assertLoginNotBraked(deps: Pick<ServiceContext, 'db' | 'clock'>, email: string): Promise<void> {
  const windowStart = new Date(deps.clock().getTime() - LOGIN_BRAKE.windowMs);
  const [lastSuccess] = await deps.db
    .select({ at: max(loginAttempts.at) })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.emailNormalized, email), eq(loginAttempts.succeeded, true), gt(loginAttempts.at, windowStart)));
  const since = lastSuccess?.at && lastSuccess.at > windowStart ? lastSuccess.at : windowStart;
  const [failures] = await deps.db
    .select({ n: count() })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.emailNormalized, email), eq(loginAttempts.succeeded, false), gt(loginAttempts.at, since)));
  if ((failures?.n ?? 0) >= LOGIN_BRAKE.maxFailures) {
    throw new RateLimitedError('Too many failed attempts for this account; try again in a few minutes.');
  }
}

export async function recordLoginAttempt(deps: Pick<ServiceContext, 'db' | 'clock'>, email: string, succeeded: boolean): Promise<void> {
  await deps.db.insert(loginAttempts).values({ emailNormalized: normalizeLoginEmail(email), succeeded, at: deps.clock() });
}
