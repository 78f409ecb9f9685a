import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseStripeForm, startFakeStripe, type FakeStripe } from '../../helpers/stripe-server.js';

// The local Stripe-compatible server, driven through the real stripe SDK as Trellis uses it.
let server: FakeStripe;
let stripe: Stripe;

function sdk(key: string) {
  const url = new URL(server.url);
  return new Stripe(key, { host: url.hostname, port: Number(url.port), protocol: 'http', maxNetworkRetries: 0, telemetry: false });
}

beforeAll(async () => {
  server = await startFakeStripe();
  stripe = sdk(server.secretKey);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

describe('fake Stripe server', () => {
  it('parses nested form parameters like Stripe', () => {
    expect(parseStripeForm('a=1&metadata[x]=y&capabilities[transfers][requested]=true&expand[0]=p&expand[1]=q')).toEqual({
      a: '1',
      metadata: { x: 'y' },
      capabilities: { transfers: { requested: 'true' } },
      expand: ['p', 'q'],
    });
  });

  it('creates an Express account and an onboarding link, recording what the SDK sent', async () => {
    const account = await stripe.accounts.create(
      { type: 'express', country: 'DE', capabilities: { transfers: { requested: true } }, metadata: { programId: 'prg_1', memberId: 'mem_1' } },
      { idempotencyKey: 'acct-mem_1' },
    );
    expect(account).toMatchObject({ object: 'account', country: 'DE', payouts_enabled: false, details_submitted: false, capabilities: { transfers: 'inactive' }, metadata: { programId: 'prg_1', memberId: 'mem_1' } });
    expect(account.id).toMatch(/^acct_/);
    const sent = server.requests.at(-1)!;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/accounts', idempotencyKey: 'acct-mem_1', authorized: true, status: 200 });
    expect(sent.params).toEqual({ type: 'express', country: 'DE', capabilities: { transfers: { requested: 'true' } }, metadata: { programId: 'prg_1', memberId: 'mem_1' } });
    expect(sent.stripeVersion).toBe(Stripe.API_VERSION);

    const link = await stripe.accountLinks.create({ account: account.id, refresh_url: 'https://app.test/refresh', return_url: 'https://app.test/return', type: 'account_onboarding' });
    expect(link.object).toBe('account_link');
    expect(link.url.startsWith(server.url)).toBe(true);
    expect(link.expires_at).toBeGreaterThan(Date.now() / 1000);

    // Following the link completes onboarding and sends the browser to the return URL.
    const visit = await fetch(link.url, { redirect: 'manual' });
    expect(visit.status).toBe(302);
    expect(visit.headers.get('location')).toBe('https://app.test/return');
    const fetched = await stripe.accounts.retrieve(account.id);
    expect(fetched).toMatchObject({ payouts_enabled: true, details_submitted: true, capabilities: { transfers: 'active' } });
    expect(fetched.requirements?.disabled_reason).toBeNull();
  });

  it('refuses a bad key, unknown paths and bad parameters with Stripe errors', async () => {
    await expect(sdk('sk_test_wrong').accounts.retrieve('acct_x')).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(server.requests.at(-1)).toMatchObject({ authorized: false, status: 401 });
    const res = await fetch(`${server.url}/v1/nothing`, { headers: { authorization: `Bearer ${server.secretKey}` } });
    expect(res.status).toBe(404);
    expect((await res.json()).error.type).toBe('invalid_request_error');
    const basic = await fetch(`${server.url}/v1/transfers`, { headers: { authorization: `Basic ${Buffer.from(`${server.secretKey}:`).toString('base64')}` } });
    expect(basic.status).toBe(200);

    await expect(stripe.accountLinks.create({ account: 'acct_missing', refresh_url: 'https://a.test', return_url: 'https://a.test', type: 'account_onboarding' })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'resource_missing',
      statusCode: 404,
    });
    const disabled = server.createAccount();
    await expect(stripe.transfers.create({ amount: 100, currency: 'eur', destination: disabled.id })).rejects.toMatchObject({ statusCode: 400, param: 'destination' });
    const enabled = server.createAccount({ enabled: true });
    await expect(stripe.transfers.create({ amount: 0, currency: 'eur', destination: enabled.id })).rejects.toMatchObject({ statusCode: 400, param: 'amount' });
    await expect(stripe.transfers.create({ amount: 100, currency: 'EUR', destination: enabled.id })).rejects.toMatchObject({ statusCode: 400, param: 'currency' });
    expect(server.transfers.size).toBe(0);
  });

  it('makes, lists and reverses transfers', async () => {
    const a = server.createAccount({ enabled: true });
    const b = server.createAccount({ enabled: true });
    const t1 = await stripe.transfers.create({ amount: 5000, currency: 'eur', destination: a.id, transfer_group: 'prn_1', metadata: { payoutId: 'pay_1' } });
    await stripe.transfers.create({ amount: 700, currency: 'usd', destination: b.id, transfer_group: 'prn_1' });
    await stripe.transfers.create({ amount: 900, currency: 'usd', destination: b.id, transfer_group: 'prn_2' });
    expect(t1).toMatchObject({ object: 'transfer', amount: 5000, currency: 'eur', destination: a.id, transfer_group: 'prn_1', metadata: { payoutId: 'pay_1' }, livemode: false, reversed: false });
    expect(t1.id).toMatch(/^tr_/);

    const group = await stripe.transfers.list({ transfer_group: 'prn_1' });
    expect(group).toMatchObject({ object: 'list', has_more: false, url: '/v1/transfers' });
    expect(group.data.map((t) => t.amount).sort()).toEqual([5000, 700].sort());
    const first = await stripe.transfers.list({ limit: 1 });
    expect(first.has_more).toBe(true);
    expect(first.data[0]!.amount).toBe(900); // newest first
    const all: number[] = [];
    for await (const t of stripe.transfers.list({ limit: 1 })) all.push(t.amount);
    expect(all).toEqual([900, 700, 5000]);
    expect((await stripe.transfers.list({ destination: b.id })).data).toHaveLength(2);

    const reversal = await stripe.transfers.createReversal(t1.id, { amount: 1000 });
    expect(reversal).toMatchObject({ object: 'transfer_reversal', amount: 1000, transfer: t1.id });
    expect(reversal.id).toMatch(/^trr_/);
    const dashboard = server.reverseTransfer(t1.id);
    expect(dashboard).toMatchObject({ amount_reversed: 5000, reversed: true });
    expect((await stripe.transfers.retrieve(t1.id)).reversals.data).toHaveLength(2);
    await expect(stripe.transfers.createReversal(t1.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });

  it('replays an idempotent request and refuses the key with other parameters', async () => {
    const a = server.createAccount({ enabled: true });
    const params = { amount: 1234, currency: 'eur', destination: a.id, metadata: { payoutId: 'pay_9' } };
    const before = server.transfers.size;
    const first = await stripe.transfers.create(params, { idempotencyKey: 'payout-pay_9' });
    const again = await stripe.transfers.create(params, { idempotencyKey: 'payout-pay_9' });
    expect(again.id).toBe(first.id);
    expect(server.transfers.size).toBe(before + 1);
    expect(server.requests.at(-1)).toMatchObject({ replayed: true, idempotencyKey: 'payout-pay_9' });
    const raw = await fetch(`${server.url}/v1/transfers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.secretKey}`, 'idempotency-key': 'payout-pay_9', 'content-type': 'application/x-www-form-urlencoded' },
      body: `amount=1234&currency=eur&destination=${a.id}&metadata[payoutId]=pay_9`,
    });
    expect(raw.headers.get('idempotent-replayed')).toBe('true');

    await expect(stripe.transfers.create({ ...params, amount: 999 }, { idempotencyKey: 'payout-pay_9' })).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(server.transfers.size).toBe(before + 1);
  });

  it('injects transfer failures: Stripe errors, and lost connections before or after the transfer is made', async () => {
    const a = server.createAccount({ enabled: true });
    server.failTransfers({ status: 400, type: 'invalid_request_error', code: 'balance_insufficient', message: 'Insufficient funds' });
    const params = { amount: 100, currency: 'eur', destination: a.id };
    await expect(stripe.transfers.create(params, { idempotencyKey: 'k1' })).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'balance_insufficient', message: 'Insufficient funds' });
    // Not saved under the key: the retry runs for real.
    const retried = await stripe.transfers.create(params, { idempotencyKey: 'k1' });
    expect(retried.amount).toBe(100);

    server.failTransfers({ status: 500, count: 1 });
    await expect(stripe.transfers.create(params, { idempotencyKey: 'k2' })).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);

    // The SDK retries a dropped connection once by itself, so two drops reach the caller.
    server.failTransfers({ status: 'network', count: 2 });
    const before = server.transfers.size;
    await expect(stripe.transfers.create(params, { idempotencyKey: 'k3' })).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(server.transfers.size).toBe(before);

    // Stripe made the transfer but the answer was lost: the same key finds it, nothing is paid twice.
    server.failTransfers({ status: 'network', count: 2, afterExecution: true });
    await expect(stripe.transfers.create(params, { idempotencyKey: 'k4' })).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(server.transfers.size).toBe(before + 1);
    const found = await stripe.transfers.create(params, { idempotencyKey: 'k4' });
    expect(server.transfers.size).toBe(before + 1);
    expect(server.transfers.has(found.id)).toBe(true);
  });

  it('signs webhook events that constructEvent accepts', () => {
    const { payload, signature, event } = server.signedEvent('account.updated', { id: 'acct_1', object: 'account' }, { account: 'acct_1' });
    const parsed = stripe.webhooks.constructEvent(payload, signature, server.webhookSecret);
    expect(parsed).toMatchObject({ id: event.id, type: 'account.updated', account: 'acct_1', data: { object: { id: 'acct_1' } } });
    expect(event.id).toMatch(/^evt_/);
    expect(() => stripe.webhooks.constructEvent(payload, signature, 'whsec_other')).toThrow(Stripe.errors.StripeSignatureVerificationError);
    const forged = server.signedEvent('account.updated', {}, { secret: 'whsec_other' });
    expect(() => stripe.webhooks.constructEvent(forged.payload, forged.signature, server.webhookSecret)).toThrow();
  });
});
