import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affiliateProfiles, auditLog, payoutAccounts } from '../../../db/schema/index.js';
import type { PayoutAccountBody, PayoutAccountOnboardingBody } from '../../../src/api/routes/payout-accounts/schemas.js';
import { createAffiliate, createMember, createUser, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { startFakeStripe, type FakeStripe } from '../../helpers/stripe-server.js';

// Connect onboarding against the local Stripe-compatible server: the account is made once per
// affiliate, each call answers a fresh link, and the account's state is read back from Stripe.
let h: Harness;
let manual: Harness;
let stripe: FakeStripe;

beforeAll(async () => {
  stripe = await startFakeStripe();
  h = await createHarness({ env: { STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_API_BASE: stripe.url, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret } });
  manual = await createHarness();
});
afterAll(async () => {
  await h?.close();
  await manual?.close();
  await stripe?.close();
});

const base = (w: World, memberId = w.affiliate.member.id) => `/v1/programs/${w.program.id}/affiliates/${memberId}/payout-account`;

async function anotherAffiliate(w: World, status: 'pending' | 'approved' = 'approved') {
  const member = await createAffiliate(h, w.program.id, { country: 'DE' }, status);
  const { token } = await createUser(h, { tenantId: w.tenant.id, role: 'affiliate', memberId: member.id, programId: w.program.id });
  return { member, token };
}

describe('payout account onboarding', () => {
  it('creates the Express account once and answers a fresh onboarding link each time', async () => {
    const w = await createWorld(h);
    const memberId = w.affiliate.member.id;
    stripe.reset();

    const first = await h.request<PayoutAccountOnboardingBody>('POST', `${base(w)}/onboarding`, { token: w.affiliate.token });
    expect(first.status).toBe(200);
    expect(first.body.account).toMatchObject({ memberId, programId: w.program.id, status: 'onboarding', payoutsEnabled: false, detailsSubmitted: false, bankPayoutFailure: null });
    expect(first.body.onboardingUrl.startsWith(stripe.url)).toBe(true);
    expect(Date.parse(first.body.expiresAt)).toBeGreaterThan(Date.now());

    const account = stripe.accounts.get(first.body.account.stripeAccountId);
    expect(account).toMatchObject({ type: 'express', country: 'DE', metadata: { programId: w.program.id, memberId }, capabilities: { transfers: 'inactive' } });
    const [created, link] = stripe.requests;
    expect(created).toMatchObject({ method: 'POST', path: '/v1/accounts', idempotencyKey: `trellis-connect-${memberId}`, authorized: true });
    expect(created!.params).toMatchObject({ type: 'express', capabilities: { transfers: { requested: 'true' } }, metadata: { programId: w.program.id, memberId } });
    expect(link).toMatchObject({ path: '/v1/account_links', params: { account: account.id, type: 'account_onboarding', return_url: `${h.config.PUBLIC_URL}/affiliate/payouts?stripe=return`, refresh_url: `${h.config.PUBLIC_URL}/affiliate/payouts?stripe=refresh` } });

    // Again, by an admin with their own URLs: the same account, a new link, no second account.
    const accountsBefore = stripe.accounts.size;
    const again = await h.request<PayoutAccountOnboardingBody>('POST', `${base(w)}/onboarding`, {
      token: w.admin.token,
      body: { returnUrl: 'https://partners.example/back', refreshUrl: 'https://partners.example/again' },
    });
    expect(again.status).toBe(200);
    expect(again.body.account.stripeAccountId).toBe(account.id);
    expect(again.body.onboardingUrl).not.toBe(first.body.onboardingUrl);
    expect(stripe.accounts.size).toBe(accountsBefore);
    expect(stripe.requests.at(-1)!.params).toMatchObject({ return_url: 'https://partners.example/back', refresh_url: 'https://partners.example/again' });
    expect(await h.db.select().from(payoutAccounts).where(eq(payoutAccounts.memberId, memberId))).toHaveLength(1);
    const audits = await h.db.select().from(auditLog).where(and(eq(auditLog.action, 'payout_account.created'), eq(auditLog.entityId, first.body.account.id)));
    expect(audits).toHaveLength(1);
  });

  it('makes one account when two first requests race', async () => {
    const w = await createWorld(h);
    const before = stripe.accounts.size;
    const [a, b] = await Promise.all([
      h.request<PayoutAccountOnboardingBody>('POST', `${base(w)}/onboarding`, { token: w.affiliate.token }),
      h.request<PayoutAccountOnboardingBody>('POST', `${base(w)}/onboarding`, { token: w.admin.token }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.account.stripeAccountId).toBe(b.body.account.stripeAccountId);
    expect(stripe.accounts.size).toBe(before + 1);
  });

  it('refuses bad URLs with the field named, and writes nothing', async () => {
    const w = await createWorld(h);
    const before = stripe.accounts.size;
    for (const body of [{ returnUrl: 'ftp://files.example/x' }, { refreshUrl: 'not a url' }, { other: 1 }]) {
      const res = await h.request('POST', `${base(w)}/onboarding`, { token: w.affiliate.token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.issues[0].field).toBe(Object.keys(body)[0]);
    }
    expect(stripe.accounts.size).toBe(before);
    expect(await h.db.select().from(payoutAccounts).where(eq(payoutAccounts.memberId, w.affiliate.member.id))).toHaveLength(0);
  });

  it('lets only the affiliate themselves or an admin connect, and only affiliates', async () => {
    const w = await createWorld(h);
    const other = await anotherAffiliate(w);
    // Another affiliate's account does not exist for them; members and managers may not connect anyone.
    expect((await h.request('POST', `${base(w)}/onboarding`, { token: other.token })).status).toBe(404);
    expect((await h.request('POST', `${base(w)}/onboarding`, { token: w.member.token })).status).toBe(403);
    expect((await h.request('POST', `${base(w)}/onboarding`, { token: w.manager.token })).status).toBe(403);
    expect((await h.request('POST', `${base(w)}/onboarding`, { token: w.apiKey })).status).toBe(403);
    // A member without an affiliate profile cannot be paid.
    const plain = await createMember(h, w.program.id);
    const notAffiliate = await h.request('POST', `${base(w, plain.id)}/onboarding`, { token: w.admin.token });
    expect(notAffiliate.status).toBe(404);
    // Nor can a banned affiliate.
    await h.db.update(affiliateProfiles).set({ status: 'banned' }).where(eq(affiliateProfiles.memberId, other.member.id));
    expect((await h.request('POST', `${base(w, other.member.id)}/onboarding`, { token: w.admin.token })).status).toBe(403);
    // Another tenant's admin sees nothing.
    const elsewhere = await createWorld(h);
    expect((await h.request('POST', `${base(w)}/onboarding`, { token: elsewhere.admin.token })).status).toBe(404);
    expect(await h.db.select().from(payoutAccounts).where(eq(payoutAccounts.programId, w.program.id))).toHaveLength(0);
  });

  it('answers 409 payouts_manual_mode without a Stripe key, writing nothing', async () => {
    const w = await createWorld(manual);
    stripe.reset();
    const res = await manual.request('POST', `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}/payout-account/onboarding`, { token: w.affiliate.token });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('payouts_manual_mode');
    const refresh = await manual.request('POST', `/v1/programs/${w.program.id}/affiliates/${w.affiliate.member.id}/payout-account/refresh`, { token: w.affiliate.token });
    expect(refresh.body.error.code).toBe('payouts_manual_mode');
    expect(await manual.db.select().from(payoutAccounts)).toHaveLength(0);
    expect(stripe.requests).toHaveLength(0);
  });
});

describe('reading and refreshing the payout account', () => {
  it('is not found before onboarding, then shows what Stripe says after refresh', async () => {
    const w = await createWorld(h);
    expect((await h.request('GET', base(w), { token: w.affiliate.token })).status).toBe(404);
    const started = await h.request<PayoutAccountOnboardingBody>('POST', `${base(w)}/onboarding`, { token: w.affiliate.token });

    // The affiliate completes Stripe's form: following the link enables the account and returns.
    const visit = await fetch(started.body.onboardingUrl, { redirect: 'manual' });
    expect(visit.headers.get('location')).toBe(`${h.config.PUBLIC_URL}/affiliate/payouts?stripe=return`);
    const stale = await h.request<PayoutAccountBody>('GET', base(w), { token: w.affiliate.token });
    expect(stale.body.status).toBe('onboarding');

    const refreshed = await h.request<PayoutAccountBody>('POST', `${base(w)}/refresh`, { token: w.affiliate.token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ status: 'enabled', payoutsEnabled: true, detailsSubmitted: true, requirementsDue: [], disabledReason: null, country: 'DE', defaultCurrency: 'EUR' });
    expect(stripe.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v1/accounts/${started.body.account.stripeAccountId}` });

    // Staff read it too (the manager covers DE); another affiliate and members do not.
    expect((await h.request<PayoutAccountBody>('GET', base(w), { token: w.admin.token })).body.status).toBe('enabled');
    expect((await h.request<PayoutAccountBody>('GET', base(w), { token: w.manager.token })).body.status).toBe('enabled');
    const other = await anotherAffiliate(w);
    expect((await h.request('GET', base(w), { token: other.token })).status).toBe(404);
    expect((await h.request('GET', base(w), { token: w.member.token })).status).toBe(403);
    expect((await h.request('POST', `${base(w, other.member.id)}/refresh`, { token: other.token })).status).toBe(404);
  });

  it('maps Stripe’s restricted and rejected accounts', async () => {
    const w = await createWorld(h);
    const started = await h.request<PayoutAccountOnboardingBody>('POST', `${base(w)}/onboarding`, { token: w.affiliate.token });
    const account = stripe.accounts.get(started.body.account.stripeAccountId);
    account.details_submitted = true;
    account.requirements.currently_due = ['individual.verification.document'];
    account.requirements.disabled_reason = 'requirements.past_due';
    const restricted = await h.request<PayoutAccountBody>('POST', `${base(w)}/refresh`, { token: w.affiliate.token });
    expect(restricted.body).toMatchObject({ status: 'restricted', disabledReason: 'requirements.past_due' });
    expect(restricted.body.requirementsDue).toContain('individual.verification.document');
    account.requirements.disabled_reason = 'rejected.fraud';
    const rejected = await h.request<PayoutAccountBody>('POST', `${base(w)}/refresh`, { token: w.admin.token });
    expect(rejected.body).toMatchObject({ status: 'disabled', disabledReason: 'rejected.fraud' });
  });
});
