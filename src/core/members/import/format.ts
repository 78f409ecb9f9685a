import { unguardCsvCell } from '../../../csv-cells.js';
import { escapeUnstorable } from '../../validation.js';

/**
 * The member file format shared by import and export (docs/import-export.md). CSV: one column
 * per key below plus `cf.<key>` per custom field. NDJSON: one object per line with the same keys
 * and `customFields: {}`.
 */
export const MEMBER_FILE_COLUMNS = [
  'externalId',
  'email',
  'name',
  'phone',
  'birthday',
  'country',
  'locale',
  'source',
  'status',
  'tier',
  'pointsBalance',
  'referredByExternalId',
] as const;

export type MemberFileColumn = (typeof MEMBER_FILE_COLUMNS)[number];

export const CUSTOM_FIELD_COLUMN_PREFIX = 'cf.';

export const IMPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * One row as read from the file, before validation. A key that is absent leaves that attribute of
 * an existing member untouched; null (an empty CSV cell, a JSON null) clears it.
 */
export interface RawMemberRow {
  values: Partial<Record<MemberFileColumn, unknown>>;
  /** Present when the file carries custom fields for this row; null values clear a field. */
  customFields?: unknown;
  /** Keys the row carries that are not part of the format (NDJSON only; CSV headers are checked once). */
  unknownKeys: string[];
}

const KNOWN = new Set<string>(MEMBER_FILE_COLUMNS);

/** A CSV header problem: unknown columns fail the whole import, before any row is touched. */
export function checkCsvHeader(header: string[], customFieldKeys: ReadonlySet<string>): { field: string; reason: string }[] {
  const issues: { field: string; reason: string }[] = [];
  const seen = new Set<string>();
  for (const column of header) {
    // Named as a field is (a NUL written as `\u0000`): issues and the failure message are stored.
    const field = escapeUnstorable(column);
    if (seen.has(column)) issues.push({ field, reason: 'appears twice in the header' });
    seen.add(column);
    if (KNOWN.has(column)) continue;
    if (column.startsWith(CUSTOM_FIELD_COLUMN_PREFIX)) {
      const key = column.slice(CUSTOM_FIELD_COLUMN_PREFIX.length);
      if (!customFieldKeys.has(key)) issues.push({ field, reason: 'is not a custom field of this program' });
      continue;
    }
    issues.push({ field, reason: 'is not a known column' });
  }
  return issues;
}

/** A CSV record (header -> cell) as a raw row; empty cells become null. */
export function rawRowFromCsv(record: Record<string, string>): RawMemberRow {
  const values: RawMemberRow['values'] = {};
  let customFields: Record<string, unknown> | undefined;
  for (const [column, cell] of Object.entries(record)) {
    // Exports guard formula-like cells with a leading `'` (src/csv-cells.ts); it is not part of the value.
    const value = cell === '' ? null : unguardCsvCell(cell);
    if (column.startsWith(CUSTOM_FIELD_COLUMN_PREFIX)) {
      (customFields ??= {})[column.slice(CUSTOM_FIELD_COLUMN_PREFIX.length)] = value;
    } else {
      values[column as MemberFileColumn] = value;
    }
  }
  return { values, customFields, unknownKeys: [] };
}

/** A parsed NDJSON object as a raw row. */
export function rawRowFromJson(object: Record<string, unknown>): RawMemberRow {
  const values: RawMemberRow['values'] = {};
  const unknownKeys: string[] = [];
  let customFields: unknown;
  for (const [key, value] of Object.entries(object)) {
    if (key === 'customFields') customFields = value;
    else if (KNOWN.has(key)) values[key as MemberFileColumn] = value === '' ? null : value;
    else unknownKeys.push(key);
  }
  return { values, customFields, unknownKeys };
}
