/**
 * What the demo program contains. Fixed tables plus a seeded generator, so every boot seeds the
 * same story (only ids and dates relative to "now" differ).
 */
export const DEMO_PASSWORD = 'trellis-demo';

export const DEMO_USERS = {
  admin: { email: 'admin@demo.trellis.test', name: 'Dana Admin' },
  manager: { email: 'manager@demo.trellis.test', name: 'Marcos Gerente' },
  affiliate: { email: 'affiliate@demo.trellis.test', name: 'Ana Afiliada' },
  member: { email: 'member@demo.trellis.test', name: 'Mia Mitglied' },
} as const;

export const DEMO_MARKETS = [
  { country: 'BR', currency: 'BRL', defaultLocale: 'pt-BR', stage: 'new' as const },
  { country: 'DE', currency: 'EUR', defaultLocale: 'de', stage: 'mature' as const },
];

/** The new market, which the demo regional manager looks after. */
export const DEMO_NEW_MARKET = 'BR';

/** The demo shop's hosts: links may point at the shop and its per-country subdomains. */
const DEMO_SHOP = 'shop.demo.trellis.test';

export const DEMO_SETTINGS = {
  points: { pointsPerUnit: 1, expiryMonths: 24 },
  segments: { bigSpenderMinSpend: 50_000, bigSpenderMinSpendByCurrency: { BRL: 250_000 } },
  links: {
    allowedHosts: [DEMO_SHOP, `*.${DEMO_SHOP}`],
    fallbackUrl: `https://${DEMO_SHOP}/`,
    inviteDestinationUrl: `https://${DEMO_SHOP}/join`,
    attributionWindowDays: 30,
  },
};

/** The demo affiliate's link, `/r/demo`: the example link, and the one the redirect benchmark follows. */
export const DEMO_LINK = {
  slug: 'demo',
  title: 'Spring collection',
  destinationUrl: `https://${DEMO_SHOP}/spring`,
  countryDestinations: { BR: `https://br.${DEMO_SHOP}/primavera`, DE: `https://de.${DEMO_SHOP}/fruehling` },
  params: { utm_source: 'trellis', utm_medium: 'affiliate', utm_campaign: 'spring-demo' },
};

export const DEMO_CUSTOM_FIELDS = [
  { key: 'favorite_category', label: 'Favourite category', type: 'enum' as const, enumValues: ['shoes', 'bags', 'accessories'] },
  { key: 'newsletter', label: 'Newsletter opt-in', type: 'boolean' as const },
  { key: 'shoe_size', label: 'Shoe size (EU)', type: 'number' as const },
];

export const DEMO_TIERS = [
  { name: 'Bronze', rank: 0, benefits: ['Birthday bonus'] },
  { name: 'Silver', rank: 1, qualification: { match: 'any' as const, pointsEarned: 300 }, pointsMultiplierBps: 12_500, upgradeGiftPoints: 50, benefits: ['Free shipping'] },
  { name: 'Gold', rank: 2, qualification: { match: 'any' as const, pointsEarned: 1_000 }, pointsMultiplierBps: 15_000, upgradeGiftPoints: 200, benefits: ['Free shipping', 'Early access'] },
  { name: 'Club', rank: 3, kind: 'paid' as const, feeAmount: 4_900, feeCurrency: 'EUR', validityDays: 365, pointsMultiplierBps: 20_000, benefits: ['Free express shipping', 'Members-only sales'] },
];

export const DEMO_AFFILIATES = [
  { name: 'Ana Afiliada', email: 'ana@creators.demo.trellis.test', country: 'BR', website: 'https://ana-estilo.example', status: 'approved' as const, isLogin: true },
  { name: 'Felix Blog', email: 'felix@creators.demo.trellis.test', country: 'DE', website: 'https://felix-schuhe.example', status: 'approved' as const },
  { name: 'Bia Reviews', email: 'bia@creators.demo.trellis.test', country: 'BR', website: 'https://bia-reviews.example', status: 'pending' as const },
];

/** The kind of history a demo member gets; the segments job then sorts them. */
export type Archetype = 'newcomer' | 'returning' | 'loyal' | 'big_spender' | 'at_risk' | 'churned';

const FIRST_NAMES = ['Lucas', 'Julia', 'Gabriel', 'Beatriz', 'Rafael', 'Larissa', 'Thiago', 'Camila', 'Jonas', 'Lena', 'Paul', 'Hannah', 'Felix', 'Marie', 'Leon', 'Sophie'];
const LAST_NAMES = ['Silva', 'Santos', 'Oliveira', 'Souza', 'Costa', 'Müller', 'Schmidt', 'Weber', 'Fischer', 'Wagner', 'Becker', 'Hoffmann'];
const ARCHETYPES: Archetype[] = ['loyal', 'returning', 'newcomer', 'big_spender', 'at_risk', 'churned'];
const CATEGORIES = ['shoes', 'bags', 'accessories'];
const TAGS = ['vip', 'influencer', 'wholesale', 'newsletter-2024'];

/** mulberry32: a tiny seeded generator, so the demo is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface DemoOrder {
  daysAgo: number;
  /** Minor units of the member's market currency. */
  amount: number;
}

export interface DemoMember {
  name: string;
  email: string;
  country: string;
  locale: string;
  archetype: Archetype;
  customFields: Record<string, unknown>;
  tags: string[];
  orders: DemoOrder[];
  /** Points to redeem after the orders, if any. */
  redeem?: number;
  /** Index into DEMO_AFFILIATES of the affiliate who referred them. */
  referredBy?: number;
  /** Index into the demo members of the member whose invite they joined through. */
  invitedBy?: number;
}

function ordersFor(archetype: Archetype, rand: () => number, scale: number): DemoOrder[] {
  const amount = (min: number, max: number) => Math.round((min + rand() * (max - min)) * scale) * 100;
  const days = (min: number, max: number) => Math.floor(min + rand() * (max - min));
  switch (archetype) {
    case 'newcomer':
      return rand() < 0.5 ? [] : [{ daysAgo: days(1, 20), amount: amount(20, 80) }];
    case 'returning':
      return [{ daysAgo: days(40, 80), amount: amount(30, 90) }, { daysAgo: days(2, 30), amount: amount(30, 90) }];
    case 'loyal':
      return [260, 170, 100, 45, 10].map((d) => ({ daysAgo: d - days(0, 8), amount: amount(25, 60) }));
    case 'big_spender':
      return [{ daysAgo: days(30, 60), amount: amount(350, 500) }, { daysAgo: days(3, 20), amount: amount(300, 450) }];
    case 'at_risk':
      return [{ daysAgo: days(150, 170), amount: amount(40, 120) }, { daysAgo: days(100, 140), amount: amount(40, 120) }];
    case 'churned':
      return [{ daysAgo: days(220, 340), amount: amount(20, 70) }];
  }
}

/** ~30 members across both markets, every archetype represented in each. */
export function demoMembers(count = 30): DemoMember[] {
  const rand = seededRandom(20_240_601);
  const out: DemoMember[] = [];
  for (let i = 0; i < count; i++) {
    const country = i % 2 === 0 ? 'BR' : 'DE';
    const first = FIRST_NAMES[(i * 5) % FIRST_NAMES.length]!;
    const last = LAST_NAMES[(i * 7) % LAST_NAMES.length]!;
    const archetype = ARCHETYPES[Math.floor(i / 2) % ARCHETYPES.length]!;
    // BRL amounts run about five times EUR ones.
    const orders = ordersFor(archetype, rand, country === 'BR' ? 5 : 1);
    const member: DemoMember = {
      name: `${first} ${last}`,
      email: `${first}.${last}.${i + 1}@customers.demo.trellis.test`.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, ''),
      country,
      locale: country === 'BR' ? 'pt-BR' : 'de',
      archetype,
      customFields: { favorite_category: CATEGORIES[i % CATEGORIES.length], newsletter: i % 3 !== 0, ...(i % 4 === 0 ? { shoe_size: 36 + (i % 10) } : {}) },
      tags: i % 5 === 0 ? [TAGS[(i / 5) % TAGS.length]!] : [],
      orders,
    };
    if (archetype === 'loyal' || archetype === 'big_spender') member.redeem = 100;
    if (i % 9 === 4) member.referredBy = country === 'BR' ? 0 : 1;
    // A few friends of the demo member login (the first loyal DE member), so "friends who joined" has rows.
    const inviter = out.findIndex((p) => p.archetype === 'loyal' && p.country === 'DE');
    if (inviter >= 0 && member.referredBy === undefined && [5, 7, 11].includes(i)) member.invitedBy = inviter;
    out.push(member);
  }
  return out;
}
