import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/auth/actor.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../src/errors.js';
import { exact, ratio } from '../../../src/tracking/kpis/frame.js';
import { kpiPeriod } from '../../../src/tracking/kpis/query.js';
import { kpiScope } from '../../../src/tracking/kpis/scope.js';

describe('ratio', () => {
  it.each([
    [9, 100, 0.09],
    [3, 7, 0.428571],
    [2, 3, 0.666667],
    [21_700, 2_560, 8.476563],
    [0, 5, 0],
    [5, 5, 1],
    [0, 0, null],
    [7, 0, null],
  ])('%d / %d = %s', (n, d, expected) => {
    expect(ratio(n, d)).toBe(expected);
  });
});

describe('exact', () => {
  it.each([
    ['42', 42],
    [42, 42],
    [42n, 42],
    [null, 0],
    ['-90', -90],
  ])('%s -> %d', (value, expected) => {
    expect(exact(value)).toBe(expected);
  });

  it('refuses figures beyond exact integers', () => {
    expect(() => exact('9007199254740993')).toThrow(/safe integer/);
  });
});

describe('kpiPeriod', () => {
  const clock = () => new Date('2024-04-15T12:00:00Z');
  it.each([
    [{}, '2024-03-17', '2024-04-15'],
    [{ to: '2024-03-31' }, '2024-03-02', '2024-03-31'],
    [{ from: '2024-03-01', to: '2024-03-01' }, '2024-03-01', '2024-03-01'],
    [{ from: '2024-02-01', to: '2024-02-29' }, '2024-02-01', '2024-02-29'],
  ])('%j is %s..%s', (query, from, to) => {
    const period = kpiPeriod(clock, query);
    expect(period).toEqual({ from, to, start: new Date(`${from}T00:00:00Z`), end: new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000) });
  });

  it.each([
    [{ from: '2024-03-02', to: '2024-03-01' }, 'query.from'],
    [{ from: '2023-01-01', to: '2024-01-02' }, 'query.to'], // 367 days
  ])('refuses %j naming %s', (query, field) => {
    let error: unknown;
    try {
      kpiPeriod(clock, query);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual({ issues: [expect.objectContaining({ field })] });
  });

  it('takes 366 days, both ends included', () => {
    expect(kpiPeriod(clock, { from: '2023-01-01', to: '2024-01-01' }).to).toBe('2024-01-01');
  });
});

describe('kpiScope', () => {
  const admin: Actor = { kind: 'user', role: 'admin', userId: 'usr_a', tenantId: 'ten_1' };
  const manager: Actor = { kind: 'user', role: 'regional_manager', userId: 'usr_m', tenantId: 'ten_1', countries: ['DE', 'AT'] };
  const affiliate: Actor = { kind: 'user', role: 'affiliate', userId: 'usr_f', tenantId: 'ten_1', memberId: 'mem_own', programId: 'prg_1' };
  const member: Actor = { kind: 'user', role: 'member', userId: 'usr_b', tenantId: 'ten_1', memberId: 'mem_me', programId: 'prg_1' };

  it.each([
    ['admin, nothing named', admin, {}, { countries: null, partnerMemberId: null }],
    ['admin, a market and a partner', admin, { country: 'US', partnerMemberId: 'mem_x' }, { countries: ['US'], partnerMemberId: 'mem_x' }],
    ['manager, nothing named', manager, {}, { countries: ['DE', 'AT'], partnerMemberId: null }],
    ['manager, one of theirs', manager, { country: 'AT', partnerMemberId: 'mem_x' }, { countries: ['AT'], partnerMemberId: 'mem_x' }],
    ['affiliate', affiliate, { country: 'US' }, { countries: ['US'], partnerMemberId: 'mem_own' }],
    ['affiliate naming themself', affiliate, { partnerMemberId: 'mem_own' }, { countries: null, partnerMemberId: 'mem_own' }],
    ['member', member, {}, { countries: null, partnerMemberId: 'mem_me' }],
    ['system', { kind: 'system', reason: 'test' } as Actor, { country: 'DE' }, { countries: ['DE'], partnerMemberId: null }],
  ] as const)('%s', (_name, actor, filters, expected) => {
    expect(kpiScope(actor, filters)).toEqual(expected);
  });

  it('refuses a manager another country (403) and an affiliate another partner (404)', () => {
    expect(() => kpiScope(manager, { country: 'US' })).toThrow(ForbiddenError);
    expect(() => kpiScope(manager, { country: 'US' })).toThrow(/outside your regions/);
    expect(() => kpiScope(affiliate, { partnerMemberId: 'mem_other' })).toThrow(NotFoundError);
    expect(() => kpiScope(member, { partnerMemberId: 'mem_own' })).toThrow(NotFoundError);
  });
});
