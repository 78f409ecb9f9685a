import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { affiliateProfiles, links, members } from '../../../db/schema/index.js';
import { clicks } from '../../../db/schema/partitioned.js';
import type { ServiceContext } from '../../context.js';
import { rawRows, toDate, toDateOrNull, toNumber } from './raw-sql.js';
import type { AttributedClick } from './types.js';

/**
 * What a conversion's evidence points at: the stored click of a click id (or of the cookie, which
 * holds one), or a promo code, each with whether its partner may still be credited.
 */

/** How long after its redirect a click may still be in an API process's buffer, not yet stored. */
export const CLICK_ARRIVAL_MS = 60_000;

const CLICK_ID = /^clk_([0-9a-z]{9})[0-9A-Za-z]{14}$/;

/**
 * Whether a click id that is not stored may still arrive: it is well-formed and its embedded time
 * (db/ids.ts, the redirect's Date.now()) is under a minute old. Ids of other processes' clocks may
 * be slightly ahead; ids far in the future are forgeries and never arrive.
 */
export function clickMayStillArrive(clickId: string, nowMs: number = Date.now()): boolean {
  const minted = clickIdTime(clickId);
  if (minted === undefined) return false;
  const age = nowMs - minted;
  return age > -5_000 && age < CLICK_ARRIVAL_MS;
}

export type PartnerLinkKind = 'affiliate' | 'invite';

interface PartnerStanding {
  memberStatus: 'active' | 'inactive' | 'blocked';
  affiliateStatus: 'pending' | 'approved' | 'rejected' | 'banned' | null;
}

/**
 * Whether a partner may be credited now: a blocked member never is; an affiliate link or promo
 * code pays only an approved affiliate (a ban or a withdrawn approval stops attribution too).
 */
export function partnerEligible(kind: PartnerLinkKind | null, standing: PartnerStanding): boolean {
  if (standing.memberStatus === 'blocked') return false;
  return kind === 'invite' || standing.affiliateStatus === 'approved';
}

export interface StoredClick {
  click: AttributedClick;
  linkKind: PartnerLinkKind;
  linkActive: boolean;
  eligible: boolean;
  /** The click's partner (the link owner), when loaded with it. */
  partner?: PartnerFacts;
}

/** What commissions and fraud rules need of a partner member. */
export interface PartnerFacts {
  memberId: string;
  programId: string;
  memberStatus: PartnerStanding['memberStatus'];
  affiliateStatus: PartnerStanding['affiliateStatus'];
  emailNormalized: string | null;
  /** The live tier's commission multiplier, with what heldTier needs to tell a lapsed paid tier. */
  tier: { multiplierBps: number; kind: 'standard' | 'paid'; expiresAt: Date | null } | null;
}

const NO_MULTIPLIER = 10_000;

/**
 * The partner's tier commission multiplier (10000 = 1x) in `programId` as heldTier
 * (src/core/tiers/assignment.ts) sees it: their live tier's, unless it is a paid tier that has
 * lapsed (the hourly job may not have ended it yet).
 */
export function multiplierBpsOf(partner: PartnerFacts, programId: string, at: Date): number {
  const tier = partner.tier;
  if (!tier || partner.programId !== programId) return NO_MULTIPLIER;
  const lapsed = tier.kind === 'paid' && (!tier.expiresAt || tier.expiresAt.getTime() <= at.getTime());
  return lapsed ? NO_MULTIPLIER : tier.multiplierBps;
}

// The partner columns of PARTNER_JOINS, as one shape for clicks and members.
const PARTNER_COLUMNS = `m.id as partner_id, m.program_id as partner_program_id, m.status as member_status, a.status as affiliate_status,
  m.email_normalized as partner_email, t.commission_multiplier_bps as tier_bps, t.kind as tier_kind, m.tier_expires_at`;
const PARTNER_JOINS = `left join affiliate_profiles a on a.member_id = m.id
  left join tiers t on t.id = m.tier_id and t.deleted_at is null`;

function partnerOf(r: Record<string, unknown>): PartnerFacts {
  return {
    memberId: r.partner_id as string,
    programId: r.partner_program_id as string,
    memberStatus: r.member_status as PartnerFacts['memberStatus'],
    affiliateStatus: (r.affiliate_status as PartnerFacts['affiliateStatus']) ?? null,
    emailNormalized: (r.partner_email as string | null) ?? null,
    tier: r.tier_kind ? { multiplierBps: toNumber(r.tier_bps), kind: r.tier_kind as 'standard' | 'paid', expiresAt: toDateOrNull(r.tier_expires_at) } : null,
  };
}

const CLICKS_BY_ID = `select k.id, k.clicked_at, k.link_id, k.program_id, k.owner_member_id, k.country, k.ip_hash, k.status,
    l.kind as link_kind, l.status as link_status, ${PARTNER_COLUMNS}
  from clicks k join links l on l.id = k.link_id join members m on m.id = k.owner_member_id ${PARTNER_JOINS}
  where k.id = any($1::text[])`;

/** The same, within a range of click times: only the partitions of those months are probed. */
const CLICKS_BY_ID_AND_TIME = `${CLICKS_BY_ID} and k.clicked_at >= $2::timestamptz and k.clicked_at < $3::timestamptz`;

/**
 * A click is stamped when its id is minted (db/ids.ts embeds the time), so its row lies within a
 * moment of the id's time; a day either way leaves room for clocks that disagree.
 */
const CLICK_TIME_MARGIN_MS = 86_400_000;

/** The time embedded in a well-formed click id, in ms; undefined for anything else. */
export function clickIdTime(clickId: string): number | undefined {
  const match = CLICK_ID.exec(clickId);
  return match ? parseInt(match[1]!, 36) : undefined;
}

/**
 * The stored clicks with these ids, with their links and partners (by id alone, like findClick).
 * The clicks table is partitioned by month, and a lookup by id alone probes every partition's
 * primary key: the ids' embedded times bound the first query to the months they can be in. An id
 * not found there (a click stamped by a clock far off its id's, as tests' clocks are) is looked for
 * everywhere before it counts as not stored. A click id that is not stored is absent from the map.
 */
export async function findClicks(db: Db, clickIds: readonly string[]): Promise<Map<string, StoredClick>> {
  const found = new Map<string, StoredClick>();
  if (clickIds.length === 0) return found;
  const times = clickIds.map(clickIdTime).filter((t): t is number => t !== undefined);
  let rest: readonly string[] = clickIds;
  if (times.length > 0) {
    const from = new Date(Math.min(...times) - CLICK_TIME_MARGIN_MS).toISOString();
    const to = new Date(Math.max(...times) + CLICK_TIME_MARGIN_MS).toISOString();
    addClicks(found, await rawRows(db, CLICKS_BY_ID_AND_TIME, [clickIds, from, to]));
    rest = clickIds.filter((id) => !found.has(id));
  }
  if (rest.length > 0) addClicks(found, await rawRows(db, CLICKS_BY_ID, [rest]));
  return found;
}

function addClicks(found: Map<string, StoredClick>, rows: readonly Record<string, unknown>[]): void {
  for (const r of rows) {
    const id = r.id as string;
    if (found.has(id)) continue;
    const partner = partnerOf(r);
    const linkKind = r.link_kind as PartnerLinkKind;
    found.set(id, {
      click: {
        id,
        clickedAt: toDate(r.clicked_at),
        linkId: r.link_id as string,
        programId: r.program_id as string,
        ownerMemberId: r.owner_member_id as string,
        country: r.country as string,
        ipHash: r.ip_hash as string,
        status: r.status as AttributedClick['status'],
      },
      linkKind,
      linkActive: r.link_status === 'active',
      eligible: partnerEligible(linkKind, partner),
      partner,
    });
  }
}

/** Partner facts of these members, in one query. */
export async function findPartners(db: Db, memberIds: readonly string[]): Promise<Map<string, PartnerFacts>> {
  const found = new Map<string, PartnerFacts>();
  if (memberIds.length === 0) return found;
  const rows = await rawRows(db, `select ${PARTNER_COLUMNS} from members m ${PARTNER_JOINS} where m.id = any($1::text[])`, [memberIds]);
  for (const r of rows) found.set(r.partner_id as string, partnerOf(r));
  return found;
}

/**
 * The stored click with this id, with its link and partner: through findClicks (the id's time
 * bounds the partitions probed), or by its exact primary key when `clickedAt` is known.
 */
export async function findClick(ctx: ServiceContext, clickId: string, clickedAt?: Date): Promise<StoredClick | null> {
  if (!clickedAt) return (await findClicks(ctx.db, [clickId])).get(clickId) ?? null;
  const [row] = await ctx.db
    .select({
      click: {
        id: clicks.id,
        clickedAt: clicks.clickedAt,
        linkId: clicks.linkId,
        programId: clicks.programId,
        ownerMemberId: clicks.ownerMemberId,
        country: clicks.country,
        ipHash: clicks.ipHash,
        status: clicks.status,
      },
      linkKind: links.kind,
      linkStatus: links.status,
      memberStatus: members.status,
      affiliateStatus: affiliateProfiles.status,
    })
    .from(clicks)
    .innerJoin(links, eq(links.id, clicks.linkId))
    .innerJoin(members, eq(members.id, clicks.ownerMemberId))
    .leftJoin(affiliateProfiles, eq(affiliateProfiles.memberId, clicks.ownerMemberId))
    .where(and(eq(clicks.id, clickId), eq(clicks.clickedAt, clickedAt)))
    .limit(1);
  if (!row) return null;
  return {
    click: row.click,
    linkKind: row.linkKind,
    linkActive: row.linkStatus === 'active',
    eligible: partnerEligible(row.linkKind, row),
  };
}

const PROMO_CODES = `select x.program, x.code, p.partner_member_id, p.status, m.status as member_status, a.status as affiliate_status
  from json_to_recordset($1::text::json) as x(program text, code text)
  join promo_codes p on p.program_id = x.program and p.code = x.code
  join members m on m.id = p.partner_member_id
  left join affiliate_profiles a on a.member_id = p.partner_member_id`;

/** The key of a program's promo code in findPromoCodePartners' answer. */
export const promoCodeKey = (programId: string, code: string) => `${programId}\n${code}`;

/**
 * The partners that active promo codes of these programs credit, if they may still be credited,
 * in one query; a code that credits nobody is absent.
 */
export async function findPromoCodePartners(db: Db, codes: readonly { programId: string; code: string }[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (codes.length === 0) return found;
  const rows = await rawRows(db, PROMO_CODES, [JSON.stringify(codes.map((c) => ({ program: c.programId, code: c.code })))]);
  for (const r of rows) {
    const standing = { memberStatus: r.member_status as PartnerStanding['memberStatus'], affiliateStatus: (r.affiliate_status as PartnerStanding['affiliateStatus']) ?? null };
    if (r.status === 'active' && partnerEligible(null, standing)) found.set(promoCodeKey(r.program as string, r.code as string), r.partner_member_id as string);
  }
  return found;
}

/** What a customer's binding to a partner rests on: the conversion that bound them, its link and click. */
export interface BindingFacts {
  linkId: string | null;
  /** The binding's link, with whether it and its owner may still be credited; null without one. */
  link: { kind: PartnerLinkKind; eligible: boolean } | null;
  /** Whether the bound partner may still be credited where no link says otherwise (promo-code bindings). */
  partnerEligible: boolean;
  /** The click that bound them; null when there was none or it has been pruned with its month. */
  click: AttributedClick | null;
  /** The market of the binding conversion. */
  marketCountry: string | null;
}

const BINDINGS = `select x.customer, b.link_id, b.market_country, l.kind as link_kind, lm.status as link_member_status,
    la.status as link_affiliate_status, pm.status as partner_status, pa.status as partner_affiliate_status,
    k.id as k_id, k.clicked_at as k_clicked_at, k.link_id as k_link_id, k.program_id as k_program_id, k.owner_member_id as k_owner,
    k.country as k_country, k.ip_hash as k_ip_hash, k.status as k_status
  from json_to_recordset($1::text::json) as x(customer text, binding text, partner text)
  left join conversions b on b.id = x.binding
  left join links l on l.id = b.link_id
  left join members lm on lm.id = l.owner_member_id
  left join affiliate_profiles la on la.member_id = l.owner_member_id
  left join members pm on pm.id = x.partner
  left join affiliate_profiles pa on pa.member_id = x.partner
  left join lateral (select * from clicks c where c.id = b.attributed_click_id and c.clicked_at = b.clicked_at limit 1) k on true`;

/** The bindings of these customers (each bound to `partnerMemberId` by `bindingConversionId`), in one query. */
export async function findBindings(
  db: Db,
  bound: readonly { customerId: string; bindingConversionId: string | null; partnerMemberId: string }[],
): Promise<Map<string, BindingFacts>> {
  const found = new Map<string, BindingFacts>();
  if (bound.length === 0) return found;
  const params = bound.map((b) => ({ customer: b.customerId, binding: b.bindingConversionId, partner: b.partnerMemberId }));
  for (const r of await rawRows(db, BINDINGS, [JSON.stringify(params)])) {
    const linkKind = (r.link_kind as PartnerLinkKind | null) ?? null;
    const linkOwner = { memberStatus: r.link_member_status as PartnerStanding['memberStatus'], affiliateStatus: (r.link_affiliate_status as PartnerStanding['affiliateStatus']) ?? null };
    const partner = { memberStatus: r.partner_status as PartnerStanding['memberStatus'], affiliateStatus: (r.partner_affiliate_status as PartnerStanding['affiliateStatus']) ?? null };
    found.set(r.customer as string, {
      linkId: (r.link_id as string | null) ?? null,
      link: linkKind && r.link_member_status ? { kind: linkKind, eligible: partnerEligible(linkKind, linkOwner) } : null,
      partnerEligible: r.partner_status ? partnerEligible(null, partner) : false,
      click: r.k_id
        ? {
            id: r.k_id as string,
            clickedAt: toDate(r.k_clicked_at),
            linkId: r.k_link_id as string,
            programId: r.k_program_id as string,
            ownerMemberId: r.k_owner as string,
            country: r.k_country as string,
            ipHash: r.k_ip_hash as string,
            status: r.k_status as AttributedClick['status'],
          }
        : null,
      marketCountry: (r.market_country as string | null) ?? null,
    });
  }
  return found;
}
