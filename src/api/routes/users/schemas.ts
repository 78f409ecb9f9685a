import { z } from '@hono/zod-openapi';
import { ROLES } from '../../../core/auth/actor.js';
import type { UserView } from '../../../core/users/service.js';
import { iso, isoOrNull, pathParam } from '../../pagination.js';

export const UserSchema = z
  .object({
    id: z.string().openapi({ example: 'usr_0lz3k8q1aXy2Pq9RsT0uV' }),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    countries: z.array(z.string()).openapi({ description: 'Regional managers: the countries they manage.' }),
    programId: z.string().nullable().openapi({ description: 'Affiliates and members: their program.' }),
    memberId: z.string().nullable().openapi({ description: 'Affiliates and members: their member record.' }),
    status: z.enum(['active', 'disabled']),
    lastLoginAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('User');

export type UserJson = z.infer<typeof UserSchema>;

export const UserParamsSchema = z.object({ userId: pathParam('userId') });

export const userJson = (u: UserView): UserJson => ({
  ...u,
  lastLoginAt: isoOrNull(u.lastLoginAt),
  createdAt: iso(u.createdAt),
  updatedAt: iso(u.updatedAt),
});
