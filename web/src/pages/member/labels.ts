import type { HistoryItem } from './queries';

// Reason codes the platform writes on ledger entries (orders, refunds, expiry, tier gifts, referrals),
// and `welcome`, the usual code for a sign-up bonus (the demo grants one).
// i18n-keys: reason.order reason.welcome reason.refund reason.expired reason.tier_gift reason.referral_signup reason.referral_first_purchase reason.referral_reversed
const KNOWN_REASONS = new Set(['order', 'welcome', 'refund', 'expired', 'tier_gift', 'referral_signup', 'referral_first_purchase', 'referral_reversed']);

// i18n-keys: kind.earn kind.redeem kind.expire kind.adjust kind.reverse

/**
 * What a ledger entry was, for people: a known reason code gets its own label; otherwise the kind
 * of entry is the label and the merchant's free-text reason ("Voucher") is shown as written.
 */
export function entryLabel(t: (key: string) => string, entry: Pick<HistoryItem, 'kind' | 'reason'>): { label: string; note: string | null } {
  if (entry.reason && KNOWN_REASONS.has(entry.reason)) return { label: t(`reason.${entry.reason}`), note: null };
  return { label: t(`kind.${entry.kind}`), note: entry.reason };
}
