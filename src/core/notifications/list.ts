import { and, count, desc, eq, isNull, lt } from 'drizzle-orm';
import { z } from 'zod';
import { markets, notifications, type NotificationKind } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { formatMoney } from '../../i18n/format.js';
import { matchLocale, type Locale } from '../../i18n/locales.js';
import type { NegotiatedLocale } from '../../i18n/negotiate.js';
import { translatorFor } from '../../i18n/overrides/translator.js';
import type { Translate } from '../../i18n/translate.js';
import { loadMemberInScope } from '../auth/scope.js';
import { pageInputSchema, pageLimit, toPage, type Page } from '../pagination.js';
import { parseInput } from '../validation.js';

export const NotificationListQuerySchema = pageInputSchema.extend({
  unread: z.enum(['true', 'false']).optional(),
});
export type NotificationListQuery = z.input<typeof NotificationListQuerySchema>;

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  /** In the reader's language, with their market's own words where its managers wrote them. */
  title: string;
  body: string;
  params: Record<string, string | number | null>;
  createdAt: string;
  readAt: string | null;
}

/**
 * A member's notifications, newest first, rendered for the reader: the request's language when the
 * reader chose one, else the member's own, else their market's default. `unreadCount` counts all
 * unread ones, for the badge.
 */
export async function listNotifications(
  ctx: ServiceContext,
  programId: string,
  memberId: string,
  raw: NotificationListQuery,
  requested: NegotiatedLocale,
): Promise<Page<NotificationView> & { unreadCount: number }> {
  const query = parseInput(NotificationListQuerySchema, raw, 'query');
  const { member } = await loadMemberInScope(ctx, programId, memberId);
  const { limit, fetch, cursor } = pageLimit(query);
  const mine = and(eq(notifications.programId, member.programId), eq(notifications.memberId, member.id));
  const rows = await ctx.db
    .select()
    .from(notifications)
    .where(and(mine, query.unread === 'true' ? isNull(notifications.readAt) : undefined, cursor === undefined ? undefined : lt(notifications.id, cursor)))
    .orderBy(desc(notifications.id))
    .limit(fetch);
  const [unread] = await ctx.db.select({ n: count() }).from(notifications).where(and(mine, isNull(notifications.readAt)));

  const locale = requested.explicit ? requested.locale : (matchLocale(member.locale) ?? (await marketLocale(ctx, member.programId, member.country)) ?? requested.locale);
  const t = await translatorFor(ctx.db, { programId: member.programId, country: member.country, locale });
  return { ...toPage(rows, limit, (row) => render(row, t, locale)), unreadCount: unread?.n ?? 0 };
}

async function marketLocale(ctx: ServiceContext, programId: string, country: string | null): Promise<Locale | null> {
  if (!country) return null;
  const [market] = await ctx.db.select({ locale: markets.defaultLocale }).from(markets).where(and(eq(markets.programId, programId), eq(markets.country, country)));
  return matchLocale(market?.locale);
}

// i18n-keys: payout_paid.title payout_paid.body payout_failed.title payout_failed.body payout_reversed.title payout_reversed.body
// i18n-keys: payout_reversed.bodyPartial commission_approved.title commission_approved.body commission_rejected.title commission_rejected.body
function render(row: typeof notifications.$inferSelect, t: Translate, locale: Locale): NotificationView {
  const p = row.params;
  const amount = typeof p.amount === 'number' && typeof p.currency === 'string' ? formatMoney(p.amount, p.currency, locale) : '';
  const values = { amount, reason: p.reason ?? '' };
  const bodyKey = row.kind === 'payout_reversed' && p.full === 0 ? 'payout_reversed.bodyPartial' : `${row.kind}.body`;
  return {
    id: row.id,
    kind: row.kind,
    title: t(`notifications:${row.kind}.title`, values),
    body: t(`notifications:${bodyKey}`, values),
    params: p,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt ? row.readAt.toISOString() : null,
  };
}
