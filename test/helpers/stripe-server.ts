import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/**
 * A local Stripe-compatible HTTP server for tests: the stripe SDK is pointed at it through
 * `STRIPE_API_BASE`, so no test touches the network. It checks what the SDK sends (paths,
 * parameters, authentication, idempotency keys) and answers with Stripe-shaped objects, covering
 * the part of the API Trellis uses: Connect accounts, account links, transfers and reversals.
 */

export interface RecordedStripeRequest {
  method: string;
  path: string;
  /** The parsed form body (POST) or query string (GET), nested like Stripe reads it; values are strings. */
  params: Record<string, any>;
  idempotencyKey?: string;
  stripeVersion?: string;
  stripeAccount?: string;
  authorized: boolean;
  /** The HTTP status answered; undefined when the socket was destroyed ('network' failure). */
  status?: number;
  /** True when the answer was replayed from an earlier request with the same idempotency key. */
  replayed?: boolean;
}

export interface StripeFailure {
  count?: number;
  status: number | 'network';
  type?: string;
  code?: string;
  message?: string;
  /**
   * 'network' only: carry out the request (the transfer is made and its answer saved under the
   * idempotency key) before dropping the connection, as when a crash loses Stripe's answer.
   */
  afterExecution?: boolean;
}

export interface FakeStripe {
  url: string;
  secretKey: string;
  webhookSecret: string;
  requests: RecordedStripeRequest[];
  accounts: Map<string, any>;
  transfers: Map<string, any>;
  /** An account made server-side (no HTTP), e.g. for a test's payout_accounts row; enabled => transfers capability active, payouts_enabled, details_submitted. */
  createAccount(opts?: { enabled?: boolean; country?: string; metadata?: Record<string, string> }): any;
  enableAccount(id: string): any;
  /**
   * The next `count` (default 1) POST /v1/transfers fail: with this HTTP status and Stripe error
   * (type, code, message), or 'network' = the socket is destroyed without an answer. Injected
   * failures come before the idempotency layer (a refusal at Stripe's edge, a lost connection), so
   * they are not saved under the key: a later request with the same key runs (or replays) for real.
   * Note: the SDK retries a closed connection once by itself, even with maxNetworkRetries 0, so a
   * single call sees a StripeConnectionError only with `count: 2` or more.
   */
  failTransfers(opts: StripeFailure): void;
  /** Stripe-side reversal of a transfer (amount default: the rest), as the dashboard would; returns the transfer. */
  reverseTransfer(id: string, amount?: number): any;
  /** A webhook delivery: the event JSON text and a valid `Stripe-Signature` header for it (stripe.webhooks.generateTestHeaderString with webhookSecret). */
  signedEvent(type: string, object: Record<string, unknown>, opts?: { id?: string; account?: string; created?: number; secret?: string }): { payload: string; signature: string; event: any };
  /** Forget requests and injected failures (keep accounts, transfers and saved idempotent answers). */
  reset(): void;
  close(): Promise<void>;
}

const SECRET_KEY = 'sk_test_trellis_local';
const WEBHOOK_SECRET = 'whsec_trellis_local';
const API_VERSION = Stripe.API_VERSION;

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
const now = () => Math.floor(Date.now() / 1000);

/** A Stripe API error, answered as `{ error: { type, code, message, param } }`. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code?: string,
    readonly param?: string,
    /** False for requests rejected before the endpoint ran (bad parameters): Stripe does not save them under the idempotency key. */
    readonly saved = true,
  ) {
    super(message);
  }
  body() {
    return { error: { type: this.type, code: this.code, message: this.message, param: this.param, doc_url: this.code ? `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}` : undefined } };
  }
}

const invalid = (message: string, param?: string, code = 'parameter_invalid') => new ApiError(400, 'invalid_request_error', message, code, param, false);
const missing = (param: string) => new ApiError(400, 'invalid_request_error', `Missing required param: ${param}.`, 'parameter_missing', param, false);
const noSuch = (what: string, value: string, param = 'id') => new ApiError(404, 'invalid_request_error', `No such ${what}: '${value}'`, 'resource_missing', param);

/** Parses `a[b][c]=v&list[0]=x` into nested objects and arrays, as Stripe reads form bodies and query strings. */
export function parseStripeForm(text: string): Record<string, any> {
  const root: Record<string, any> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const head = rawKey.split('[')[0]!;
    const rest = [...rawKey.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!);
    const path = [head, ...rest];
    let node: any = root;
    path.forEach((segment, i) => {
      const last = i === path.length - 1;
      const key = segment === '' && Array.isArray(node) ? node.length : segment;
      if (last) node[key] = value;
      else node = node[key] ??= /^\d*$/.test(path[i + 1]!) ? [] : {};
    });
  }
  return root;
}

function integerParam(params: Record<string, any>, name: string, opts: { required?: boolean; min?: number } = {}): number | undefined {
  const raw = params[name];
  if (raw === undefined || raw === '') {
    if (opts.required) throw missing(name);
    return undefined;
  }
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) throw invalid(`Invalid integer: ${String(raw)}`, name);
  const n = Number(raw);
  if (opts.min !== undefined && n < opts.min) throw invalid(`This value must be greater than or equal to ${opts.min}.`, name);
  return n;
}

function metadataParam(params: Record<string, any>, previous: Record<string, string> = {}): Record<string, string> {
  const given = params.metadata;
  if (given === undefined) return previous;
  if (given === '') return {};
  if (typeof given !== 'object' || Array.isArray(given)) throw invalid('Invalid metadata: must be a hash', 'metadata');
  const merged = { ...previous };
  for (const [k, v] of Object.entries(given)) {
    if (typeof v !== 'string') throw invalid(`Invalid metadata[${k}]: must be a string`, `metadata[${k}]`);
    if (k.length > 40) throw invalid('Metadata keys can be at most 40 characters.', `metadata[${k}]`);
    if (v.length > 500) throw invalid('Metadata values can be at most 500 characters.', `metadata[${k}]`);
    if (v === '') delete merged[k];
    else merged[k] = v;
  }
  return merged;
}

function urlParam(params: Record<string, any>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw missing(name);
  try {
    const u = new URL(String(value));
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw invalid(`Not a valid URL`, name, 'url_invalid');
  }
  return String(value);
}

const PENDING_REQUIREMENTS = ['business_type', 'external_account', 'tos_acceptance.date', 'tos_acceptance.ip'];

function accountObject(opts: { type?: string; controller?: any; country?: string; email?: string; metadata?: Record<string, string>; transfersRequested?: boolean }) {
  const country = (opts.country ?? 'US').toUpperCase();
  return {
    id: id('acct'),
    object: 'account',
    type: opts.type ?? 'express',
    controller: opts.controller ?? { type: 'application', is_controller: true, stripe_dashboard: { type: 'express' }, fees: { payer: 'application' }, losses: { payments: 'application' }, requirement_collection: 'stripe' },
    business_profile: { mcc: null, name: null, product_description: null, support_email: null, url: null },
    business_type: null,
    capabilities: opts.transfersRequested === false ? {} : { transfers: 'inactive' },
    charges_enabled: false,
    country,
    created: now(),
    default_currency: country === 'US' ? 'usd' : country === 'GB' ? 'gbp' : 'eur',
    details_submitted: false,
    email: opts.email ?? null,
    external_accounts: { object: 'list', data: [], has_more: false, total_count: 0, url: '' },
    livemode: false,
    metadata: opts.metadata ?? {},
    payouts_enabled: false,
    requirements: { alternatives: [], current_deadline: null, currently_due: [...PENDING_REQUIREMENTS], disabled_reason: 'requirements.past_due', errors: [], eventually_due: [...PENDING_REQUIREMENTS], past_due: [...PENDING_REQUIREMENTS], pending_verification: [] },
    settings: { payouts: { debit_negative_balances: true, schedule: { delay_days: 2, interval: 'daily' }, statement_descriptor: null } },
    tos_acceptance: { date: null, ip: null, user_agent: null },
  };
}

function enable(account: any) {
  account.capabilities = { ...account.capabilities, transfers: 'active' };
  account.details_submitted = true;
  account.payouts_enabled = true;
  account.charges_enabled = false;
  account.business_type = 'individual';
  account.requirements = { ...account.requirements, currently_due: [], eventually_due: [], past_due: [], disabled_reason: null };
  account.tos_acceptance = { date: now(), ip: '127.0.0.1', user_agent: null };
  account.external_accounts.url = `/v1/accounts/${account.id}/external_accounts`;
  return account;
}

const list = (data: any[], url: string, hasMore: boolean) => ({ object: 'list', data, has_more: hasMore, url });

/** Newest first, with Stripe's `limit`, `starting_after` and `ending_before` cursors. */
function paginate<T extends { id: string }>(items: T[], params: Record<string, any>, url: string) {
  const limit = integerParam(params, 'limit', { min: 1 }) ?? 10;
  if (limit > 100) throw invalid('This value must be less than or equal to 100.', 'limit');
  let from = 0;
  let to = items.length;
  if (params.starting_after) {
    const i = items.findIndex((t) => t.id === params.starting_after);
    if (i < 0) throw noSuch('object', params.starting_after, 'starting_after');
    from = i + 1;
  }
  if (params.ending_before) {
    const i = items.findIndex((t) => t.id === params.ending_before);
    if (i < 0) throw noSuch('object', params.ending_before, 'ending_before');
    to = i;
    from = Math.max(from, to - limit);
  }
  const page = items.slice(from, Math.min(to, from + limit));
  return list(page, url, from + page.length < to || (params.ending_before ? from > 0 : false));
}

interface SavedAnswer {
  fingerprint: string;
  status: number;
  body: unknown;
}

/** The harness environment that points Trellis at this server (keys, API base, webhook secret). */
export const stripeEnvOf = (fake: Pick<FakeStripe, 'secretKey' | 'url' | 'webhookSecret'>): Record<string, string> => ({
  STRIPE_SECRET_KEY: fake.secretKey,
  STRIPE_API_BASE: fake.url,
  STRIPE_WEBHOOK_SECRET: fake.webhookSecret,
});

export async function startFakeStripe(): Promise<FakeStripe> {
  const accounts = new Map<string, any>();
  const transfers = new Map<string, any>();
  const links = new Map<string, any>();
  const requests: RecordedStripeRequest[] = [];
  const idempotent = new Map<string, SavedAnswer>();
  let failures: StripeFailure[] = [];
  let url = '';

  const getAccount = (acct: string, param = 'id') => {
    const a = accounts.get(acct);
    if (!a) throw noSuch('account', acct, param);
    return a;
  };
  const getTransfer = (tr: string) => {
    const t = transfers.get(tr);
    if (!t) throw noSuch('transfer', tr);
    return t;
  };

  function addReversal(transfer: any, amount: number | undefined, metadata: Record<string, string> = {}) {
    const remaining = transfer.amount - transfer.amount_reversed;
    const value = amount ?? remaining;
    if (remaining <= 0) throw new ApiError(400, 'invalid_request_error', `Transfer ${transfer.id} has already been reversed.`, 'transfer_already_reversed');
    if (value <= 0 || value > remaining) throw new ApiError(400, 'invalid_request_error', `Amount (${value}) is greater than the unreversed amount on the transfer (${remaining}).`, 'amount_too_large', 'amount');
    const reversal = { id: id('trr'), object: 'transfer_reversal', amount: value, balance_transaction: id('txn'), created: now(), currency: transfer.currency, destination_payment_refund: id('pyr'), metadata, source_refund: null, transfer: transfer.id };
    transfer.reversals.data.unshift(reversal);
    transfer.reversals.total_count += 1;
    transfer.amount_reversed += value;
    transfer.reversed = transfer.amount_reversed === transfer.amount;
    return reversal;
  }

  type Handler = (params: Record<string, any>, match: string[]) => { status?: number; body: unknown };
  const routes: Array<[string, RegExp, Handler]> = [
    [
      'POST',
      /^\/v1\/accounts$/,
      (p) => {
        const type = p.type as string | undefined;
        if (type !== undefined && !['express', 'custom', 'standard'].includes(type)) throw invalid(`Invalid type: must be one of custom, express, or standard`, 'type');
        if (type === undefined && (typeof p.controller !== 'object' || p.controller === null)) throw missing('type');
        if (p.country !== undefined && !/^[A-Za-z]{2}$/.test(String(p.country))) throw invalid(`Country '${p.country}' is unknown.`, 'country');
        const requested = p.capabilities?.transfers?.requested;
        if (requested !== undefined && requested !== 'true' && requested !== 'false') throw invalid('Invalid boolean', 'capabilities[transfers][requested]');
        if (type === 'express' && requested !== 'true') throw invalid('Express accounts must request the transfers or card_payments capability.', 'capabilities', 'parameter_missing');
        const account = accountObject({ type: type ?? 'express', country: p.country, email: p.email, metadata: metadataParam(p), transfersRequested: requested === 'true' });
        accounts.set(account.id, account);
        return { body: account };
      },
    ],
    ['GET', /^\/v1\/accounts\/(acct_[\w]+)$/, (_p, [acct]) => ({ body: getAccount(acct!) })],
    [
      'POST',
      /^\/v1\/accounts\/(acct_[\w]+)$/,
      (p, [acct]) => {
        const account = getAccount(acct!);
        account.metadata = metadataParam(p, account.metadata);
        return { body: account };
      },
    ],
    [
      'POST',
      /^\/v1\/account_links$/,
      (p) => {
        if (!p.account) throw missing('account');
        const refreshUrl = urlParam(p, 'refresh_url');
        const returnUrl = urlParam(p, 'return_url');
        if (!p.type) throw missing('type');
        if (!['account_onboarding', 'account_update'].includes(p.type)) throw invalid('Invalid type: must be one of account_onboarding or account_update', 'type');
        const account = getAccount(p.account, 'account');
        const created = now();
        const linkId = randomBytes(9).toString('hex');
        links.set(linkId, { account: account.id, refreshUrl, returnUrl, expiresAt: created + 300 });
        return { body: { object: 'account_link', created, expires_at: created + 300, url: `${url}/setup/e/${account.id}/${linkId}` } };
      },
    ],
    [
      'POST',
      /^\/v1\/transfers$/,
      (p) => {
        const amount = integerParam(p, 'amount', { required: true })!;
        if (amount <= 0) throw invalid('This value must be greater than or equal to 1.', 'amount');
        if (!p.currency) throw missing('currency');
        if (!/^[a-z]{3}$/.test(p.currency)) throw invalid(`Invalid currency: ${p.currency}. Stripe currencies are three-letter ISO codes in lowercase.`, 'currency');
        if (!p.destination) throw missing('destination');
        const destination = accounts.get(p.destination);
        if (!destination) throw new ApiError(400, 'invalid_request_error', `No such destination: '${p.destination}'`, 'resource_missing', 'destination');
        if (destination.capabilities?.transfers !== 'active') {
          throw new ApiError(400, 'invalid_request_error', `Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments`, 'insufficient_capabilities_for_transfer', 'destination');
        }
        const transfer = {
          id: id('tr'),
          object: 'transfer',
          amount,
          amount_reversed: 0,
          balance_transaction: id('txn'),
          created: now(),
          currency: p.currency,
          description: p.description ?? null,
          destination: destination.id,
          destination_payment: id('py'),
          livemode: false,
          metadata: metadataParam(p),
          reversals: { object: 'list', data: [] as any[], has_more: false, total_count: 0, url: '' },
          reversed: false,
          source_transaction: p.source_transaction ?? null,
          source_type: 'card',
          transfer_group: p.transfer_group ?? null,
        };
        transfer.reversals.url = `/v1/transfers/${transfer.id}/reversals`;
        transfers.set(transfer.id, transfer);
        return { body: transfer };
      },
    ],
    ['GET', /^\/v1\/transfers\/(tr_[\w]+)$/, (_p, [tr]) => ({ body: getTransfer(tr!) })],
    [
      'GET',
      /^\/v1\/transfers$/,
      (p) => {
        const all = [...transfers.values()]
          .filter((t) => p.transfer_group === undefined || t.transfer_group === p.transfer_group)
          .filter((t) => p.destination === undefined || t.destination === p.destination)
          .reverse();
        return { body: paginate(all, p, '/v1/transfers') };
      },
    ],
    [
      'POST',
      /^\/v1\/transfers\/(tr_[\w]+)\/reversals$/,
      (p, [tr]) => {
        const transfer = getTransfer(tr!);
        const amount = integerParam(p, 'amount');
        return { body: addReversal(transfer, amount, metadataParam(p)) };
      },
    ],
  ];

  function authorized(header: string | undefined): boolean {
    if (!header) return false;
    const [scheme, value] = header.split(' ', 2);
    if (scheme?.toLowerCase() === 'bearer') return value === SECRET_KEY;
    if (scheme?.toLowerCase() === 'basic' && value) return Buffer.from(value, 'base64').toString('utf8').split(':')[0] === SECRET_KEY;
    return false;
  }

  function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) {
    const text = JSON.stringify(body, null, 2);
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req'), 'stripe-version': API_VERSION, 'content-length': Buffer.byteLength(text), ...extra });
    res.end(text);
  }

  /** The hosted onboarding page: visiting the link completes onboarding and goes to the return URL. */
  function onboarding(res: ServerResponse, acct: string, linkId: string) {
    const link = links.get(linkId);
    if (!link || link.account !== acct) return send(res, 404, { error: { type: 'invalid_request_error', message: 'Unknown account link' } });
    if (link.expiresAt < now()) {
      res.writeHead(302, { location: link.refreshUrl });
      return res.end();
    }
    enable(getAccount(acct));
    links.delete(linkId);
    res.writeHead(302, { location: link.returnUrl });
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const u = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const params = parseStripeForm(method === 'GET' || method === 'DELETE' ? u.search.slice(1) : Buffer.concat(chunks).toString('utf8'));
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const record: RecordedStripeRequest = {
      method,
      path: u.pathname,
      params,
      idempotencyKey: header('idempotency-key'),
      stripeVersion: header('stripe-version'),
      stripeAccount: header('stripe-account'),
      authorized: authorized(header('authorization')),
    };
    requests.push(record);
    const answer = (status: number, body: unknown, extra?: Record<string, string>) => {
      record.status = status;
      send(res, status, body, extra);
    };

    const setup = method === 'GET' && /^\/setup\/e\/(acct_\w+)\/(\w+)$/.exec(u.pathname);
    if (setup) return onboarding(res, setup[1]!, setup[2]!);

    if (!record.authorized) {
      const given = header('authorization');
      const message = given ? `Invalid API Key provided: ${given.replace(/^\w+\s+/, '').slice(0, 8)}****` : 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').';
      return answer(401, { error: { type: 'invalid_request_error', message } });
    }

    const route = routes.find(([m, re]) => m === method && re.test(u.pathname));
    if (!route) {
      return answer(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${u.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.` } });
    }
    const run = () => {
      try {
        const out = route[2](params, route[1].exec(u.pathname)!.slice(1));
        return { status: out.status ?? 200, body: out.body, saved: true };
      } catch (err) {
        if (err instanceof ApiError) return { status: err.status, body: err.body(), saved: err.saved };
        throw err;
      }
    };

    const key = method === 'POST' ? record.idempotencyKey : undefined;
    const scope = key ? `${record.stripeAccount ?? ''}\u0000${key}` : undefined;
    const fingerprint = JSON.stringify([method, u.pathname, params]);
    // Injected failures come first, as a refusal at Stripe's edge or a connection lost on the way would.
    if (method === 'POST' && u.pathname === '/v1/transfers' && failures.length > 0) {
      const failure = failures[0]!;
      failure.count = (failure.count ?? 1) - 1;
      if (failure.count <= 0) failures.shift();
      if (failure.status === 'network') {
        if (failure.afterExecution && scope && !idempotent.has(scope)) {
          const out = run();
          if (out.saved) idempotent.set(scope, { fingerprint, status: out.status, body: structuredClone(out.body) });
        } else if (failure.afterExecution && !scope) run();
        req.socket.destroy();
        return;
      }
      return answer(failure.status, { error: { type: failure.type ?? 'api_error', code: failure.code, message: failure.message ?? 'An error occurred with our connection to Stripe.' } });
    }
    const saved = scope ? idempotent.get(scope) : undefined;
    if (saved) {
      if (saved.fingerprint !== fingerprint) {
        return answer(400, {
          error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` },
        });
      }
      record.replayed = true;
      return answer(saved.status, saved.body, { 'idempotent-replayed': 'true', 'original-request': id('req') });
    }

    const out = run();
    // Stripe saves an answer under the key once the endpoint ran (errors included), but not a request refused for its parameters.
    if (scope && out.saved) idempotent.set(scope, { fingerprint, status: out.status, body: structuredClone(out.body) });
    answer(out.status, out.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, { error: { type: 'api_error', message: `fake stripe: ${(err as Error).message}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    secretKey: SECRET_KEY,
    webhookSecret: WEBHOOK_SECRET,
    requests,
    accounts,
    transfers,
    createAccount(opts = {}) {
      const account = accountObject({ country: opts.country, metadata: opts.metadata, transfersRequested: true });
      accounts.set(account.id, account);
      return opts.enabled ? enable(account) : account;
    },
    enableAccount(acct) {
      return enable(getAccount(acct));
    },
    failTransfers(opts) {
      failures.push({ ...opts, count: opts.count ?? 1 });
    },
    reverseTransfer(tr, amount) {
      addReversal(getTransfer(tr), amount);
      return getTransfer(tr);
    },
    signedEvent(type, object, opts = {}) {
      const event = {
        id: opts.id ?? id('evt'),
        object: 'event',
        ...(opts.account ? { account: opts.account } : {}),
        api_version: API_VERSION,
        created: opts.created ?? now(),
        data: { object },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type,
      };
      const payload = JSON.stringify(event, null, 2);
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? WEBHOOK_SECRET });
      return { payload, signature, event };
    },
    reset() {
      requests.length = 0;
      failures = [];
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
