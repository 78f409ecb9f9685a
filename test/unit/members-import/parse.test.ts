import { describe, expect, it } from 'vitest';
import { ImportFileError, readMemberRows, type ParsedRow } from '../../../src/core/members/import/parse.js';
import { validateImportRow } from '../../../src/core/members/import/validate-row.js';
import { rawRowFromCsv } from '../../../src/core/members/import/format.js';

async function rows(text: string, format: 'csv' | 'ndjson', pieceSize = 7): Promise<ParsedRow[]> {
  const bytes = new TextEncoder().encode(text);
  // Split into small pieces so records and UTF-8 characters straddle chunk boundaries.
  async function* pieces() {
    for (let i = 0; i < bytes.length; i += pieceSize) yield bytes.slice(i, i + pieceSize);
  }
  const out: ParsedRow[] = [];
  for await (const r of readMemberRows(pieces(), format, { customFieldKeys: new Set(['size']) })) out.push(r);
  return out;
}

describe('readMemberRows', () => {
  it('reads CSV with quoted newlines, reporting the line each record starts on', async () => {
    const parsed = await rows('\uFEFFexternalId,name,cf.size\na,"Zoë\nSecond line",42\n\nb,,\nc,only two\n', 'csv');
    expect(parsed).toEqual([
      { line: 2, row: { values: { externalId: 'a', name: 'Zoë\nSecond line' }, customFields: { size: '42' }, unknownKeys: [] } },
      { line: 5, row: { values: { externalId: 'b', name: null }, customFields: { size: null }, unknownKeys: [] } },
      { line: 6, issue: { reason: 'has 2 cells but the header has 3' } },
    ]);
  });

  it.each([
    ['externalId,colour\n', /colour is not a known column/],
    ['externalId,cf.height\n', /cf.height is not a custom field/],
    ['name,country\n', /needs an externalId or an email column/],
    ['externalId,email,email\n', /email appears twice/],
    ['', /empty/],
  ])('refuses the CSV header %j', async (text, message) => {
    await expect(rows(text, 'csv')).rejects.toThrow(ImportFileError);
    await expect(rows(text, 'csv')).rejects.toThrow(message);
  });

  it('reads NDJSON line by line, with CRLF, blank lines and broken lines', async () => {
    const parsed = await rows('{"externalId":"a","customFields":{"size":1}}\r\n\n[1]\n{nope\n{"email":"x@example.test","shoe":1}', 'ndjson', 5);
    expect(parsed).toEqual([
      { line: 1, row: { values: { externalId: 'a' }, customFields: { size: 1 }, unknownKeys: [] } },
      { line: 3, issue: { reason: 'must be a JSON object' } },
      { line: 4, issue: { reason: 'is not valid JSON' } },
      { line: 5, row: { values: { email: 'x@example.test' }, customFields: undefined, unknownKeys: ['shoe'] } },
    ]);
  });
});

describe('validateImportRow', () => {
  const ctx = {
    definitions: [{ key: 'size', type: 'number' as const, required: false, enumValues: null }],
    tierIdsByName: new Map([['gold', 'tier_gold']]),
  };
  const cases: [string, Record<string, string>, { field?: string; reason: RegExp } | null][] = [
    ['a good row', { externalId: 'a', email: 'A@Example.test', tier: 'GOLD', pointsBalance: '10', 'cf.size': '42' }, null],
    ['a row matched by email only', { email: 'b@example.test' }, null],
    ['no externalId and no email', { externalId: '', email: '', name: 'x' }, { field: 'externalId', reason: /externalId or an email/ }],
    ['a bad email', { externalId: 'a', email: 'nope' }, { field: 'email', reason: /valid email/ }],
    ['an unknown country', { externalId: 'a', country: 'XX' }, { field: 'country', reason: /ISO 3166/ }],
    ['an unknown tier', { externalId: 'a', tier: 'Platinum' }, { field: 'tier', reason: /not a tier/ }],
    ['negative points', { externalId: 'a', pointsBalance: '-5' }, { field: 'pointsBalance', reason: /whole, non-negative number/ }],
    ['fractional points', { externalId: 'a', pointsBalance: '1.5' }, { field: 'pointsBalance', reason: /whole, non-negative number/ }],
    ['a bad custom field', { externalId: 'a', 'cf.size': 'big' }, { field: 'customFields.size', reason: /number/ }],
    ['a bad birthday', { externalId: 'a', birthday: '2024-02-30' }, { field: 'birthday', reason: /YYYY-MM-DD/ }],
    ['a self-referral', { externalId: 'a', referredByExternalId: 'a' }, { field: 'referredByExternalId', reason: /themselves/ }],
  ];
  it.each(cases)('%s', (_, cells, expected) => {
    const result = validateImportRow(2, rawRowFromCsv(cells), ctx);
    if (!expected) {
      expect(result.ok).toBe(true);
      return;
    }
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toContainEqual(expect.objectContaining({ field: expected.field, reason: expect.stringMatching(expected.reason) }));
  });

  it('normalises what it keeps', () => {
    const result = validateImportRow(2, rawRowFromCsv({ externalId: ' a ', email: ' A@Example.TEST ', locale: 'de-de', tier: 'gold', pointsBalance: '10', 'cf.size': '42' }), ctx);
    expect(result).toEqual({
      ok: true,
      row: expect.objectContaining({ externalId: 'a', emailNormalized: 'a@example.test', tierId: 'tier_gold', pointsBalance: 10, customFields: { size: 42 }, attributes: expect.objectContaining({ locale: 'de-DE' }) }),
    });
  });
});
