import type { PendingClick } from '../types.js';

/** A repeat click from the same IP hash on the same link within this long of a counted one is a duplicate. */
export const DUPLICATE_WINDOW_MS = 60 * 60_000;

export type ClickStatus = 'counted' | 'duplicate' | 'bot';

const DAY_MS = 86_400_000;
// A batch's clicks nearly all fall on one day: remember the last day's text rather than
// formatting a date several times per click while the flush holds the event loop.
let memoDayNumber = NaN;
let memoDayText = '';

/** The UTC day of an instant, as PostgreSQL's `date` text (YYYY-MM-DD). */
export function utcDay(at: Date | number): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  const dayNumber = Math.floor(ms / DAY_MS);
  if (dayNumber !== memoDayNumber) {
    memoDayText = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
    memoDayNumber = dayNumber;
  }
  return memoDayText;
}

/** The `click_dedup` row of one (link, IP hash) as read under its row lock. */
export interface DedupState {
  day: string;
  /** Epoch ms of the last counted click, null for a row this batch just inserted. */
  lastCountedMs: number | null;
}

export interface ClassifiedClick {
  click: PendingClick;
  status: ClickStatus;
  /** The first counted click of this IP hash on this link that UTC day (rollups' unique_clicks). */
  unique: boolean;
}

export const dedupKey = (linkId: string, ipHash: string) => `${linkId}\n${ipHash}`;

/**
 * Classifies a batch against the dedup rows read (and locked) from the database. Clicks are taken
 * in time order so a burst inside one batch counts once. A click earlier than the last counted one
 * is a duplicate too: it arrived late (another process wrote a later click first), and counting it
 * could count two clicks within the hour. `state` is updated in place; the returned set names the
 * keys whose row must be written back.
 */
export function classifyClicks(clicks: PendingClick[], state: Map<string, DedupState>): { classified: ClassifiedClick[]; changed: Set<string> } {
  const byIndex: ClassifiedClick[] = new Array(clicks.length);
  const changed = new Set<string>();
  for (const index of timeOrder(clicks)) {
    const click = clicks[index]!;
    if (click.uaClass === 'bot') {
      byIndex[index] = { click, status: 'bot', unique: false };
      continue;
    }
    const at = click.clickedAt.getTime();
    const key = dedupKey(click.linkId, click.ipHash);
    const row = state.get(key);
    if (!row) throw new Error(`no dedup row read for link ${click.linkId}`);
    if (row.lastCountedMs !== null && at - row.lastCountedMs < DUPLICATE_WINDOW_MS) {
      byIndex[index] = { click, status: 'duplicate', unique: false };
      continue;
    }
    const day = utcDay(at);
    const unique = row.lastCountedMs === null || utcDay(row.lastCountedMs) !== day;
    row.lastCountedMs = at;
    row.day = day;
    changed.add(key);
    byIndex[index] = { click, status: 'counted', unique };
  }
  return { classified: byIndex, changed };
}

/**
 * The batch's indexes in time order (arrival order among equal times). The buffer hands clicks
 * over in the order they were stamped, so the sort is nearly always skipped.
 */
function timeOrder(clicks: PendingClick[]): Iterable<number> {
  let inOrder = true;
  for (let i = 1; i < clicks.length && inOrder; i++) inOrder = clicks[i - 1]!.clickedAt.getTime() <= clicks[i]!.clickedAt.getTime();
  const indexes = Array.from({ length: clicks.length }, (_, i) => i);
  if (inOrder) return indexes;
  const at = clicks.map((c) => c.clickedAt.getTime());
  return indexes.sort((a, b) => at[a]! - at[b]! || a - b);
}

export interface RollupDelta {
  day: string;
  link_id: string;
  country: string;
  program_id: string;
  owner_member_id: string;
  clicks: number;
  unique_clicks: number;
  duplicate_clicks: number;
  bot_clicks: number;
}

/** Sums stored clicks per (UTC day, link, country), sorted by that key so concurrent upserts lock in one order. */
export function rollupDeltas(stored: ClassifiedClick[]): RollupDelta[] {
  const byKey = new Map<string, RollupDelta>();
  for (const { click, status, unique } of stored) {
    const day = utcDay(click.clickedAt);
    const key = `${day}\n${click.linkId}\n${click.country}`;
    let delta = byKey.get(key);
    if (!delta) {
      delta = { day, link_id: click.linkId, country: click.country, program_id: click.programId, owner_member_id: click.ownerMemberId, clicks: 0, unique_clicks: 0, duplicate_clicks: 0, bot_clicks: 0 };
      byKey.set(key, delta);
    }
    if (status === 'counted') {
      delta.clicks++;
      if (unique) delta.unique_clicks++;
    } else if (status === 'duplicate') delta.duplicate_clicks++;
    else delta.bot_clicks++;
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, delta]) => delta);
}
