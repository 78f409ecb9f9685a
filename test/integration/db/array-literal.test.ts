import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numberArrayLiteral, textArrayLiteral } from '../../../db/array-literal.js';
import { queryRows } from '../../../db/client.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

describe('array literals', () => {
  it('carry any text through unchanged, null included', async () => {
    const values = ['plain', '', 'NULL', 'with "quotes"', 'back\\slash', 'a,b', '{braces}', ' spaced ', 'tab\there', 'line\nbreak', 'ünïcode ✓', null];
    const rows = await queryRows<{ v: string | null; n: number }>(
      h.db,
      sql`select v, n::int as n from unnest(${textArrayLiteral(values)}::text[]) with ordinality as t(v, n) order by n`,
    );
    expect(rows.map((r) => r.v)).toEqual(values);
  });

  it('carry numbers and nulls, and refuse what is not a finite number', async () => {
    const values = [0, -1.5, 1733400000000, null, 2 ** 53 - 1];
    const rows = await queryRows<{ v: number | null; n: number }>(
      h.db,
      sql`select v, n::int as n from unnest(${numberArrayLiteral(values)}::float8[]) with ordinality as t(v, n) order by n`,
    );
    expect(rows.map((r) => (r.v === null ? null : Number(r.v)))).toEqual(values);
    expect(() => numberArrayLiteral([Number.NaN])).toThrow(RangeError);
    expect(() => numberArrayLiteral([Infinity])).toThrow(RangeError);
  });

  it('make an empty array of nothing', () => {
    expect(textArrayLiteral([])).toBe('{}');
    expect(numberArrayLiteral([])).toBe('{}');
  });
});
