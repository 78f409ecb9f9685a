import { Readable } from 'node:stream';
import { parse as parseCsv, CsvError } from 'csv-parse';
import { escapeUnstorable } from '../../validation.js';
import { checkCsvHeader, rawRowFromCsv, rawRowFromJson, type ImportFormat, type RawMemberRow } from './format.js';

/** One row of the file: either readable (still to be validated) or already rejected. */
export type ParsedRow = { line: number; row: RawMemberRow } | { line: number; issue: { field?: string; reason: string } };

/**
 * The file itself cannot be read (bad header, broken quoting): the whole import fails. Its message
 * and issues are stored on the run, and the parser may quote the file in them: escaped (escapeUnstorable).
 */
export class ImportFileError extends Error {
  readonly issues: { line: number; field?: string; reason: string }[];
  constructor(message: string, issues: { line: number; field?: string; reason: string }[] = []) {
    super(escapeUnstorable(message));
    this.name = 'ImportFileError';
    this.issues = issues.map((issue) => ({ ...issue, reason: escapeUnstorable(issue.reason) }));
  }
}

/** Streams the rows of a member file; memory stays bounded by one record, whatever the file size. */
export function readMemberRows(
  source: AsyncIterable<Uint8Array>,
  format: ImportFormat,
  opts: { customFieldKeys: ReadonlySet<string> },
): AsyncGenerator<ParsedRow> {
  return format === 'csv' ? readCsvRows(source, opts.customFieldKeys) : readNdjsonRows(source);
}

async function* readCsvRows(source: AsyncIterable<Uint8Array>, customFieldKeys: ReadonlySet<string>): AsyncGenerator<ParsedRow> {
  const parser = Readable.from(source, { objectMode: false }).pipe(
    parseCsv({ bom: true, info: true, raw: true, relax_column_count: true, skip_empty_lines: true, trim: false }),
  );
  let header: string[] | undefined;
  let previousLines = 0; // where the last record ended, for errors csv-parse raises mid-record
  try {
    for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
      // info.lines is where the record ENDS; a quoted cell may span lines, so report where it starts.
      // raw also carries the skipped blank lines before the record and its own line break.
      const line = info.lines - countNewlines(raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, ''));
      previousLines = info.lines;
      if (!header) {
        header = record.map((h) => h.trim());
        const issues = checkCsvHeader(header, customFieldKeys);
        if (!header.some((h) => h === 'externalId' || h === 'email')) {
          issues.push({ field: 'header', reason: 'needs an externalId or an email column' });
        }
        if (issues.length) {
          throw new ImportFileError(
            `The CSV header is not valid: ${issues.map((i) => `${i.field} ${i.reason}`).join('; ')}.`,
            issues.map((i) => ({ line, ...i })),
          );
        }
        continue;
      }
      if (record.length !== header.length) {
        yield { line, issue: { reason: `has ${record.length} cells but the header has ${header.length}` } };
        continue;
      }
      const cells: Record<string, string> = {};
      header.forEach((column, i) => (cells[column] = record[i]!));
      yield { line, row: rawRowFromCsv(cells) };
    }
  } catch (err) {
    if (err instanceof CsvError) throw new ImportFileError(`The CSV file cannot be read: ${err.message}`, [{ line: previousLines + 1, reason: err.message }]);
    throw err;
  }
  if (!header) throw new ImportFileError('The CSV file is empty: it needs a header line.', [{ line: 1, reason: 'missing header' }]);
}

async function* readNdjsonRows(source: AsyncIterable<Uint8Array>): AsyncGenerator<ParsedRow> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let line = 0;
  const handle = (text: string): ParsedRow | undefined => {
    line++;
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (!trimmed.trim()) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return { line, issue: { reason: 'is not valid JSON' } };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { line, issue: { reason: 'must be a JSON object' } };
    return { line, row: rawRowFromJson(value as Record<string, unknown>) };
  };
  for await (const bytes of source) {
    pending += decoder.decode(bytes, { stream: true });
    let start = 0;
    let newline: number;
    while ((newline = pending.indexOf('\n', start)) !== -1) {
      const parsed = handle(pending.slice(start, newline));
      start = newline + 1;
      if (parsed) yield parsed;
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending) {
    const parsed = handle(pending);
    if (parsed) yield parsed;
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
