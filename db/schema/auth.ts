import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { newId } from '../ids.js';
import { createdAt, timestamps, tstz } from './columns.js';
import { members } from './members.js';
import { programs, tenants } from './programs.js';

export const userRole = pgEnum('user_role', ['admin', 'regional_manager', 'affiliate', 'member']);
export const userStatus = pgEnum('user_status', ['active', 'disabled']);

/** A person who logs in to a dashboard. */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('usr')),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: userRole('role').notNull(),
    /** ISO 3166 alpha-2 codes a regional manager is responsible for. */
    countries: text('countries').array().notNull().default(sql`'{}'::text[]`),
    /** For affiliates and members: the member record they are. */
    memberId: text('member_id').references(() => members.id),
    status: userStatus('status').notNull().default('active'),
    lastLoginAt: tstz('last_login_at'),
    /**
     * Access tokens carry the version they were issued at (claim `ver`); a token of another
     * version is refused. A password change, a disabled account, a new role, regions or member
     * link, and "sign out everywhere" bump it in their transaction, ending every older token.
     */
    tokenVersion: integer('token_version').notNull().default(0),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('users_email_uq').on(sql`lower(${t.email})`),
    uniqueIndex('users_member_uq').on(t.memberId),
    index('users_tenant_idx').on(t.tenantId),
  ],
);

export const signingKeyStatus = pgEnum('signing_key_status', ['active', 'retired']);

/** What a signing key is for. A key has one purpose and never signs or verifies for the other. */
export const SIGNING_KEY_PURPOSES = ['access_token', 'transparency_log'] as const;

/**
 * Ed25519 keys: those that sign access tokens and those that sign the transparency log, told apart
 * by `purpose` (no default: every insert names it). One key per purpose is active; a retired
 * access-token key keeps verifying tokens until those expire, which is what lets a rotation happen
 * without logging anyone out. The private key is sealed (src/secrets) under the process's
 * SECRET_KEY, bound to its kid.
 */
export const signingKeys = pgTable(
  'signing_keys',
  {
    kid: text('kid').primaryKey(),
    purpose: text('purpose', { enum: SIGNING_KEY_PURPOSES }).notNull(),
    algorithm: text('algorithm').notNull().default('EdDSA'),
    publicJwk: jsonb('public_jwk').$type<Record<string, unknown>>().notNull(),
    /** The private JWK, sealed. */
    privateKeySealed: text('private_key_sealed'),
    /**
     * The private JWK in clear, as versions before sealing stored it: boot seals and empties it
     * (src/secrets/at-rest.ts); a later release drops the column.
     */
    legacyPrivateJwk: jsonb('private_jwk').$type<Record<string, unknown>>(),
    status: signingKeyStatus('status').notNull().default('active'),
    ...createdAt,
    retiredAt: tstz('retired_at'),
  },
  (t) => [
    // At most one active key per purpose: a concurrent rotation loses on this constraint.
    uniqueIndex('signing_keys_one_active_uq').on(t.purpose).where(sql`${t.status} = 'active'`),
    check('signing_keys_purpose_ck', sql`${t.purpose} in ('access_token', 'transparency_log')`),
  ],
);

/** Merchant server credentials, scoped to one program. Only a SHA-256 of the secret is kept. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('key')),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    name: text('name').notNull(),
    /** The first characters of the secret, shown in listings so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    /**
     * Key for the optional request signature (HMAC-SHA256 of the raw body) merchants may add to
     * their calls; sealed (src/secrets), because verifying needs it back. Null until one is issued.
     */
    signingSecretSealed: text('signing_secret_sealed'),
    /** The signing secret in clear, as versions before sealing stored it: boot seals and empties it; a later release drops it. */
    legacySigningSecret: text('signing_secret'),
    createdBy: text('created_by'),
    ...createdAt,
    lastUsedAt: tstz('last_used_at'),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_uq').on(t.secretHash), index('api_keys_program_idx').on(t.programId)],
);

/**
 * Every login (and password-change) attempt, per normalised email and client address. Counting
 * recent failures here, rather than in process memory, makes the brakes hold across every API
 * process (src/core/auth/login-brake.ts).
 */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('lat')),
    emailNormalized: text('email_normalized').notNull(),
    /**
     * The client address as the clicks keep it: an HMAC under the secret of the attempt's UTC day
     * (click_ip_salts), so the row never names an address, and cannot once that day's secret is
     * deleted. Null on rows written before addresses were recorded.
     */
    addressHash: text('address_hash'),
    succeeded: boolean('succeeded').notNull(),
    at: tstz('at').notNull().defaultNow(),
  },
  (t) => [
    index('login_attempts_email_address_at_idx').on(t.emailNormalized, t.addressHash, t.at),
    index('login_attempts_address_at_idx').on(t.addressHash, t.at),
  ],
);
