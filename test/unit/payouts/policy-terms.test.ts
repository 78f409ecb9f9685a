import { describe, expect, it } from 'vitest';
import { FxRateInputSchema } from '../../../src/payouts/fx-rates.js';
import { completeTerms, PolicyTermsInputSchema, sameTerms } from '../../../src/payouts/policies/terms.js';
import { issuesFromZod } from '../../../src/core/validation.js';

const fieldsOf = (schema: typeof PolicyTermsInputSchema | typeof FxRateInputSchema, input: unknown) => {
  const result = schema.safeParse(input);
  return result.success ? [] : issuesFromZod(result.error).map((i) => i.field);
};

describe('commission policy terms input', () => {
  it.each([
    ['per_signup with an amount', { mode: 'per_signup', signupAmount: 500 }, []],
    ['per_transaction with caps', { mode: 'per_transaction', percentBps: 1000, flatAmount: 50, minAmount: 100, maxAmount: 5000 }, []],
    ['a maturing market', { mode: 'per_signup', signupAmount: 500, percentBps: 800, switchToPerTransactionAt: '2030-01-01T00:00:00Z' }, []],
    ['per_signup without an amount', { mode: 'per_signup' }, ['signupAmount']],
    ['per_transaction without a percent', { mode: 'per_transaction' }, ['percentBps']],
    ['per_transaction with a signup amount', { mode: 'per_transaction', percentBps: 1000, signupAmount: 1 }, ['signupAmount']],
    ['per_transaction with a switch', { mode: 'per_transaction', percentBps: 1000, switchToPerTransactionAt: '2030-01-01T00:00:00Z' }, ['switchToPerTransactionAt']],
    ['a switch without percent terms', { mode: 'per_signup', signupAmount: 500, switchToPerTransactionAt: '2030-01-01T00:00:00Z' }, ['percentBps']],
    ['min above max', { mode: 'per_transaction', percentBps: 1000, minAmount: 600, maxAmount: 500 }, ['maxAmount']],
    ['negative and fractional amounts', { mode: 'per_transaction', percentBps: 10.5, flatAmount: -1 }, ['percentBps', 'flatAmount']],
    ['a percent above 1000%', { mode: 'per_transaction', percentBps: 100_001 }, ['percentBps']],
    ['a hold and window out of range', { mode: 'per_signup', signupAmount: 1, holdDays: -1, attributionWindowDays: 0 }, ['holdDays', 'attributionWindowDays']],
    ['an unknown mode and currency', { mode: 'per_click', currency: 'EURO' }, ['mode', 'currency']],
    ['a date without an offset', { mode: 'per_signup', signupAmount: 1, effectiveFrom: '2030-01-01 10:00' }, ['effectiveFrom']],
    ['an unknown field', { mode: 'per_signup', signupAmount: 1, bonus: 5 }, ['bonus']],
  ])('%s', (_what, input, fields) => {
    expect(fieldsOf(PolicyTermsInputSchema, input)).toEqual(fields);
  });

  it('parses idempotently (the route validates, then the service parses again)', () => {
    const once = PolicyTermsInputSchema.parse({ mode: 'per_signup', signupAmount: 500, percentBps: 800, switchToPerTransactionAt: '2030-01-01T00:00:00Z', note: '  launch  ' });
    expect(PolicyTermsInputSchema.parse(once)).toEqual(once);
    expect(once.note).toBe('launch');
  });

  it('fills defaults and compares terms by value', () => {
    const input = PolicyTermsInputSchema.parse({ mode: 'per_signup', signupAmount: 500, percentBps: 800, switchToPerTransactionAt: '2030-01-01T00:00:00.000+01:00' });
    const terms = completeTerms(input, { currency: 'EUR', attributionWindowDays: 14 });
    expect(terms).toEqual({
      mode: 'per_signup',
      currency: 'EUR',
      signupAmount: 500,
      percentBps: 800,
      flatAmount: 0,
      minAmount: null,
      maxAmount: null,
      holdDays: 30,
      attributionWindowDays: 14,
      switchToPerTransactionAt: new Date('2029-12-31T23:00:00.000Z'),
      note: null,
    });
    expect(sameTerms(terms, { ...terms, switchToPerTransactionAt: new Date('2029-12-31T23:00:00.000Z') })).toBe(true);
    expect(sameTerms(terms, { ...terms, holdDays: 31 })).toBe(false);
    expect(sameTerms(terms, { ...terms, note: 'changed' })).toBe(false);
  });
});

describe('fx rate input', () => {
  it.each([
    ['a decimal string', { base: 'USD', quote: 'EUR', rate: '0.9215' }, []],
    ['a JSON number', { base: 'EUR', quote: 'JPY', rate: 160.5 }, []],
    ['the same currency twice', { base: 'EUR', quote: 'EUR', rate: '1' }, ['quote']],
    ['a zero rate', { base: 'USD', quote: 'EUR', rate: '0.000' }, ['rate']],
    ['a negative rate', { base: 'USD', quote: 'EUR', rate: -1 }, ['rate']],
    ['too many decimals', { base: 'USD', quote: 'EUR', rate: '0.12345678901' }, ['rate']],
    ['scientific notation', { base: 'USD', quote: 'EUR', rate: 1e-7 }, ['rate']],
    ['lower-case codes', { base: 'usd', quote: 'eur', rate: '1' }, ['base', 'quote']],
    ['a bad time', { base: 'USD', quote: 'EUR', rate: '1', effectiveAt: 'yesterday' }, ['effectiveAt']],
    ['nothing', {}, ['base', 'quote', 'rate']],
  ])('%s', (_what, input, fields) => {
    expect(fieldsOf(FxRateInputSchema, input)).toEqual(fields);
  });
});
