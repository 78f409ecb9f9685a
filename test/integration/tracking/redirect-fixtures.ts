import { eq } from 'drizzle-orm';
import { links } from '../../../db/schema/index.js';
import { clicks } from '../../../db/schema/partitioned.js';
import { createLink, createWorld } from '../../helpers/factories.js';
import type { ApiResponse, Harness } from '../../helpers/harness.js';

/** Shared by the redirect tests: programs with `links` settings, link rows, and following links. */

export const BROWSER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
export const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

export interface LinkSettingsInput {
  allowedHosts?: string[];
  fallbackUrl?: string | null;
  inviteDestinationUrl?: string | null;
  attributionWindowDays?: number;
  domain?: string;
}

/** A world whose program may send visitors to shop.example and its subdomains. */
export async function linkWorld(h: Harness, settings: LinkSettingsInput = {}) {
  return createWorld(h, { settings: { links: { allowedHosts: ['shop.example', '*.shop.example'], fallbackUrl: null, ...settings } } });
}

export type LinkWorld = Awaited<ReturnType<typeof linkWorld>>;

/** A link row, inserted directly (the links API is tested on its own). */
export const insertLink = (h: Harness, w: LinkWorld, attrs: Partial<typeof links.$inferInsert> = {}) => createLink(h, w, attrs);

/** GET (or HEAD) /r/{slug} as a browser would, unless headers say otherwise. */
export function follow(h: Pick<Harness, 'request'>, slug: string, opts: { method?: string; query?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
  const path = `/r/${slug}${opts.query ? `?${opts.query}` : ''}`;
  return h.request(opts.method ?? 'GET', path, { headers: { 'user-agent': BROWSER_UA, accept: 'text/html,application/xhtml+xml,*/*;q=0.8', ...opts.headers } });
}

/** The click id a redirect carried, from its Location. */
export function clickIdOf(res: ApiResponse): string | null {
  const location = res.headers.get('location');
  return location ? new URL(location).searchParams.get('trellis_click') : null;
}

/** The stored clicks of a link, after writing whatever the buffer holds. */
export async function storedClicks(h: Harness, linkId: string) {
  await h.tracking.clicks.flush();
  return h.db.select().from(clicks).where(eq(clicks.linkId, linkId));
}
