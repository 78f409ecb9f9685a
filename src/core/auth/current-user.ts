import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { members, users } from '../../../db/schema/index.js';
import { ForbiddenError, UnauthorizedError } from '../../errors.js';
import type { Actor } from './actor.js';
import type { VerifiedAccessToken } from './tokens.js';

/**
 * The actor a verified access token stands for, as the user is NOW: a token of an older token
 * version (password changed, account disabled, role, regions or member link changed, signed out
 * everywhere) is refused, a disabled account is refused, and a changed role or region list
 * applies to the next request rather than after the token expires. The token only proves who the
 * caller is. This row read is the one database round trip authentication costs per request.
 */
export async function currentUserActor(db: Db, token: VerifiedAccessToken): Promise<Actor> {
  const { userId, tenantId } = token.actor;
  const [row] = await db
    .select({ status: users.status, role: users.role, countries: users.countries, memberId: users.memberId, tokenVersion: users.tokenVersion, programId: members.programId })
    .from(users)
    .leftJoin(members, eq(members.id, users.memberId))
    .where(and(eq(users.id, userId), eq(users.tenantId, tenantId)));
  if (!row) throw new UnauthorizedError('The access token names an unknown user.', 'invalid_token');
  if (row.tokenVersion !== token.version) throw new UnauthorizedError('The access token was revoked; log in again.', 'invalid_token');
  if (row.status !== 'active') throw new ForbiddenError('This account is disabled.', 'account_disabled');
  const base = { kind: 'user' as const, userId, tenantId };
  switch (row.role) {
    case 'admin':
      return { ...base, role: 'admin' };
    case 'regional_manager':
      return { ...base, role: 'regional_manager', countries: row.countries };
    case 'affiliate':
    case 'member':
      if (!row.memberId || !row.programId) throw new ForbiddenError('This account is not linked to a member.', 'account_disabled');
      return { ...base, role: row.role, memberId: row.memberId, programId: row.programId };
  }
}
