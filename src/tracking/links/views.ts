import type { links } from '../../../db/schema/index.js';

export type LinkRow = typeof links.$inferSelect;

/**
 * `https://<domain>/r/<slug>` for a link on its program's own domain; otherwise on the instance's
 * shared host, `baseUrl` (PUBLIC_URL; '' gives a relative URL).
 */
export function shortUrlOf(link: Pick<LinkRow, 'domain' | 'slug'>, baseUrl: string): string {
  const base = link.domain ? `https://${link.domain}` : baseUrl.replace(/\/+$/, '');
  return `${base}/r/${link.slug}`;
}

/** An invite link's page for friends (`/i/<slug>`, localised, src/tracking/invites); null for other links. */
export function inviteUrlOf(link: Pick<LinkRow, 'domain' | 'slug' | 'kind'>, baseUrl: string): string | null {
  if (link.kind !== 'invite') return null;
  const base = link.domain ? `https://${link.domain}` : baseUrl.replace(/\/+$/, '');
  return `${base}/i/${link.slug}`;
}

/** The JSON shape the API returns. */
export function linkView(l: LinkRow, baseUrl: string) {
  return {
    id: l.id,
    programId: l.programId,
    ownerMemberId: l.ownerMemberId,
    kind: l.kind,
    domain: l.domain,
    slug: l.slug,
    customSlug: l.customSlug,
    shortUrl: shortUrlOf(l, baseUrl),
    inviteUrl: inviteUrlOf(l, baseUrl),
    title: l.title,
    destinationUrl: l.destinationUrl,
    countryDestinations: l.countryDestinations,
    params: l.params,
    status: l.status,
    archivedAt: l.archivedAt ? l.archivedAt.toISOString() : null,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}
export type LinkView = ReturnType<typeof linkView>;

/** What the audit log keeps of a link: everything a change can touch. */
export function linkAuditView(l: LinkRow) {
  return {
    ownerMemberId: l.ownerMemberId,
    kind: l.kind,
    domain: l.domain,
    slug: l.slug,
    title: l.title,
    destinationUrl: l.destinationUrl,
    countryDestinations: l.countryDestinations,
    params: l.params,
    status: l.status,
  };
}
