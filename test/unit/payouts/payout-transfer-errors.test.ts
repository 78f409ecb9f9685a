import { describe, expect, it } from 'vitest';
import { carryReasonOf } from '../../../src/payouts/payouts/assemble.js';
import { defaultMinimumAmount } from '../../../src/payouts/payouts/settings.js';
import { failureCodeOf, isPermanentStripeError } from '../../../src/payouts/payouts/transfer.js';

describe('Stripe transfer failures', () => {
  it.each([
    [{ type: 'StripeInvalidRequestError', statusCode: 400, code: 'account_invalid' }, true, 'account_invalid'],
    [{ type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing' }, true, 'resource_missing'],
    [{ type: 'StripeRateLimitError', statusCode: 429 }, false, 'rate_limited'],
    [{ type: 'StripeIdempotencyError', statusCode: 409 }, false, 'stripe_request_failed'],
    [{ type: 'StripeInvalidRequestError', statusCode: 400, code: 'lock_timeout' }, false, 'lock_timeout'],
    [{ type: 'StripeAPIError', statusCode: 500 }, false, 'stripe_unavailable'],
    [{ type: 'StripeConnectionError' }, false, 'network_error'],
    [new Error('socket hang up'), false, 'transfer_failed'],
  ])('%o: permanent %s, code %s', (err, permanent, code) => {
    expect(isPermanentStripeError(err)).toBe(permanent);
    expect(failureCodeOf(err)).toBe(code);
  });
});

describe('payout eligibility', () => {
  const enabled = { payoutsEnabled: true, status: 'enabled' as const };
  it.each([
    [{ net: 0, minimum: 5000, affiliateApproved: true, method: 'manual' as const, account: undefined }, 'not_positive'],
    [{ net: -100, minimum: 0, affiliateApproved: true, method: 'manual' as const, account: undefined }, 'not_positive'],
    [{ net: 4999, minimum: 5000, affiliateApproved: true, method: 'manual' as const, account: undefined }, 'below_minimum'],
    [{ net: 5000, minimum: 5000, affiliateApproved: true, method: 'manual' as const, account: undefined }, null],
    [{ net: 5000, minimum: 5000, affiliateApproved: false, method: 'manual' as const, account: undefined }, 'affiliate_not_approved'],
    [{ net: 5000, minimum: 5000, affiliateApproved: true, method: 'stripe' as const, account: undefined }, 'payout_account_missing'],
    [{ net: 5000, minimum: 5000, affiliateApproved: true, method: 'stripe' as const, account: { payoutsEnabled: false, status: 'onboarding' as const } }, 'payout_account_not_ready'],
    [{ net: 5000, minimum: 5000, affiliateApproved: true, method: 'stripe' as const, account: enabled }, null],
  ])('%o -> %s', (balance, reason) => {
    expect(carryReasonOf(balance)).toBe(reason);
  });

  it('defaults the minimum to 50.00 of the currency', () => {
    expect([defaultMinimumAmount('EUR'), defaultMinimumAmount('JPY'), defaultMinimumAmount('BHD')]).toEqual([5000, 50, 50_000]);
  });
});
