import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerIpHashes, programs } from '../../../db/schema/index.js';
import { withTransaction } from '../../../src/context.js';
import { createCommissionForConversion } from '../../../src/payouts/commissions/effects.js';
import { utcDay } from '../../../src/tracking/clicks/classify.js';
import type { Attribution, ConversionRow } from '../../../src/tracking/conversions/types.js';
import { fraudReasonsFor } from '../../../src/tracking/fraud/rules.js';
import { createLink, createMember, createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { storedEmailHash } from '../../helpers/secrets.js';
import { attributionTo, createPolicy, insertConversion, insertCustomer, makeAttributedClick } from './fixtures.js';

const IP_HEADER = 'x-test-client-ip';
let h: Harness;

beforeAll(async () => {
  h = await createHarness({ env: { TRACKING_CLIENT_IP_HEADER: IP_HEADER } });
});
afterAll(async () => h?.close());

const reasonsOf = (conversion: ConversionRow, attribution: Attribution) => withTransaction(h.ctx(), (tx) => fraudReasonsFor(tx, conversion, attribution));

/** A fresh world (its own program, so counts never mix) with a link of its affiliate. */
async function setup(fraud?: Record<string, unknown>) {
  const w = await createWorld(h, fraud ? { settings: { fraud } } : {});
  const link = await createLink(h, w);
  const partner = w.affiliate.member.id;
  /** Attributed by a click on that link an hour before now. */
  const byClick = (attrs: Partial<Attribution> = {}, click: Partial<Parameters<typeof makeAttributedClick>[0]> = {}): Attribution =>
    attributionTo(partner, {
      method: 'click_id',
      linkId: link.id,
      linkKind: 'affiliate',
      click: makeAttributedClick({ programId: w.program.id, ownerMemberId: partner, linkId: link.id, clickedAt: new Date(h.clock().getTime() - 60 * 60_000), ...click }),
      ...attrs,
    });
  return { w, link, partner, byClick };
}

describe('fraud reason codes', () => {
  it('finds nothing in a clean conversion, nor in an unattributed one', async () => {
    const { w, byClick } = await setup();
    const conversion = await insertConversion(h, w.program.id, { emailHmac: await storedEmailHash(h, w.tenant.id, 'shopper@example.com'), ipHash: 'some-visitor' });
    expect(await reasonsOf(conversion, byClick())).toEqual([]);
    expect(await reasonsOf(conversion, attributionTo(null))).toEqual([]);
  });

  it('self_referral: the customer has the partner’s email, is the partner, or comes from an IP the partner logged in from', async () => {
    const { w, partner, byClick } = await setup();
    const ownEmail = await insertConversion(h, w.program.id, { emailHmac: await storedEmailHash(h, w.tenant.id, w.affiliate.member.emailNormalized!) });
    expect(await reasonsOf(ownEmail, byClick())).toEqual(['self_referral']);

    const customer = await insertCustomer(h, w.program.id, { memberId: partner });
    const asCustomer = await insertConversion(h, w.program.id, { customerId: customer.id });
    expect(await reasonsOf(asCustomer, byClick({ customer }))).toEqual(['self_referral']);

    // The partner logs in to the dashboard from 203.0.113.7, then "a customer" converts from there.
    const login = await h.request('POST', '/v1/auth/login', { body: { email: w.affiliate.email, password: w.affiliate.password }, headers: { [IP_HEADER]: '203.0.113.7' } });
    expect(login.status).toBe(200);
    const now = h.clock();
    const seen = await h.db.select().from(partnerIpHashes).where(eq(partnerIpHashes.memberId, partner));
    expect(seen).toEqual([expect.objectContaining({ day: utcDay(now), ipHash: h.tracking.ipHasher.hash('203.0.113.7', now) })]);
    const fromPartnerIp = await insertConversion(h, w.program.id, { ipHash: h.tracking.ipHasher.hash('203.0.113.7', now) });
    expect(await reasonsOf(fromPartnerIp, byClick())).toEqual(['self_referral']);
    // The click came from there too.
    const clickFromPartnerIp = await insertConversion(h, w.program.id);
    expect(await reasonsOf(clickFromPartnerIp, byClick({}, { ipHash: h.tracking.ipHasher.hash('203.0.113.7', now), clickedAt: new Date(now.getTime() - 60_000) }))).toEqual(['self_referral']);
    // Another IP, or the same hash on another day, is not the partner.
    const elsewhere = await insertConversion(h, w.program.id, { ipHash: h.tracking.ipHasher.hash('198.51.100.1', now) });
    expect(await reasonsOf(elsewhere, byClick())).toEqual([]);

    // A staff login records nothing (only partners refer).
    await h.request('POST', '/v1/auth/login', { body: { email: w.admin.email, password: w.admin.password }, headers: { [IP_HEADER]: '203.0.113.7' } });
    expect(await h.db.select().from(partnerIpHashes).where(eq(partnerIpHashes.ipHash, seen[0]!.ipHash))).toHaveLength(1);
  });

  it('duplicate_customer: a repeat signup, or a sale of a customer bound to another partner', async () => {
    const { w, partner, byClick } = await setup();
    const customer = await insertCustomer(h, w.program.id);
    const first = await insertConversion(h, w.program.id, { kind: 'signup', customerId: customer.id, occurredAt: new Date(h.clock().getTime() - 120_000) });
    expect(await reasonsOf(first, byClick({ customer }))).toEqual([]);
    const second = await insertConversion(h, w.program.id, { kind: 'signup', customerId: customer.id });
    expect(await reasonsOf(second, byClick({ customer }))).toEqual(['duplicate_customer']);
    // Processed out of order, the earlier signup is still the clean one.
    expect(await reasonsOf(first, byClick({ customer }))).toEqual([]);

    const rival = await createMember(h, w.program.id);
    const bound = await insertCustomer(h, w.program.id, { boundPartnerId: rival.id, boundAt: h.clock() });
    const sale = await insertConversion(h, w.program.id, { customerId: bound.id });
    expect(await reasonsOf(sale, byClick({ customer: bound }))).toEqual(['duplicate_customer']);
    const ownBound = await insertCustomer(h, w.program.id, { boundPartnerId: partner, boundAt: h.clock() });
    expect(await reasonsOf(await insertConversion(h, w.program.id, { customerId: ownBound.id }), byClick({ customer: ownBound }))).toEqual([]);
  });

  it('click_injection: a conversion within seconds of its click (setting minClickToConversionSeconds)', async () => {
    const { w, byClick } = await setup();
    const conversion = await insertConversion(h, w.program.id);
    const clickAt = (secondsBefore: number) => ({ clickedAt: new Date(conversion.occurredAt.getTime() - secondsBefore * 1000) });
    expect(await reasonsOf(conversion, byClick({}, clickAt(3)))).toEqual(['click_injection']);
    expect(await reasonsOf(conversion, byClick({ method: 'cookie' }, clickAt(3)))).toEqual(['click_injection']);
    expect(await reasonsOf(conversion, byClick({}, clickAt(10)))).toEqual([]);
    const strict = await setup({ minClickToConversionSeconds: 60 });
    expect(await reasonsOf(await insertConversion(h, strict.w.program.id), strict.byClick({}, clickAt(30)))).toEqual(['click_injection']);
  });

  it('no_click: attributed without a click, when the program asks (flagNoClick)', async () => {
    const { w, partner } = await setup();
    const conversion = await insertConversion(h, w.program.id);
    expect(await reasonsOf(conversion, attributionTo(partner, { method: 'promo_code' }))).toEqual([]);
    const flagged = await setup({ flagNoClick: true });
    const other = await insertConversion(h, flagged.w.program.id);
    expect(await reasonsOf(other, attributionTo(flagged.partner, { method: 'promo_code' }))).toEqual(['no_click']);
    expect(await reasonsOf(other, flagged.byClick())).toEqual([]);
  });

  it('velocity_ip: more conversions from one IP hash within an hour than maxConversionsPerIpPerHour (5)', async () => {
    const { w, byClick } = await setup();
    const ipHash = 'busy-visitor-hash';
    const at = (minutesAgo: number) => new Date(h.clock().getTime() - minutesAgo * 60_000);
    // One outside the hour does not count; four within it do.
    await insertConversion(h, w.program.id, { ipHash, occurredAt: at(75) });
    for (const m of [50, 40, 30, 20]) await insertConversion(h, w.program.id, { ipHash, occurredAt: at(m) });
    const fifth = await insertConversion(h, w.program.id, { ipHash, occurredAt: at(10) });
    expect(await reasonsOf(fifth, byClick())).toEqual([]);
    const sixth = await insertConversion(h, w.program.id, { ipHash, occurredAt: at(0) });
    expect(await reasonsOf(sixth, byClick())).toEqual(['velocity_ip']);
    // Without an IP of its own, the click's counts.
    const viaClick = await insertConversion(h, w.program.id, { occurredAt: at(0) });
    expect(await reasonsOf(viaClick, byClick({}, { ipHash }))).toEqual(['velocity_ip']);
    // Another program's conversions from the same hash are not counted.
    const other = await setup();
    expect(await reasonsOf(await insertConversion(h, other.w.program.id, { ipHash }), other.byClick())).toEqual([]);
  });

  it('velocity_link: more conversions on one link within an hour than maxConversionsPerLinkPerHour', async () => {
    const { w, link, byClick } = await setup({ maxConversionsPerLinkPerHour: 2, maxConversionsPerIpPerHour: null });
    for (let i = 0; i < 2; i++) await insertConversion(h, w.program.id, { linkId: link.id, occurredAt: new Date(h.clock().getTime() - (i + 1) * 60_000) });
    const third = await insertConversion(h, w.program.id);
    expect(await reasonsOf(third, byClick())).toEqual(['velocity_link']);
    const otherLink = await createLink(h, w);
    expect(await reasonsOf(third, byClick({ linkId: otherLink.id }, { linkId: otherLink.id }))).toEqual([]);
  });

  it('bot_click: the attributed click was classified as a bot', async () => {
    const { w, byClick } = await setup();
    expect(await reasonsOf(await insertConversion(h, w.program.id), byClick({}, { status: 'bot' }))).toEqual(['bot_click']);
    expect(await reasonsOf(await insertConversion(h, w.program.id), byClick({}, { status: 'duplicate' }))).toEqual([]);
  });

  it('holds the commission of a suspicious conversion with its reasons, in rule order', async () => {
    const { w, byClick } = await setup();
    await createPolicy(h, w.program.id, 'DE', { percentBps: 1000 });
    const conversion = await insertConversion(h, w.program.id, { emailHmac: await storedEmailHash(h, w.tenant.id, w.affiliate.member.emailNormalized!) });
    const attribution = byClick({}, { status: 'bot', clickedAt: new Date(conversion.occurredAt.getTime() - 2000) });
    const reasons = await reasonsOf(conversion, attribution);
    expect(reasons).toEqual(['self_referral', 'click_injection', 'bot_click']);
    const commission = await withTransaction(h.ctx(), (tx) => createCommissionForConversion(tx, conversion, attribution, reasons));
    expect(commission).toMatchObject({ status: 'held', holdReasons: ['self_referral', 'click_injection', 'bot_click'], amount: 1000 });
  });

  it('reads a broken stored fraud setting as its default', async () => {
    const { w, byClick } = await setup();
    await h.db.update(programs).set({ settings: { fraud: { minClickToConversionSeconds: 'soon' } } }).where(eq(programs.id, w.program.id));
    const conversion = await insertConversion(h, w.program.id);
    expect(await reasonsOf(conversion, byClick({}, { clickedAt: new Date(conversion.occurredAt.getTime() - 3000) }))).toEqual(['click_injection']);
  });
});
