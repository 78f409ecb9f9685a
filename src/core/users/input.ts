import { z } from '@hono/zod-openapi';
import { ROLES } from '../auth/actor.js';
import { CountrySchema } from '../members/member-input.js';

/** Long enough to resist guessing; the upper bound keeps scrypt's input sane. */
export const PasswordSchema = z.string().min(12, 'must be at least 12 characters').max(256).openapi({ example: 'correct horse battery staple' });

const EmailSchema = z.string().trim().max(320).pipe(z.email('must be a valid email address')).openapi({ example: 'ada@example.com' });
const NameSchema = z.string().trim().min(1).max(200).openapi({ example: 'Ada Lovelace' });
const IdSchema = z.string().min(1).max(64);

/** Regions of a regional manager: at least one ISO alpha-2 code, duplicates dropped. */
const CountriesSchema = z
  .array(CountrySchema)
  .min(1, 'must name at least one country')
  .max(250)
  .transform((codes) => [...new Set(codes)])
  .openapi({ example: ['DE', 'AT'] });

export const UserCreateInputSchema = z
  .strictObject({
    email: EmailSchema,
    name: NameSchema,
    password: PasswordSchema,
    role: z.enum(ROLES),
    countries: CountriesSchema.optional(),
    programId: IdSchema.optional(),
    memberId: IdSchema.optional(),
  })
  .openapi('UserCreateInput');

/** Every key optional. Fields that do not fit the resulting role are cleared when a role changes. */
export const UserUpdateInputSchema = z
  .strictObject({
    email: EmailSchema.optional(),
    name: NameSchema.optional(),
    password: PasswordSchema.optional(),
    role: z.enum(ROLES).optional(),
    status: z.enum(['active', 'disabled']).optional(),
    countries: CountriesSchema.optional(),
    programId: IdSchema.optional(),
    memberId: IdSchema.optional(),
  })
  .openapi('UserUpdateInput');

export const PasswordChangeInputSchema = z
  .strictObject({ currentPassword: z.string().min(1).max(256), newPassword: PasswordSchema })
  .openapi('PasswordChangeInput');

export type UserCreateInput = z.input<typeof UserCreateInputSchema>;
export type UserUpdateInput = z.input<typeof UserUpdateInputSchema>;
export type PasswordChangeInput = z.input<typeof PasswordChangeInputSchema>;
