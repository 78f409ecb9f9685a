import { stringify } from 'csv-stringify/sync';
import { decimalOf } from './format.js';
import type { Statement, StatementHistoryEntry } from './statement.js';
import { guardCsvCell } from '../../csv-cells.js';

/**
 * A statement as CSV: one row per line, for spreadsheets and bookkeeping. The column names are
 * stable machine keys, not translated, so an import script works whatever the affiliate's
 * language; amounts are plain decimals in major units with a dot (`-5.00`), dates ISO 8601 (UTC),
 * log indexes integers. The payout's columns repeat on every row so each row stands alone.
 */

export const STATEMENT_CSV_COLUMNS = [
  'program',
  'affiliate',
  'payout_id',
  'payout_status',
  'payout_paid_at',
  'payout_log_index',
  'line',
  'commission_id',
  'conversion_id',
  'conversion_external_id',
  'kind',
  'market',
  'conversion_at',
  'sale_amount',
  'sale_currency',
  'commission_amount',
  'commission_currency',
  'fx_rate',
  'amount',
  'currency',
  'paid_log_index',
  'status_history',
] as const;

/** Formula-injection guard for every cell (src/csv-cells.ts); plain numbers such as `-500` stay numbers. */
export const guardCell = (value: string | number | null): string => guardCsvCell(value);

/** `commission.approved #41 2026-11-02T10:00:00.000Z hold_period_over`, `#pending` while unsequenced. */
function historyText(history: StatementHistoryEntry[]): string {
  return history.map((h) => [h.type, h.index === null ? '#pending' : `#${h.index}`, h.at.toISOString(), h.reason].filter(Boolean).join(' ')).join('; ');
}

const indexText = (p: { index: number | null } | null): string | number => (p === null ? '' : p.index === null ? 'pending' : p.index);

export function statementCsv(s: Statement): string {
  const { payout } = s;
  const rows = s.lines.map((l, n) => [
    s.program.name,
    s.affiliate.name,
    payout.id,
    payout.status,
    payout.paidAt?.toISOString() ?? null,
    indexText(s.payoutEntry),
    n + 1,
    l.commissionId,
    l.conversionId,
    l.conversionExternalId,
    l.kind,
    l.market,
    l.conversionAt.toISOString(),
    l.saleAmount === null || l.saleCurrency === null ? null : decimalOf(l.saleAmount, l.saleCurrency),
    l.saleCurrency,
    decimalOf(l.commissionAmount, l.commissionCurrency),
    l.commissionCurrency,
    l.fxRate,
    decimalOf(l.amount, payout.currency),
    payout.currency,
    indexText(l.paidEntry),
    historyText(l.history),
  ]);
  return stringify([[...STATEMENT_CSV_COLUMNS], ...rows.map((r) => r.map(guardCell))], { record_delimiter: 'windows' });
}
