import { randomBytes } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { clickIpSalts } from '../../../db/schema/index.js';
import type { Clock } from '../../context.js';
import type { Logger } from '../../logger.js';
import type { IpHasher } from '../types.js';
import { createIpHmac, type IpHmac } from './ip-hmac.js';

const DAY_MS = 86_400_000;
const REFRESH_MS = 60 * 60_000;
/** Days whose secret must exist before they start: today and the next two, so midnight never waits. */
const DAYS_AHEAD = 2;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** `::ffff:1.2.3.4` (IPv4 on a dual-stack socket) and `1.2.3.4` are the same visitor. */
export function normaliseIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  // IPv6 text is case-insensitive; a proxy header may spell it in upper case.
  const lower = ip.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.', 7) ? lower.slice(7) : lower;
}

/**
 * HMAC-SHA256 of the client IP under a random secret per UTC day, shared by every process through
 * `click_ip_salts`. Hashes of the same IP match within a day (duplicate detection) and, once the
 * day's secret is deleted, can no longer be tied to an address. `hash` is synchronous: the secrets
 * are loaded ahead of time.
 */
export function createIpHasher(deps: { db: Db; logger: Logger; clock: Clock }): IpHasher & { start(): Promise<void>; close(): void } {
  const { db, logger, clock } = deps;
  const secrets = new Map<string, IpHmac>();
  const loading = new Set<string>();
  // The day of the previous hash and its key: nearly every call hits it, so no date formatting.
  let currentStart = 0;
  let currentEnd = 0;
  let currentKey: IpHmac | undefined;
  let timer: NodeJS.Timeout | undefined;
  let fallbackKey: IpHmac | undefined;

  async function ensureDays(days: string[]): Promise<void> {
    // Every process races to create the same rows; the first insert wins and all read the winner.
    await db
      .insert(clickIpSalts)
      .values(days.map((day) => ({ day, secret: randomBytes(32).toString('base64url') })))
      .onConflictDoNothing();
    const rows = await db.select({ day: clickIpSalts.day, secret: clickIpSalts.secret }).from(clickIpSalts).where(inArray(clickIpSalts.day, days));
    for (const row of rows) secrets.set(row.day, createIpHmac(Buffer.from(row.secret, 'base64url')));
    currentEnd = 0;
  }

  async function refresh(): Promise<void> {
    const today = Math.floor(clock().getTime() / DAY_MS) * DAY_MS;
    const days = Array.from({ length: DAYS_AHEAD + 1 }, (_, i) => dayOf(today + i * DAY_MS));
    await ensureDays(days);
    // Keep yesterday (late clicks near midnight); older secrets are of no use here.
    const oldest = dayOf(today - DAY_MS);
    for (const day of secrets.keys()) if (day < oldest) secrets.delete(day);
  }

  function loadInBackground(day: string): void {
    if (loading.has(day)) return;
    loading.add(day);
    logger.warn({ day }, 'no IP-hash secret loaded for this day (clock far off?); loading it, using the nearest day meanwhile');
    ensureDays([day])
      .catch((err) => logger.error({ err, day }, 'could not load the IP-hash secret'))
      .finally(() => loading.delete(day));
  }

  function keyFor(ms: number): IpHmac {
    const day = dayOf(ms);
    const key = secrets.get(day);
    if (key) {
      currentStart = Math.floor(ms / DAY_MS) * DAY_MS;
      currentEnd = currentStart + DAY_MS;
      currentKey = key;
      return key;
    }
    loadInBackground(day);
    let nearest: IpHmac | undefined;
    let distance = Infinity;
    for (const [d, k] of secrets) {
      const gap = Math.abs(Date.parse(d) - ms);
      if (gap < distance) [nearest, distance] = [k, gap];
    }
    if (nearest) return nearest;
    // Nothing loaded at all (the database was down at boot): redirects keep working, but hashes
    // from this process will not match other processes' until the secrets load.
    if (!fallbackKey) {
      logger.error('no IP-hash secrets loaded; using a process-local secret until they load');
      fallbackKey = createIpHmac(randomBytes(32));
    }
    return fallbackKey;
  }

  return {
    hash(ip, at) {
      const ms = at.getTime();
      const key = ms >= currentStart && ms < currentEnd && currentKey ? currentKey : keyFor(ms);
      return key(normaliseIp(ip));
    },
    async start() {
      await refresh();
      timer = setInterval(() => {
        refresh().catch((err) => logger.error({ err }, 'could not refresh the IP-hash secrets'));
      }, REFRESH_MS);
      timer.unref();
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
