import { describe, expect, it } from 'vitest';
import { PolicyBook, type PolicyVersionRow } from '../../../src/payouts/policies/in-force.js';

/** PolicyBook answers policyInForce's question from a program's versions held in memory. */

const T = (day: number) => new Date(Date.UTC(2026, 0, day));

function version(id: string, country: string | null, version: number, effectiveDay: number): PolicyVersionRow {
  return {
    id,
    policyId: `pol-${country ?? 'default'}`,
    programId: 'prg',
    country,
    version,
    effectiveFrom: T(effectiveDay),
    mode: 'per_transaction',
    currency: 'EUR',
    signupAmount: null,
    percentBps: 1000,
    flatAmount: 0,
    minAmount: null,
    maxAmount: null,
    holdDays: 30,
    attributionWindowDays: 30,
    switchToPerTransactionAt: null,
    note: null,
    createdBy: null,
    createdAt: T(1),
  };
}

const book = new PolicyBook([
  version('default-1', null, 1, 1),
  version('default-2', null, 2, 10),
  version('de-1', 'DE', 1, 5),
  version('de-2', 'DE', 2, 20),
  // Two versions effective at the same moment: the later version wins.
  version('fr-1', 'FR', 1, 15),
  version('fr-2', 'FR', 2, 15),
  // A country whose own policy only starts later is paid by the default until then.
  version('it-1', 'IT', 1, 25),
]);

describe('PolicyBook.inForce', () => {
  it.each([
    ['the default before any change', null, 2, 'default-1'],
    ['the default from its second version on', null, 10, 'default-2'],
    ['the default long after', null, 300, 'default-2'],
    ['nothing before the first version', null, 0, null],
    ['a country without a policy: the default', 'US', 12, 'default-2'],
    ['a country before its own policy: the default', 'DE', 3, 'default-1'],
    ['a country from its own policy on', 'DE', 5, 'de-1'],
    ['a country between its versions', 'DE', 19, 'de-1'],
    ['a country from its later version on', 'DE', 20, 'de-2'],
    ['the later of two versions effective at once', 'FR', 15, 'fr-2'],
    ['a country whose policy starts later: the default until then', 'IT', 24, 'default-2'],
    ['a country whose policy started', 'IT', 25, 'it-1'],
  ] as const)('%s', (_what, country, day, expected) => {
    expect(book.inForce(country, T(day))?.id ?? null).toBe(expected);
  });

  it('takes the exact instant of a version as in force', () => {
    expect(book.inForce('DE', new Date(T(20).getTime() - 1))?.id).toBe('de-1');
    expect(book.inForce('DE', T(20))?.id).toBe('de-2');
  });

  it('answers null for a program without versions', () => {
    expect(new PolicyBook([]).inForce('DE', T(10))).toBeNull();
  });
});
