import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { members, users } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { ForbiddenError, UnauthorizedError } from '../../errors.js';
import type { AccessTokenClaims, TokenService } from './tokens.js';
import { toUserView, type UserRow, type UserView } from '../users/view.js';
import { assertLoginNotBraked, normalizeLoginEmail, recordLoginAttempt, type LoginSource } from './login-brake.js';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './passwords.js';

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
 * Failures brake the source's address (login-brake.ts), never the account.
 */
export async function login(deps: LoginDeps, input: { email: string; password: string }, source: LoginSource): Promise<LoginResult> {
  const email = normalizeLoginEmail(input.email);
  await assertLoginNotBraked(deps, email, source);
  const [user] = await deps.db.select().from(users).where(eq(sql`lower(${users.email})`, email));
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !passwordOk) {
    await recordLoginAttempt(deps, email, source, false);
    throw new UnauthorizedError('The email or password is wrong.', 'invalid_credentials');
  }
  // Told only to someone who knows the password, so it reveals nothing to a guesser.
  if (user.status !== 'active') throw new ForbiddenError('This account is disabled.', 'account_disabled');

  const claims = await claimsForUser(deps.db, user);
  const { token, expiresAt } = await deps.tokens.issue(claims);
  const now = deps.clock();
  await recordLoginAttempt(deps, email, source, true);
  const [updated] = await deps.db.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id)).returning();
  deps.logger.info({ userId: user.id }, 'user logged in');
  return { accessToken: token, tokenType: 'Bearer', expiresAt, user: toUserView(updated ?? user, claims.pid ?? null) };
}

/** What an access token says about a user: tenant, role, and the scope that role needs. */
export async function claimsForUser(db: Db, user: UserRow): Promise<AccessTokenClaims> {
  const base = { sub: user.id, tid: user.tenantId, role: user.role, ver: user.tokenVersion };
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
