import { sql } from 'drizzle-orm';
import { boolean, check, index, jsonb, pgEnum, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { newId } from '../ids.js';
import { timestamps, tstz } from './columns.js';
import { members } from './members.js';
import { programs } from './programs.js';

/** `invite` is a member's one member-get-member link per program; `affiliate` links are many. */
export const linkKind = pgEnum('link_kind', ['affiliate', 'invite']);
export const linkStatus = pgEnum('link_status', ['active', 'archived']);

/** Destination overrides by visitor country (ISO 3166-1 alpha-2, upper case) -> absolute URL. */
export type CountryDestinations = Record<string, string>;
/** Pass-through parameters appended to the destination: utm_* and sub1..sub5. */
export type LinkParams = Record<string, string>;

/** A referral link: `GET /r/{slug}` on its domain redirects to the destination and records a click. */
export const links = pgTable(
  'links',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('lnk')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    ownerMemberId: text('owner_member_id')
      .notNull()
      .references(() => members.id),
    kind: linkKind('kind').notNull(),
    /**
     * The host the short link is served on; '' is the instance's shared host. Copied from the
     * program's `links.domain` setting at creation, so changing that setting never moves old links.
     */
    domain: text('domain').notNull().default(''),
    slug: text('slug').notNull(),
    /** Whether the owner chose the slug (custom) or Trellis generated it. */
    customSlug: boolean('custom_slug').notNull().default(false),
    title: text('title'),
    /** Null for invite links: they follow the program's `links.inviteDestinationUrl` setting. */
    destinationUrl: text('destination_url'),
    countryDestinations: jsonb('country_destinations').$type<CountryDestinations>().notNull().default({}),
    params: jsonb('params').$type<LinkParams>().notNull().default({}),
    status: linkStatus('status').notNull().default('active'),
    archivedAt: tstz('archived_at'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('links_domain_slug_uq').on(t.domain, t.slug),
    uniqueIndex('links_one_invite_per_member_uq')
      .on(t.programId, t.ownerMemberId)
      .where(sql`${t.kind} = 'invite'`),
    index('links_program_owner_idx').on(t.programId, t.ownerMemberId, t.id),
    index('links_program_id_idx').on(t.programId, t.id),
    check('links_slug_format', sql`${t.slug} ~ '^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$'`),
    check('links_destination_by_kind', sql`(${t.kind} = 'invite') or (${t.destinationUrl} is not null)`),
    check('links_archived_at', sql`(${t.status} = 'archived') = (${t.archivedAt} is not null)`),
  ],
);
