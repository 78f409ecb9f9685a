import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withinWindow } from '../../../src/tracking/conversions/attribution.js';
import { clickMayStillArrive, partnerEligible } from '../../../src/tracking/conversions/evidence.js';
import { hashEmail } from '../../../src/tracking/conversions/input.js';
import { validateProgramSettings } from '../../../src/core/programs/settings.js';
import { conversionSettingsOf } from '../../../src/tracking/conversions/settings.js';
import { signatureHeader, signPayload, verifySignature } from '../../../src/tracking/conversions/signature.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);
const SECRET = 'tsig_test';
const BODY = '{"externalId":"o-1","kind":"signup"}';
const sig = (t: number, body = BODY, secret = SECRET) => signPayload(secret, t, body);

describe('merchant signatures', () => {
  it.each([
    ['valid, now', `t=${T},v1=${sig(T)}`, true],
    ['valid, 4 minutes old', `t=${T - 240},v1=${sig(T - 240)}`, true],
    ['valid, 4 minutes ahead', `t=${T + 240},v1=${sig(T + 240)}`, true],
    ['upper-case hex', `t=${T},v1=${sig(T).toUpperCase()}`, true],
    ['one of two v1 entries', `t=${T},v1=${sig(T, BODY, 'old')},v1=${sig(T)}`, true],
    ['spaces after commas', `t=${T}, v1=${sig(T)}`, true],
    ['6 minutes old', `t=${T - 360},v1=${sig(T - 360)}`, false],
    ['another secret', `t=${T},v1=${sig(T, BODY, 'other')}`, false],
    ['another body', `t=${T},v1=${sig(T, BODY + ' ')}`, false],
    ['timestamp changed after signing', `t=${T + 1},v1=${sig(T)}`, false],
    ['no timestamp', `v1=${sig(T)}`, false],
    ['no signature', `t=${T}`, false],
    ['short signature', `t=${T},v1=abcd`, false],
    ['not hex', `t=${T},v1=${'z'.repeat(64)}`, false],
    ['garbage', 'sha256=deadbeef', false],
    ['empty', '', false],
    ['extra equals', `t=${T},v1=${sig(T)}=`, false],
  ])('%s', (_, header, ok) => {
    expect(verifySignature(SECRET, header, BODY, NOW).ok).toBe(ok);
  });

  it('builds the header merchants send', () => {
    expect(signatureHeader(SECRET, BODY, NOW)).toBe(`t=${T},v1=${sig(T)}`);
    expect(verifySignature(SECRET, signatureHeader(SECRET, '', NOW), '', NOW).ok).toBe(true);
  });
});

describe('click ids that may still arrive', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  const id = (at: number) => `clk_${at.toString(36).padStart(9, '0')}Ab3dE6gH9jK2mN`;
  it.each([
    ['made now', id(now), true],
    ['59 s old', id(now - 59_000), true],
    ['61 s old', id(now - 61_000), false],
    ['a day old', id(now - 86_400_000), false],
    ['3 s ahead (another clock)', id(now + 3_000), true],
    ['an hour ahead', id(now + 3_600_000), false],
    ['not a click id', 'lnk_0lz3k8q1aAb3dE6gH9jK2mN', false],
    ['too short', 'clk_nope', false],
    ['garbage', 'hello', false],
  ])('%s', (_, clickId, expected) => {
    expect(clickMayStillArrive(clickId, now)).toBe(expected);
  });
});

describe('attribution window', () => {
  const occurred = new Date('2024-05-31T00:00:00Z');
  const ago = (ms: number) => new Date(occurred.getTime() - ms);
  const DAY = 86_400_000;
  it.each([
    ['a minute before', ago(60_000), 30, true],
    ['exactly 30 days before', ago(30 * DAY), 30, true],
    ['30 days and a second before', ago(30 * DAY + 1000), 30, false],
    ['10 days before, 7-day window', ago(10 * DAY), 7, false],
    ['4 minutes after (clock skew)', ago(-4 * 60_000), 30, true],
    ['an hour after', ago(-3_600_000), 30, false],
  ])('%s', (_, clickedAt, days, expected) => {
    expect(withinWindow(clickedAt, occurred, days)).toBe(expected);
  });
});

describe('partner eligibility', () => {
  it.each([
    ['affiliate link, approved', 'affiliate', 'active', 'approved', true],
    ['affiliate link, banned', 'affiliate', 'active', 'banned', false],
    ['affiliate link, approval withdrawn', 'affiliate', 'active', 'rejected', false],
    ['affiliate link, blocked member', 'affiliate', 'blocked', 'approved', false],
    ['invite link, plain member', 'invite', 'active', null, true],
    ['invite link, inactive member', 'invite', 'inactive', null, true],
    ['invite link, blocked member', 'invite', 'blocked', null, false],
    ['promo code, approved', null, 'active', 'approved', true],
    ['promo code, no affiliate profile', null, 'active', null, false],
  ] as const)('%s', (_, kind, memberStatus, affiliateStatus, expected) => {
    expect(partnerEligible(kind, { memberStatus, affiliateStatus })).toBe(expected);
  });
});

describe('conversions settings and email hashing', () => {
  it.each([
    [{}, { recurring: 'lifetime', requireSignature: false }],
    [{ conversions: { recurring: 'last_click' } }, { recurring: 'last_click', requireSignature: false }],
    [{ conversions: { requireSignature: true } }, { recurring: 'lifetime', requireSignature: true }],
    // A bad stored value (a direct database edit) falls back key by key.
    [{ conversions: { recurring: 'forever', requireSignature: true } }, { recurring: 'lifetime', requireSignature: true }],
    [{ conversions: 'nope' }, { recurring: 'lifetime', requireSignature: false }],
  ])('%j', (settings, expected) => {
    expect(conversionSettingsOf({ settings: settings as Record<string, unknown> })).toEqual(expected);
  });

  it.each([
    [{ recurring: 'forever' }, 'settings.conversions.recurring'],
    [{ requireSignature: 'yes' }, 'settings.conversions.requireSignature'],
    [{ requireSignatures: true }, 'settings.conversions.requireSignatures'],
  ])('refuses %j in program writes', (value, field) => {
    expect(() => validateProgramSettings({ conversions: value })).toThrow(field);
  });

  it('hashes the trimmed, lower-cased email', () => {
    expect(hashEmail('  Ada@Example.COM ')).toBe(hashEmail('ada@example.com'));
    expect(hashEmail('ada@example.com')).toBe(createHash('sha256').update('ada@example.com').digest('hex'));
  });
});
