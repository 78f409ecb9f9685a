/**
 * Every word a person reads on a payout statement, one object per language. English only for now:
 * issue 7 (i18next) adds the other languages by adding objects of the same shape, so nothing in
 * html.ts changes. Amounts and dates are not here: Intl formats them in the statement's locale.
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

const en: StatementLabels = {
  lang: 'en',
  title: 'Payout statement',
  program: 'Program',
  affiliate: 'Affiliate',
  payout: 'Payout',
  amount: 'Amount',
  status: 'Status',
  method: 'Method',
  transfer: 'Stripe transfer',
  manualReference: 'Payment reference',
  paidAt: 'Paid on',
  run: 'Payout run',
  payoutLogEntry: 'Log entry of this payout',
  payoutOtherEntries: 'Later log entries of this payout',
  reversedAmount: 'Reversed by Stripe',
  notPaid: 'not paid',
  none: '—',
  caption: (count) => `Commissions settled by this payout (${count} ${count === 1 ? 'line' : 'lines'})`,
  columns: {
    commission: 'Commission',
    conversion: 'Conversion (your order reference)',
    kind: 'Kind',
    market: 'Market',
    conversionDate: 'Conversion date',
    sale: 'Sale amount',
    commissionAmount: 'Commission (sale currency)',
    fxRate: 'FX rate',
    amount: 'Amount paid',
    paidEntry: 'Paid entry',
    history: 'Status history (log index)',
  },
  kinds: { signup: 'Signup', sale: 'Sale', clawback: 'Clawback' },
  statuses: { pending: 'Pending', processing: 'Processing', paid: 'Paid', failed: 'Failed', reversed: 'Reversed' },
  methods: { stripe: 'Stripe Connect', manual: 'Manual (bank transfer)' },
  changes: {
    created: 'Created',
    released: 'Released from hold',
    approved: 'Approved',
    rejected: 'Rejected',
    reversed: 'Reversed',
    clawback: 'Clawback',
    paid: 'Paid',
    unpaid: 'Payout reversed',
    failed: 'Payout failed',
  },
  reasons: {
    conversion_processed: 'conversion processed',
    manager_approved: 'approved by a manager',
    manager_rejected: 'rejected by a manager',
    hold_period_over: 'hold period over',
    refund: 'refund',
    cancel: 'cancellation',
    payout_paid: 'payout paid',
    payout_reversed: 'payout reversed',
  },
  logIndex: (index) => `log index ${index}`,
  pendingEntry: 'pending (not yet in the log)',
  missingEntry: 'not in the log',
  subtotalCommissions: 'Commissions',
  subtotalClawbacks: 'Clawbacks',
  total: 'Total',
  totalMismatch: (payoutAmount) => `The lines do not add up to the payout amount (${payoutAmount}). Please contact the program.`,
  footer: {
    heading: 'How to check each line',
    intro:
      'Every change of every commission on this statement, and the payout itself, is an entry in the program’s public transparency log, an append-only Merkle tree (RFC 9162). The log index next to each change says where.',
    origin: (origin) => `This log’s origin (the first line of its checkpoints) is ${origin}.`,
    checkpoint: 'The log’s latest signed checkpoint (tree size and root hash):',
    proof: 'The inclusion proof of the entry at index N, which shows the entry is in that tree:',
    verifier: 'Or let the verifier do it all, with your login: it checks the checkpoint, every entry of yours and its proof, and your commissions against the log:',
    pending: 'A change marked pending is waiting for the log’s sequencer, which adds it within seconds; it already has a signed receipt in your receipts list.',
    times: 'Times are in UTC.',
    generated: (at) => `Statement generated ${at}.`,
  },
};

const LABELS: Record<string, StatementLabels> = { en };

/** The labels for a locale (`de-DE` -> `de`), English when the language has none yet. */
export function statementLabels(locale: string): StatementLabels {
  const language = locale.split('-')[0]!.toLowerCase();
  return LABELS[language] ?? en;
}
