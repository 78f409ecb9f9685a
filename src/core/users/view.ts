import type { users } from '../../../db/schema/index.js';
import type { Role } from '../auth/actor.js';

/** A user as the API shows it: never the password hash. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  countries: string[];
  programId: string | null;
  memberId: string | null;
  status: 'active' | 'disabled';
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type UserRow = typeof users.$inferSelect;

export const toUserView = (u: UserRow, programId: string | null): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  countries: u.countries,
  programId,
  memberId: u.memberId,
  status: u.status,
  lastLoginAt: u.lastLoginAt,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});

