import type { Locale } from '../../i18n/locales.js';
import type { Translate } from '../../i18n/translate.js';

/**
 * Every word a person reads on a payout statement, built from the `statements` namespace
 * (src/i18n/locales/<lng>/statements.json) through a Translate, so a regional manager's overrides
 * apply too. Amounts and dates are not here: Intl formats them in the statement's locale.
 */

export interface StatementLabels {
  /** The language of these labels, for the page's `lang` attribute. */
  lang: string;
  title: string;
  program: string;
  affiliate: string;
  payout: string;
  amount: string;
  status: string;
  method: string;
  transfer: string;
  manualReference: string;
  paidAt: string;
  run: string;
  payoutLogEntry: string;
  /** `payout.failed` and `payout.reversed` entries, when there are any. */
  payoutOtherEntries: string;
  reversedAmount: string;
  notPaid: string;
  none: string;
  caption: (count: number) => string;
  columns: {
    commission: string;
    conversion: string;
    kind: string;
    market: string;
    conversionDate: string;
    sale: string;
    commissionAmount: string;
    fxRate: string;
    amount: string;
    paidEntry: string;
    history: string;
  };
  kinds: Record<'signup' | 'sale' | 'clawback', string>;
  statuses: Record<'pending' | 'processing' | 'paid' | 'failed' | 'reversed', string>;
  methods: Record<'stripe' | 'manual', string>;
  /** The `commission.*` and `payout.*` changes, by what follows the dot. */
  changes: Record<string, string>;
  reasons: Record<string, string>;
  logIndex: (index: number) => string;
  pendingEntry: string;
  missingEntry: string;
  subtotalCommissions: string;
  subtotalClawbacks: string;
  total: string;
  totalMismatch: (payoutAmount: string) => string;
  footer: {
    heading: string;
    intro: string;
    origin: (origin: string) => string;
    checkpoint: string;
    proof: string;
    verifier: string;
    pending: string;
    times: string;
    generated: (at: string) => string;
  };
}

const KINDS = ['signup', 'sale', 'clawback'] as const;
const STATUSES = ['pending', 'processing', 'paid', 'failed', 'reversed'] as const;
const METHODS = ['stripe', 'manual'] as const;
// The part after the dot of `commission.*` / `payout.*` log entry types; others show the raw type.
const CHANGES = ['created', 'released', 'approved', 'rejected', 'reversed', 'clawback', 'paid', 'unpaid', 'failed'] as const;
const REASONS = ['conversion_processed', 'manager_approved', 'manager_rejected', 'hold_period_over', 'refund', 'cancel', 'payout_paid', 'payout_reversed'] as const;

// i18n-keys: statements:kinds.signup statements:kinds.sale statements:kinds.clawback
// i18n-keys: statements:statuses.pending statements:statuses.processing statements:statuses.paid statements:statuses.failed statements:statuses.reversed
// i18n-keys: statements:methods.stripe statements:methods.manual
// i18n-keys: statements:changes.created statements:changes.released statements:changes.approved statements:changes.rejected statements:changes.reversed
// i18n-keys: statements:changes.clawback statements:changes.paid statements:changes.unpaid statements:changes.failed
// i18n-keys: statements:reasons.conversion_processed statements:reasons.manager_approved statements:reasons.manager_rejected statements:reasons.hold_period_over
// i18n-keys: statements:reasons.refund statements:reasons.cancel statements:reasons.payout_paid statements:reasons.payout_reversed
function group<K extends string>(t: Translate, prefix: string, keys: readonly K[]): Record<K, string> {
  return Object.fromEntries(keys.map((key) => [key, t(`statements:${prefix}.${key}`)])) as Record<K, string>;
}

/** The labels of a statement in `lang`, every text through `t` (shipped text or an override). */
export function statementLabels(t: Translate, lang: Locale): StatementLabels {
  return {
    lang,
    title: t('statements:title'),
    program: t('statements:program'),
    affiliate: t('statements:affiliate'),
    payout: t('statements:payout'),
    amount: t('statements:amount'),
    status: t('statements:status'),
    method: t('statements:method'),
    transfer: t('statements:transfer'),
    manualReference: t('statements:manualReference'),
    paidAt: t('statements:paidAt'),
    run: t('statements:run'),
    payoutLogEntry: t('statements:payoutLogEntry'),
    payoutOtherEntries: t('statements:payoutOtherEntries'),
    reversedAmount: t('statements:reversedAmount'),
    notPaid: t('statements:notPaid'),
    none: t('statements:none'),
    caption: (count) => t('statements:caption', { count }),
    columns: {
      commission: t('statements:columns.commission'),
      conversion: t('statements:columns.conversion'),
      kind: t('statements:columns.kind'),
      market: t('statements:columns.market'),
      conversionDate: t('statements:columns.conversionDate'),
      sale: t('statements:columns.sale'),
      commissionAmount: t('statements:columns.commissionAmount'),
      fxRate: t('statements:columns.fxRate'),
      amount: t('statements:columns.amount'),
      paidEntry: t('statements:columns.paidEntry'),
      history: t('statements:columns.history'),
    },
    kinds: group(t, 'kinds', KINDS),
    statuses: group(t, 'statuses', STATUSES),
    methods: group(t, 'methods', METHODS),
    changes: group(t, 'changes', CHANGES),
    reasons: group(t, 'reasons', REASONS),
    logIndex: (index) => t('statements:logIndex', { index }),
    pendingEntry: t('statements:pendingEntry'),
    missingEntry: t('statements:missingEntry'),
    subtotalCommissions: t('statements:subtotalCommissions'),
    subtotalClawbacks: t('statements:subtotalClawbacks'),
    total: t('statements:total'),
    totalMismatch: (amount) => t('statements:totalMismatch', { amount }),
    footer: {
      heading: t('statements:footer.heading'),
      intro: t('statements:footer.intro'),
      origin: (origin) => t('statements:footer.origin', { origin }),
      checkpoint: t('statements:footer.checkpoint'),
      proof: t('statements:footer.proof'),
      verifier: t('statements:footer.verifier'),
      pending: t('statements:footer.pending'),
      times: t('statements:footer.times'),
      generated: (at) => t('statements:footer.generated', { at }),
    },
  };
}
