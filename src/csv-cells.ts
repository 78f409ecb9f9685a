/**
 * Spreadsheet formula injection (OWASP "CSV injection"): a text cell that Excel, LibreOffice or
 * Sheets would run as a formula gets a leading `'`, which they show as text. Every CSV Trellis
 * writes guards its cells this way, and the member import takes the guard off again, so an
 * export imports back unchanged: a cell that already began with `'` before such a character (or
 * before another `'`) is guarded too, and exactly one `'` is taken off on the way in. Text that
 * merely starts with `'` (`'s-Hertogenbosch`) is left alone both ways.
 */

/** A number as a spreadsheet reads it: an optional minus, digits, an optional fraction. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
/** What makes a spreadsheet read a cell as a formula, or strip it to one. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A guarded cell: the added `'` followed by what made it need one. */
const GUARDED = /^'[=+\-@\t\r']/;

/** The cell as written to a CSV file; plain numbers such as `-500` stay numbers. */
export function guardCsvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  if (typeof value === 'number' || PLAIN_NUMBER.test(text)) return text;
  return FORMULA_START.test(text) || GUARDED.test(text) ? `'${text}` : text;
}

/** The value of a cell read from a CSV file that guardCsvCell may have written. */
export function unguardCsvCell(cell: string): string {
  return GUARDED.test(cell) ? cell.slice(1) : cell;
}
