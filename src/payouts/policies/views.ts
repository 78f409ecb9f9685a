import type { PolicyTerms } from '../commission-math.js';
import type { PolicyVersionRow } from './in-force.js';
import { marketOfCountry } from './terms.js';

/** One version of a market's commission terms, as the API and the audit log show it. */
export interface PolicyVersionView extends PolicyTerms {
  id: string;
  policyId: string;
  programId: string;
  /** The country code, or `default`. */
  market: string;
  country: string | null;
  version: number;
  effectiveFrom: Date;
  note: string | null;
  createdBy: string | null;
  createdAt: Date;
}

export const toPolicyVersionView = (v: PolicyVersionRow): PolicyVersionView => ({
  id: v.id,
  policyId: v.policyId,
  programId: v.programId,
  market: marketOfCountry(v.country),
  country: v.country,
  version: v.version,
  effectiveFrom: v.effectiveFrom,
  mode: v.mode,
  currency: v.currency,
  signupAmount: v.signupAmount,
  percentBps: v.percentBps,
  flatAmount: v.flatAmount,
  minAmount: v.minAmount,
  maxAmount: v.maxAmount,
  holdDays: v.holdDays,
  attributionWindowDays: v.attributionWindowDays,
  switchToPerTransactionAt: v.switchToPerTransactionAt,
  note: v.note,
  createdBy: v.createdBy,
  createdAt: v.createdAt,
});

/** A market's policy: the version in force now and those scheduled after it. */
export interface PolicyView {
  id: string;
  programId: string;
  market: string;
  country: string | null;
  /** In force now; null when the first version is still scheduled. */
  current: PolicyVersionView | null;
  /** Versions taking effect later, soonest first. */
  upcoming: PolicyVersionView[];
  updatedAt: Date;
}
