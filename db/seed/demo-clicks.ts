import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { randomBase62 } from '../ids.js';
import { seededRandom } from './demo-data.js';
import { links } from '../schema/index.js';
import type { ClickSubIds } from '../schema/partitioned.js';
import type { ServiceContext } from '../../src/context.js';
import { createIpHmac, type IpHmac } from '../../src/tracking/clicks/ip-hmac.js';
import { writeClickBatch, type ClickBatchResult } from '../../src/tracking/clicks/writer.js';
import { createLink } from '../../src/tracking/links/create.js';
import type { LinkCreateInput } from '../../src/tracking/links/input.js';
import type { PendingClick } from '../../src/tracking/types.js';

/**
 * A month of traffic on the demo affiliates' links, so the dashboards' daily charts, EPC and
 * breakdowns have a living program to show from the first start. The clicks go through the
 * click writer, exactly like the redirect's buffered ones: classified (bots and duplicates are
 * stored but not counted), in their monthly partitions (the writer ensures them) and summed into
 * the daily rollups that click-stats, the KPIs and the affiliate performance read. The shape is
 * fixed by a seeded generator; only ids and IP hashes (per-day throwaway secrets) differ per boot.
 */

const DAY_MS = 86_400_000;
const DAYS = 30;
/** Clicks per writer call: each is one transaction of a fixed number of statements. */
const BATCH = 1_000;
const SHOP = 'https://shop.demo.trellis.test';

type UaClass = PendingClick['uaClass'];
type Weights<T extends string> = [T, number][];

interface Audience {
  countries: Weights<string>;
  devices: Weights<UaClass>;
  /** Hours from UTC to the market's local time, for the daily rhythm. */
  utcOffset: number;
}

interface TrafficPlan {
  /** Index into the seed's affiliate ids (0 Ana, BR; 1 Felix, DE). */
  owner: 0 | 1;
  /** The existing link of that slug, or a new one created for the owner. */
  link: { slug: string } | LinkCreateInput;
  /** Mean clicks a day, thirty days ago and today: the program is growing. */
  perDay: [number, number];
  /** Multiplier on Saturdays and Sundays. */
  weekend: number;
  /** A weekday (0 Sunday) with a spike, and its multiplier: a newsletter going out. */
  spike?: [number, number];
  /** Sub-ids visitors bring on the URL (sub2), one picked per click. */
  visitorSub2?: string[];
  referrers: Weights<string>;
}

const ANA: Audience = {
  countries: [['BR', 84], ['PT', 6], ['US', 4], ['DE', 2], ['XX', 4]],
  devices: [['mobile', 72], ['desktop', 20], ['tablet', 6], ['other', 2]],
  utcOffset: -3,
};

const FELIX: Audience = {
  countries: [['DE', 82], ['AT', 8], ['CH', 6], ['NL', 2], ['XX', 2]],
  devices: [['desktop', 50], ['mobile', 42], ['tablet', 6], ['other', 2]],
  utcOffset: 1,
};

const AUDIENCES = [ANA, FELIX] as const;

const PLANS: TrafficPlan[] = [
  { owner: 0, link: { slug: 'demo' }, perDay: [24, 52], weekend: 1.3, referrers: [['l.instagram.com', 45], ['ana-estilo.example', 25], ['t.co', 5], ['', 25]] },
  {
    owner: 0,
    link: { slug: 'ana-reels', title: 'Instagram reels', destinationUrl: `${SHOP}/bags`, countryDestinations: { BR: `https://br.shop.demo.trellis.test/bolsas` }, params: { utm_source: 'instagram', sub1: 'reels' } },
    perDay: [8, 30],
    weekend: 1.4,
    visitorSub2: ['reel-sandals', 'reel-tote', 'reel-sneakers'],
    referrers: [['l.instagram.com', 80], ['', 20]],
  },
  // The small link: a blog post found now and then, so some days have no clicks at all.
  {
    owner: 0,
    link: { slug: 'ana-blog-sandalias', title: 'Blog: sandals guide', destinationUrl: `${SHOP}/sandals`, params: { utm_source: 'blog', sub1: 'blog' } },
    perDay: [0.4, 2],
    weekend: 0.8,
    referrers: [['ana-estilo.example', 70], ['google.com', 30]],
  },
  {
    owner: 1,
    link: { slug: 'felix-laufschuhe', title: 'Running shoe review', destinationUrl: `${SHOP}/running`, countryDestinations: { DE: `https://de.shop.demo.trellis.test/laufschuhe` }, params: { utm_source: 'blog', sub1: 'review' } },
    perDay: [16, 30],
    weekend: 0.7,
    referrers: [['felix-schuhe.example', 50], ['google.com', 30], ['duckduckgo.com', 5], ['', 15]],
  },
  {
    owner: 1,
    link: { slug: 'felix-newsletter', title: 'Newsletter', destinationUrl: `${SHOP}/new-in`, params: { utm_source: 'newsletter', sub1: 'newsletter' } },
    perDay: [3, 6],
    weekend: 0.5,
    spike: [2, 6], // Tuesdays
    visitorSub2: ['header', 'footer'],
    referrers: [['', 70], ['mail.google.com', 30]],
  },
];

/** Share of counted clicks followed by the same visitor again within the hour (stored as duplicates). */
const REPEAT_SHARE = 0.08;
/** Share of visitors who come back later the same day (counted, not unique). */
const RETURN_SHARE = 0.12;
/** Crawler hits per counted click (stored as bots). */
const BOT_SHARE = 0.05;

function pick<T extends string>(rand: () => number, weights: Weights<T>): T {
  let total = 0;
  for (const [, w] of weights) total += w;
  let r = rand() * total;
  for (const [value, w] of weights) if ((r -= w) < 0) return value;
  return weights[weights.length - 1]![0];
}

/** Local-time weight of each hour: quiet nights, a lunch bump, busy evenings. */
const LOCAL_HOURS: Weights<string> = [2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 7, 9, 8, 7, 7, 7, 8, 10, 12, 13, 12, 9, 5].map((w, hour) => [String(hour), w]);

/** An instant in the UTC day starting at `dayStart`, following the audience's local rhythm. */
function timeInDay(rand: () => number, dayStart: number, audience: Audience): number {
  const local = Number(pick(rand, LOCAL_HOURS));
  const utcHour = (local - audience.utcOffset + 24) % 24;
  return dayStart + utcHour * 3_600_000 + Math.floor(rand() * 3_600_000);
}

/** A click id as the redirect mints it (db/ids.ts): its own time, then 14 random characters. */
const clickId = (ms: number) => `clk_${ms.toString(36).padStart(9, '0')}${randomBase62(14)}`;

const randomIp = (rand: () => number) => Array.from({ length: 4 }, (_, i) => (i === 0 ? 11 + Math.floor(rand() * 200) : Math.floor(rand() * 256))).join('.');

async function demoLink(tx: ServiceContext, programId: string, ownerMemberId: string, plan: TrafficPlan): Promise<string> {
  if ('destinationUrl' in plan.link) return (await createLink(tx, programId, { ...plan.link, ownerMemberId })).id;
  const [row] = await tx.db.select({ id: links.id }).from(links).where(and(eq(links.programId, programId), eq(links.domain, ''), eq(links.slug, plan.link.slug)));
  if (!row) throw new Error(`the demo seed has no \`${plan.link.slug}\` link`);
  return row.id;
}

/** The clicks of one link over the last DAYS UTC days (today up to now), in no particular order. */
function planClicks(plan: TrafficPlan, ids: { programId: string; linkId: string; ownerMemberId: string }, nowMs: number, ipKey: (day: number) => IpHmac, rand: () => number): PendingClick[] {
  const audience = AUDIENCES[plan.owner];
  const out: PendingClick[] = [];
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const click = (at: number, ip: string, uaClass: UaClass, country: string, referrer: string, sub2: string | undefined): PendingClick => {
    const params = 'destinationUrl' in plan.link ? plan.link.params : undefined;
    const subIds: ClickSubIds | null = params?.sub1 || sub2 ? { ...(params?.sub1 ? { sub1: params.sub1 } : {}), ...(sub2 ? { sub2 } : {}) } : null;
    return { id: clickId(at), clickedAt: new Date(at), ...ids, country, uaClass, referrerHost: referrer || null, ipHash: ipKey(at - (at % DAY_MS))(ip), subIds };
  };
  for (let ago = DAYS - 1; ago >= 0; ago--) {
    const dayStart = today - ago * DAY_MS;
    const weekday = new Date(dayStart).getUTCDay();
    const [start, end] = plan.perDay;
    let mean = start + ((end - start) * (DAYS - 1 - ago)) / (DAYS - 1);
    if (weekday === 0 || weekday === 6) mean *= plan.weekend;
    if (plan.spike && weekday === plan.spike[0]) mean *= plan.spike[1];
    const count = Math.floor(mean * (0.75 + rand() * 0.5) + rand());
    for (let i = 0; i < count; i++) {
      const at = timeInDay(rand, dayStart, audience);
      const ip = randomIp(rand);
      const country = pick(rand, audience.countries);
      const device = pick(rand, audience.devices);
      const sub2 = plan.visitorSub2 ? plan.visitorSub2[Math.floor(rand() * plan.visitorSub2.length)] : undefined;
      const referrer = pick(rand, plan.referrers);
      if (at < nowMs) out.push(click(at, ip, device, country, referrer, sub2));
      // The same visitor clicking again a few minutes later: stored, classified a duplicate.
      const again = at + 60_000 + Math.floor(rand() * 30 * 60_000);
      if (rand() < REPEAT_SHARE && again < nowMs) out.push(click(again, ip, device, country, '', sub2));
      // Or coming back hours later the same day: counted again, but not a new unique visitor.
      const later = at + 90 * 60_000 + Math.floor(rand() * 5 * 3_600_000);
      if (rand() < RETURN_SHARE && later < nowMs) out.push(click(later, ip, device, country, referrer, sub2));
      // Crawlers previewing the link where it was posted.
      const botAt = at + Math.floor(rand() * 10 * 60_000);
      if (rand() < BOT_SHARE && botAt < nowMs) out.push(click(botAt, randomIp(rand), 'bot', rand() < 0.7 ? 'US' : country, '', undefined));
    }
  }
  return out;
}

/**
 * Creates the demo affiliates' extra links and writes a month of their clicks (and the `demo`
 * link's) through the click writer, inside the seed's transaction. A few thousand clicks.
 */
export async function seedDemoClicks(tx: ServiceContext, programId: string, affiliateIds: string[]): Promise<ClickBatchResult> {
  const nowMs = tx.clock().getTime();
  const rand = seededRandom(20_240_630);
  // Each UTC day has its own secret, as the redirect's hashes do; these are never stored, like
  // the secret of a day gone by, so the hashes cannot be tied back to the made-up addresses.
  const secrets = new Map<number, IpHmac>();
  const ipKey = (day: number) => secrets.get(day) ?? secrets.set(day, createIpHmac(randomBytes(32))).get(day)!;
  const all: PendingClick[] = [];
  for (const plan of PLANS) {
    const ownerMemberId = affiliateIds[plan.owner]!;
    const linkId = await demoLink(tx, programId, ownerMemberId, plan);
    all.push(...planClicks(plan, { programId, linkId, ownerMemberId }, nowMs, ipKey, rand));
  }
  // In time order, as the buffer hands clicks to the writer.
  all.sort((a, b) => a.clickedAt.getTime() - b.clickedAt.getTime());
  const total: ClickBatchResult = { inserted: 0, counted: 0, duplicates: 0, bots: 0 };
  for (let from = 0; from < all.length; from += BATCH) {
    const result = await writeClickBatch(tx.db, all.slice(from, from + BATCH), { mayBeStored: false });
    total.inserted += result.inserted;
    total.counted += result.counted;
    total.duplicates += result.duplicates;
    total.bots += result.bots;
  }
  return total;
}
