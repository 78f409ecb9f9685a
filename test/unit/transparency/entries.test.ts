import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { prepareLogEntry, type LogEntryInput } from '../../../src/transparency/entries/append.js';
import { commissionEntry, normalizeDecimal, type CommissionFacts } from '../../../src/transparency/entries/commission.js';
import { conversionAcceptedEntry, conversionDecidedEntry } from '../../../src/transparency/entries/conversion.js';
import { authKeyRotatedEntry, logKeyRotatedEntry } from '../../../src/transparency/entries/keys.js';
import { payoutEntry, type PayoutFacts } from '../../../src/transparency/entries/payout.js';
import { policyVersionEntry } from '../../../src/transparency/entries/policy.js';
import { ENTRY_SCHEMAS, parseLogEntry } from '../../../src/transparency/entries/schemas.js';
import { saltedHash } from '../../../src/transparency/entries/salts.js';
import { affiliateDailyStatsEntry, programDailyStatsEntry } from '../../../src/transparency/entries/stats.js';
import { leafHash } from '../../../src/transparency/merkle.js';

const salt = Buffer.alloc(32, 9);
const at = new Date('2024-05-01T12:00:00.000Z');
const conversion = {
  id: 'cnv_1',
  programId: 'prg_1',
  externalId: 'order-42',
  kind: 'sale' as const,
  amount: 12_345,
  currency: 'EUR',
  occurredAt: at,
  createdAt: at,
  customerRef: 'cust-7',
  emailHmac: 'a'.repeat(64),
};
const commission: CommissionFacts = {
  id: 'com_1',
  programId: 'prg_1',
  conversionId: 'cnv_1',
  partnerMemberId: 'mem_1',
  kind: 'sale',
  status: 'pending',
  country: 'DE',
  amount: 1_234,
  reversedAmount: 0,
  currency: 'EUR',
  payoutAmount: 1_340,
  payoutReversedAmount: 0,
  payoutCurrency: 'USD',
  fxRate: '1.0850000000',
  policyVersionId: 'cpv_1',
  multiplierBps: 10_000,
  holdReasons: [],
};

const payout: PayoutFacts = {
  id: 'pay_1',
  runId: 'prn_1',
  programId: 'prg_1',
  partnerMemberId: 'mem_1',
  currency: 'USD',
  amount: 1_232,
  method: 'stripe',
  stripeTransferId: 'tr_1',
};

const builders: LogEntryInput[] = [
  conversionAcceptedEntry(conversion, true, 'ten_1', salt),
  conversionAcceptedEntry({ ...conversion, kind: 'signup', amount: null, currency: null }, true, 'ten_1', salt),
  conversionDecidedEntry(conversion, { method: 'click_id', partnerMemberId: 'mem_1', marketCountry: 'DE' }, ['velocity_ip'], at, 'ten_1', salt),
  ...(['created', 'released', 'approved', 'rejected', 'reversed'] as const).map((c) => commissionEntry(c, commission, at, 'refund', 'ten_1', { reversedNow: 1 })),
  commissionEntry('clawback', { ...commission, kind: 'clawback', status: 'approved', amount: -100, payoutAmount: -108, clawbackOf: 'com_0' }, at, 'refund', 'ten_1'),
  commissionEntry('paid', { ...commission, status: 'paid' }, at, 'payout_paid', 'ten_1', { payoutId: 'pay_1' }),
  commissionEntry('unpaid', { ...commission, status: 'approved' }, at, 'payout_reversed', 'ten_1', { payoutId: 'pay_1' }),
  payoutEntry(payout, { type: 'payout.paid', commissionIds: ['com_2', 'com_1'] }, at, 'ten_1'),
  payoutEntry({ ...payout, stripeTransferId: null }, { type: 'payout.failed', failureCode: 'account_invalid' }, at, 'ten_1'),
  payoutEntry(payout, { type: 'payout.reversed', reversedAmount: 1_232, full: true }, at, 'ten_1'),
  policyVersionEntry(
    {
      id: 'cpv_1',
      policyId: 'cpo_1',
      programId: 'prg_1',
      country: null,
      version: 2,
      effectiveFrom: at,
      mode: 'per_transaction',
      currency: 'EUR',
      signupAmount: null,
      percentBps: 1000,
      flatAmount: 0,
      minAmount: null,
      maxAmount: 5_000,
      holdDays: 14,
      attributionWindowDays: 30,
      switchToPerTransactionAt: null,
      note: 'call ada@example.com',
      createdBy: 'usr_1',
      createdAt: at,
    },
    { kind: 'user', role: 'admin', userId: 'usr_1', tenantId: 'ten_1' },
    'ten_1',
  ),
  logKeyRotatedEntry({ oldKeyId: null, newKeyId: 'k_1', newVkey: 'log.example+01234567+AQ==', at }),
  authKeyRotatedEntry({ oldKeyIds: ['k_0'], newKeyId: 'k_1', newPublicKey: 'x', at }),
  affiliateDailyStatsEntry({ partnerMemberId: 'mem_1', programId: 'prg_1', day: '2024-05-01', clicks: 3, conversions: 1, commissions: [] }, 'ten_1'),
  programDailyStatsEntry(
    { programId: 'prg_1', day: '2024-05-01', windowDays: 90, commissions: 0, reversalRateBps: null, heldShareBps: null, medianDaysToApproval: null, medianDaysApprovalToPayment: null },
    'ten_1',
  ),
];

describe('log entry builders', () => {
  it('build entries their schemas accept, covering every type', () => {
    const seen = new Set<string>();
    for (const input of builders) {
      const { entry, leafHash: hash } = prepareLogEntry(input);
      expect(parseLogEntry(entry).type).toBe(input.type);
      expect(Buffer.from(hash)).toEqual(Buffer.from(leafHash(new TextEncoder().encode(entry))));
      seen.add(input.type);
    }
    expect([...seen].sort()).toEqual(Object.keys(ENTRY_SCHEMAS).sort());
  });

  it('are canonical JSON: sorted keys, no whitespace, the same bytes every time', () => {
    const a = prepareLogEntry(builders[0]!);
    expect(a.entry.startsWith('{"amount":12345,"completed":true,"conversionId":"cnv_1",')).toBe(true);
    expect(a.entry).not.toMatch(/\s/);
    expect(prepareLogEntry(builders[0]!).entry).toBe(a.entry);
  });

  it('hash references with HMAC-SHA256 under the owner’s salt, and log no personal data', () => {
    expect(saltedHash(salt, 'order-42')).toBe(createHmac('sha256', salt).update('order-42').digest('hex'));
    const text = builders.map((b) => prepareLogEntry(b).entry).join('\n');
    for (const secret of ['order-42', 'cust-7', 'a'.repeat(64), 'ada@example.com', 'usr_1']) expect(text).not.toContain(secret);
  });

  it('list a payout\'s commissions in sorted order, whatever order they were given in', () => {
    const paid = builders.find((b) => b.type === 'payout.paid')!;
    expect(JSON.parse(prepareLogEntry(paid).entry).commissionIds).toEqual(['com_1', 'com_2']);
  });

  it('show exchange rates as exact decimals without trailing zeros', () => {
    expect(['1.0850000000', '1.0000000000', '2', '0.5'].map(normalizeDecimal)).toEqual(['1.085', '1', '2', '0.5']);
    expect(JSON.parse(prepareLogEntry(builders[3]!).entry).fxRate).toBe('1.085');
  });

  it('refuse an entry of an unknown type or with a field too many', () => {
    expect(() => parseLogEntry('{"type":"commission.paid_twice","v":1}')).toThrow();
    const extra = JSON.parse(prepareLogEntry(builders[0]!).entry);
    expect(() => parseLogEntry(JSON.stringify({ ...extra, email: 'ada@example.com' }))).toThrow();
  });
});
