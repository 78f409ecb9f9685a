import { describe, expect, it } from 'vitest';
import { mergeCustomFields, validateCustomFields, type CustomFieldDefinition } from '../../../src/core/members/custom-fields.js';

type Def = Pick<CustomFieldDefinition, 'key' | 'type' | 'required' | 'enumValues'>;
const def = (key: string, type: Def['type'], extra: Partial<Def> = {}): Def => ({ key, type, required: false, enumValues: null, ...extra });

const definitions: Def[] = [
  def('nickname', 'string'),
  def('shoe_size', 'number'),
  def('newsletter', 'boolean'),
  def('joined_on', 'date'),
  def('size', 'enum', { enumValues: ['S', 'M', 'L'] }),
];

describe('validateCustomFields: one value per type', () => {
  const cases: { name: string; input: Record<string, unknown>; value?: Record<string, unknown>; issue?: string }[] = [
    { name: 'string', input: { nickname: 'Ada' }, value: { nickname: 'Ada' } },
    { name: 'number given as string form', input: { nickname: 42 }, value: { nickname: '42' } },
    { name: 'string refuses an object', input: { nickname: { a: 1 } }, issue: 'customFields.nickname' },
    { name: 'number', input: { shoe_size: 42.5 }, value: { shoe_size: 42.5 } },
    { name: 'number from CSV text', input: { shoe_size: ' 42 ' }, value: { shoe_size: 42 } },
    { name: 'negative number with exponent', input: { shoe_size: '-1e3' }, value: { shoe_size: -1000 } },
    { name: 'number refuses words', input: { shoe_size: 'forty' }, issue: 'customFields.shoe_size' },
    { name: 'number refuses infinity', input: { shoe_size: Infinity }, issue: 'customFields.shoe_size' },
    { name: 'number refuses a boolean', input: { shoe_size: true }, issue: 'customFields.shoe_size' },
    { name: 'boolean', input: { newsletter: false }, value: { newsletter: false } },
    { name: 'boolean from "true"', input: { newsletter: 'true' }, value: { newsletter: true } },
    { name: 'boolean from "0"', input: { newsletter: '0' }, value: { newsletter: false } },
    { name: 'boolean from "YES"', input: { newsletter: 'YES' }, value: { newsletter: true } },
    { name: 'boolean refuses "maybe"', input: { newsletter: 'maybe' }, issue: 'customFields.newsletter' },
    { name: 'boolean refuses the number 1', input: { newsletter: 1 }, issue: 'customFields.newsletter' },
    { name: 'date', input: { joined_on: '2024-01-31' }, value: { joined_on: '2024-01-31' } },
    { name: 'leap day', input: { joined_on: '2024-02-29' }, value: { joined_on: '2024-02-29' } },
    { name: 'date refuses a day that does not exist', input: { joined_on: '2023-02-29' }, issue: 'customFields.joined_on' },
    { name: 'date refuses another format', input: { joined_on: '31.01.2024' }, issue: 'customFields.joined_on' },
    { name: 'date refuses a timestamp', input: { joined_on: '2024-01-31T10:00:00Z' }, issue: 'customFields.joined_on' },
    { name: 'enum', input: { size: 'M' }, value: { size: 'M' } },
    { name: 'enum is case-sensitive', input: { size: 'm' }, issue: 'customFields.size' },
    { name: 'unknown key', input: { shoe: 1 }, issue: 'customFields.shoe' },
    { name: 'empty string is left out', input: { nickname: '' }, value: {} },
  ];
  it.each(cases)('$name', ({ input, value, issue }) => {
    const result = validateCustomFields(definitions, input, { partial: false });
    if (issue) {
      expect(result.issues.map((i) => i.field)).toEqual([issue]);
    } else {
      expect(result.issues).toEqual([]);
      expect(result.value).toEqual(value);
    }
  });
});

describe('validateCustomFields: required and partial', () => {
  const withRequired = [def('tax_id', 'string', { required: true }), def('note', 'string')];
  const cases: { name: string; input: unknown; partial: boolean; value?: Record<string, unknown>; issues?: string[] }[] = [
    { name: 'missing required on create', input: {}, partial: false, issues: ['customFields.tax_id'] },
    { name: 'null required on create', input: { tax_id: null }, partial: false, issues: ['customFields.tax_id'] },
    { name: 'empty CSV cell for required', input: { tax_id: '' }, partial: false, issues: ['customFields.tax_id'] },
    { name: 'missing required on update is fine', input: { note: 'x' }, partial: true, value: { note: 'x' } },
    { name: 'clearing required on update is refused', input: { tax_id: null }, partial: true, issues: ['customFields.tax_id'] },
    { name: 'clearing optional on update yields null', input: { note: null }, partial: true, value: { note: null } },
    { name: 'clearing optional on create leaves it out', input: { tax_id: 'A', note: null }, partial: false, value: { tax_id: 'A' } },
    { name: 'undefined values count as no values', input: undefined, partial: true, value: {} },
    { name: 'an array is not an object', input: ['a'], partial: true, issues: ['customFields'] },
    { name: 'a string is not an object', input: 'tax_id=1', partial: false, issues: ['customFields'] },
    { name: 'a number for a text field is kept as text', input: { tax_id: 5, nope: 1 }, partial: false, issues: ['customFields.nope'] },
  ];
  it.each(cases)('$name', ({ input, partial, value, issues }) => {
    const result = validateCustomFields(withRequired, input, { partial });
    expect(result.issues.map((i) => i.field)).toEqual(issues ?? []);
    if (value) expect(result.value).toEqual(value);
  });

  it('names every failing field with a reason', () => {
    const result = validateCustomFields(definitions, { shoe_size: 'x', size: 'XL', extra: 1 }, { partial: true });
    expect(result.issues).toEqual([
      { field: 'customFields.extra', reason: 'is not a custom field of this program' },
      { field: 'customFields.shoe_size', reason: 'must be a number' },
      { field: 'customFields.size', reason: 'must be one of: S, M, L' },
    ]);
  });
});

describe('mergeCustomFields', () => {
  it('overwrites given keys, removes nulled keys and keeps the rest', () => {
    expect(mergeCustomFields({ a: 1, b: 'x', c: true }, { a: 2, b: null })).toEqual({ a: 2, c: true });
  });
});
