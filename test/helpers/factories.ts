import { randomBytes } from 'node:crypto';
import { randomBase62 } from '../../db/ids.js';
import { affiliateProfiles, commissions, conversions, links, markets, members, programs, tenants, users } from '../../db/schema/index.js';
import { createApiKey } from '../../src/core/auth/api-keys.js';
import type { Role } from '../../src/core/auth/actor.js';
import { hashPassword } from '../../src/core/auth/passwords.js';
import type { Harness } from './harness.js';

export const TEST_PASSWORD = 'correct horse battery staple';
let cachedHash: Promise<string> | undefined;
const testPasswordHash = () => (cachedHash ??= hashPassword(TEST_PASSWORD));

const uniq = () => randomBytes(4).toString('hex');

export async function createTenant(h: Harness, name = `Tenant ${uniq()}`) {
  const [row] = await h.db.insert(tenants).values({ name }).returning();
  return row!;
}

export interface MarketSpec {
  country: string;
  currency: string;
  defaultLocale: string;
  stage?: 'new' | 'mature';
}

export async function createProgram(
  h: Harness,
  opts: { tenantId: string; name?: string; payoutCurrency?: string; settings?: Record<string, unknown>; markets?: MarketSpec[] },
) {
  const [program] = await h.db
    .insert(programs)
    .values({ tenantId: opts.tenantId, name: opts.name ?? `Program ${uniq()}`, payoutCurrency: opts.payoutCurrency ?? 'EUR', settings: opts.settings ?? {} })
    .returning();
  const specs = opts.markets ?? [
    { country: 'DE', currency: 'EUR', defaultLocale: 'de', stage: 'new' as const },
    { country: 'US', currency: 'USD', defaultLocale: 'en', stage: 'mature' as const },
  ];
  const marketRows = specs.length ? await h.db.insert(markets).values(specs.map((m) => ({ ...m, programId: program!.id }))).returning() : [];
  return { program: program!, markets: marketRows };
}

export async function createMember(h: Harness, programId: string, attrs: Partial<typeof members.$inferInsert> = {}) {
  const email = attrs.email ?? `member-${uniq()}@example.test`;
  const [row] = await h.db
    .insert(members)
    .values({ programId, name: 'Test Member', country: 'DE', ...attrs, email, emailNormalized: email.trim().toLowerCase() })
    .returning();
  return row!;
}

export async function createAffiliate(h: Harness, programId: string, attrs: Partial<typeof members.$inferInsert> = {}, status: 'pending' | 'approved' = 'approved') {
  const member = await createMember(h, programId, { source: 'affiliate_signup', ...attrs });
  await h.db.insert(affiliateProfiles).values({ memberId: member.id, programId, website: 'https://publisher.example', status });
  return member;
}

/** A dashboard user with a valid access token. */
export async function createUser(
  h: Harness,
  opts: { tenantId: string; role: Role; countries?: string[]; memberId?: string; programId?: string; email?: string },
) {
  const email = opts.email ?? `${opts.role}-${uniq()}@example.test`;
  const [user] = await h.db
    .insert(users)
    .values({ tenantId: opts.tenantId, email, name: `${opts.role} user`, passwordHash: await testPasswordHash(), role: opts.role, countries: opts.countries ?? [], memberId: opts.memberId ?? null })
    .returning();
  const { token } = await h.tokens.issue({
    sub: user!.id,
    tid: opts.tenantId,
    role: opts.role,
    ver: user!.tokenVersion,
    ...(opts.countries ? { countries: opts.countries } : {}),
    ...(opts.memberId ? { mid: opts.memberId, pid: opts.programId } : {}),
  });
  return { user: user!, token, email, password: TEST_PASSWORD };
}

/**
 * A whole tenant: a program with a new market (DE) and a mature one (US), an admin, a regional
 * manager for DE, an approved affiliate, a member (each with a login) and a merchant API key.
 * Every call makes a new, independent world, so tests never share data.
 */
export async function createWorld(h: Harness, opts: { settings?: Record<string, unknown>; /** `links` settings over TEST_LINK_SETTINGS. */ links?: Record<string, unknown> } = {}) {
  const tenant = await createTenant(h);
  const settings = opts.links ? { ...opts.settings, links: { ...TEST_LINK_SETTINGS, ...opts.links } } : opts.settings;
  const { program, markets: marketRows } = await createProgram(h, { tenantId: tenant.id, settings });
  const admin = await createUser(h, { tenantId: tenant.id, role: 'admin' });
  const manager = await createUser(h, { tenantId: tenant.id, role: 'regional_manager', countries: ['DE'] });
  const affiliateMember = await createAffiliate(h, program.id, { country: 'DE', name: 'Ada Affiliate' });
  const affiliate = await createUser(h, { tenantId: tenant.id, role: 'affiliate', memberId: affiliateMember.id, programId: program.id });
  const plainMember = await createMember(h, program.id, { country: 'US', name: 'Max Member' });
  const member = await createUser(h, { tenantId: tenant.id, role: 'member', memberId: plainMember.id, programId: program.id });
  const apiKey = await createApiKey(h.ctx({ kind: 'system', reason: 'test' }), { programId: program.id, name: 'test key' });
  return {
    tenant,
    program,
    markets: marketRows,
    admin,
    manager,
    affiliate: { ...affiliate, member: affiliateMember },
    member: { ...member, member: plainMember },
    apiKey: apiKey.secret,
    /** Tokens by principal, for access matrices. */
    tokens: { admin: admin.token, regional_manager: manager.token, affiliate: affiliate.token, member: member.token, api_key: apiKey.secret },
  };
}

export type World = Awaited<ReturnType<typeof createWorld>>;

/** `links` settings for worlds that make links: destinations on shop.example and its subdomains. */
export const TEST_LINK_SETTINGS = {
  allowedHosts: ['shop.example', '*.shop.example'],
  fallbackUrl: 'https://shop.example/',
  inviteDestinationUrl: 'https://shop.example/join',
  attributionWindowDays: 30,
};

/** A link row inserted directly (owned by the world's affiliate unless said otherwise); the links API has its own tests. */
export async function createLink(h: Harness, w: Pick<World, 'program' | 'affiliate'>, attrs: Partial<typeof links.$inferInsert> = {}) {
  const [row] = await h.db
    .insert(links)
    .values({
      programId: w.program.id,
      ownerMemberId: w.affiliate.member.id,
      kind: 'affiliate',
      slug: `t${randomBase62(10)}`,
      destinationUrl: 'https://shop.example/landing',
      ...attrs,
    })
    .returning();
  return row!;
}

/**
 * A commission row inserted directly, with the completed sale conversion it is for: the world's
 * affiliate's, in DE, pending unless said otherwise. Commission processing has its own tests.
 */
export async function createCommission(h: Harness, w: Pick<World, 'program' | 'affiliate'>, attrs: Partial<typeof commissions.$inferInsert> = {}) {
  const now = new Date();
  const [conversion] = await h.db
    .insert(conversions)
    .values({
      programId: w.program.id,
      externalId: `order-${uniq()}`,
      kind: 'sale',
      status: 'completed',
      occurredAt: now,
      completedAt: now,
      amount: 10_000,
      currency: 'EUR',
      requestHash: 'test',
      processedAt: now,
      attributionMethod: 'promo_code',
      partnerMemberId: w.affiliate.member.id,
      marketCountry: 'DE',
    })
    .returning();
  const [row] = await h.db
    .insert(commissions)
    .values({
      programId: w.program.id,
      conversionId: conversion!.id,
      partnerMemberId: w.affiliate.member.id,
      kind: 'sale',
      status: 'pending',
      country: 'DE',
      amount: 1_000,
      currency: 'EUR',
      payoutCurrency: 'EUR',
      payoutAmount: 1_000,
      fxRate: '1',
      ...attrs,
    })
    .returning();
  return row!;
}

/**
 * A conversion row inserted directly: a processed, completed sale of 100.00 EUR in DE, credited to
 * the world's affiliate by a promo code, unless said otherwise. Intake and processing have their own tests.
 */
export async function createConversion(h: Harness, w: Pick<World, 'program' | 'affiliate'>, attrs: Partial<typeof conversions.$inferInsert> = {}) {
  const now = new Date();
  const [row] = await h.db
    .insert(conversions)
    .values({
      programId: w.program.id,
      externalId: `order-${uniq()}`,
      kind: 'sale',
      status: 'completed',
      occurredAt: now,
      completedAt: now,
      amount: 10_000,
      currency: 'EUR',
      requestHash: 'test',
      processedAt: now,
      attributionMethod: 'promo_code',
      partnerMemberId: w.affiliate.member.id,
      marketCountry: 'DE',
      ...attrs,
    })
    .returning();
  return row!;
}
