import { describe, expect, it } from 'vitest';
import { guardCsvCell, unguardCsvCell } from '../../../src/csv-cells.js';

describe('CSV cell guard', () => {
  it('makes formula-like text inert and leaves numbers and ordinary text alone', () => {
    for (const bad of ['=1+2', '+49 30 1234', '-1+2', '@SUM(A1)', '\tx', '\rx', '-', '=HYPERLINK("http://evil.test","x")']) expect(guardCsvCell(bad)).toBe(`'${bad}`);
    for (const fine of ['-500', '12.50', 'order-1', "'s-Hertogenbosch", 'Ana', '']) expect(guardCsvCell(fine)).toBe(fine);
    expect(guardCsvCell(-500)).toBe('-500');
    expect(guardCsvCell(null)).toBe('');
    expect(guardCsvCell(undefined)).toBe('');
  });

  it('reads back exactly what was guarded, including text that already began with a quote', () => {
    for (const value of ['=1+2', '+49 30 1234', "'=already quoted", "''", "'", "'s-Hertogenbosch", '-500', 'plain', "'+x", "'''=x"]) {
      expect(unguardCsvCell(guardCsvCell(value))).toBe(value);
    }
  });
});
