import { randomBase62 } from '../../../db/ids.js';

/** Same as the `links_slug_format` check in the database. */
export const CUSTOM_SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/;

/** 8 base62 characters: ~47 bits, so slugs cannot be enumerated to find other affiliates' links. */
export const GENERATED_SLUG_LENGTH = 8;

/**
 * Words a custom slug may not take, compared case-insensitively: paths of our own, and names a
 * visitor would mistake for the merchant's or Trellis's pages.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'api',
  'r',
  'v1',
  'v2',
  'admin',
  'docs',
  'doc',
  'log',
  'logs',
  'login',
  'logout',
  'signup',
  'register',
  'account',
  'settings',
  'dashboard',
  'health',
  'healthz',
  'status',
  'static',
  'assets',
  'public',
  'well-known',
  '_well-known',
  'openapi',
  'openapi-json',
  'favicon',
  'robots',
  'sitemap',
  'trellis',
  'www',
  'help',
  'support',
  'security',
  'privacy',
  'terms',
]);

/** Why a custom slug is refused, or null when it may be used (uniqueness is the database's job). */
export function customSlugProblem(slug: string): string | null {
  if (!CUSTOM_SLUG.test(slug)) {
    return 'must be 3 to 64 characters: letters, digits, _ and -, starting with a letter or digit';
  }
  if (RESERVED_SLUGS.has(slug.toLowerCase())) return `${slug} is reserved`;
  return null;
}

/** A fresh random slug; the caller retries on the (unlikely) unique conflict. */
export function generateSlug(): string {
  for (;;) {
    const slug = randomBase62(GENERATED_SLUG_LENGTH);
    if (!RESERVED_SLUGS.has(slug.toLowerCase())) return slug;
  }
}
