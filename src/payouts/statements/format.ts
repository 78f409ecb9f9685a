/**
 * Amounts and dates for statements: the server's formatting helpers (src/i18n/format.ts), kept
 * under this name for the statement renderers.
 */
export { decimalOf, formatDate, formatDateTime, formatDecimal, formatMoney } from '../../i18n/format.js';
