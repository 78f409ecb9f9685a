export const ROLES = ['admin', 'regional_manager', 'affiliate', 'member'] as const;
export type Role = (typeof ROLES)[number];

/** Every kind of caller a route can declare access for: the four user roles and merchant API keys. */
export const PRINCIPALS = [...ROLES, 'api_key'] as const;
export type Principal = (typeof PRINCIPALS)[number];

/** Who is acting. Domain services scope every read and write by it. */
export type Actor =
  | { kind: 'user'; role: 'admin'; userId: string; tenantId: string }
  | { kind: 'user'; role: 'regional_manager'; userId: string; tenantId: string; countries: string[] }
  | { kind: 'user'; role: 'affiliate' | 'member'; userId: string; tenantId: string; memberId: string; programId: string }
  | { kind: 'api_key'; keyId: string; tenantId: string; programId: string }
  | { kind: 'system'; reason: string };

export function principalOf(actor: Actor): Principal | 'system' {
  if (actor.kind === 'user') return actor.role;
  if (actor.kind === 'api_key') return 'api_key';
  return 'system';
}

export function actorId(actor: Actor): string | null {
  if (actor.kind === 'user') return actor.userId;
  if (actor.kind === 'api_key') return actor.keyId;
  return null;
}

export const systemActor = (reason: string): Actor => ({ kind: 'system', reason });
