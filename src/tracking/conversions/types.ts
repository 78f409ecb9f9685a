import type { conversions, customers } from '../../../db/schema/index.js';

/** Contracts shared by conversion intake, attribution, fraud rules, commissions and member rewards (issue 4). */

export type ConversionRow = typeof conversions.$inferSelect;
export type CustomerRow = typeof customers.$inferSelect;
export type AttributionMethodName = 'click_id' | 'cookie' | 'promo_code' | 'customer' | 'none';

/** The stored click a conversion was attributed to (read from the partitioned clicks table). */
export interface AttributedClick {
  id: string;
  clickedAt: Date;
  linkId: string;
  programId: string;
  ownerMemberId: string;
  country: string;
  ipHash: string;
  status: 'counted' | 'duplicate' | 'bot';
}

/** What attribution decided for one conversion. */
export interface Attribution {
  method: AttributionMethodName;
  /** The credited partner: an affiliate, or the member whose invite link brought the customer; null when unattributed. */
  partnerMemberId: string | null;
  linkId: string | null;
  linkKind: 'affiliate' | 'invite' | null;
  /** The click behind a click_id/cookie attribution (or the binding's click); null otherwise. */
  click: AttributedClick | null;
  /** The customer record (created on first sight when the conversion identifies one). */
  customer: CustomerRow | null;
  /** Whether this conversion just bound the customer to the partner (their first attributed conversion). */
  boundNow: boolean;
  /** The market whose policy applies (sent country, else the click's, else the member's). */
  marketCountry: string | null;
}
