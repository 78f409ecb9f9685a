import type { Db } from '../../../db/client.js';
import { isForeignKeyViolation } from '../../../db/errors.js';
import { newId } from '../../../db/ids.js';
import { createCoalescer } from '../../coalesce.js';
import type { ServiceContext } from '../../context.js';
import { hex, prepareLogEntry, type PreparedLogEntry } from '../../transparency/entries/append.js';
import { conversionAcceptedEntry } from '../../transparency/entries/conversion.js';
import type { CustomerIdentity } from './customers.js';
import { rawRows } from './raw-sql.js';
import type { ConversionRow } from './types.js';

/**
 * Conversion intake, the merchant API's hot path: the conversions reported at the same moment
 * (while the previous statement was on its way) are recorded together in ONE statement, each with
 * its customer (found, or created and linked to their member). No transaction, no query building:
 * a fixed text prepared once per connection, the rows as one JSON parameter.
 *
 * A conversion is inserted first and a new customer only when it was: a replay, or an externalId
 * reused with another payload (409), writes nothing. New customers' ids are chosen here and the
 * foreign key is checked at the end of the statement, so should a concurrent call have created the
 * same customer meanwhile (this insert steps aside) the statement fails rather than record a
 * conversion without its customer. A failed batch is retried one conversion at a time, so one
 * call's trouble is never another's.
 *
 * Left to the transactional path in track.ts (customers.ts), which reads with a fresh snapshot:
 * that race, and a customer named by reference AND email hash who is not known by the reference
 * yet (their email may belong to a customer the reference must be adopted by).
 *
 * The conversion's `conversion.accepted` log entry goes into the outbox in the same statement, only
 * for the rows it inserted: a replay logs nothing, and a recorded conversion is never unlogged.
 */

/** What the merchant reported, as it is stored (ids and hashes computed, defaults applied). */
export type NewConversion = Omit<
  ConversionRow,
  | 'id'
  | 'cancelledAt'
  | 'refundedAmount'
  | 'processedAt'
  | 'attributionMethod'
  | 'attributedClickId'
  | 'clickedAt'
  | 'linkId'
  | 'partnerMemberId'
  | 'customerId'
  | 'marketCountry'
  | 'fraudReasons'
  | 'legacyEmailSha256'
  | 'createdAt'
  | 'updatedAt'
>;

export type IntakeOutcome =
  /** Inserted: the row as stored, and its log entry (written to the outbox with it). */
  | { kind: 'created'; conversion: ConversionRow; logged: PreparedLogEntry }
  /** The externalId is taken: a replay, or a reuse with another payload (the caller tells which). */
  | { kind: 'exists' }
  /** A case this path leaves to the transactional one. */
  | { kind: 'fallback' };

const CUSTOMER_FK = 'conversions_customer_id_customers_id_fk';

/**
 * The program member a customer is: the merchant's reference as external id (the surer match),
 * else the email. Two unique-index probes, the second only when the first finds nobody.
 */
const memberOf = (ref: string) => `coalesce(
  (select m.id from members m where m.program_id = r.program_id and m.external_id = ${ref}),
  (select m.id from members m where m.program_id = r.program_id and m.email_normalized = r.email_normalized))`;

const INTAKE = `
  with r as (
    select * from json_to_recordset($1::text::json) as x(
      idx int, id text, program_id text, external_id text, kind conversion_kind, status conversion_status,
      occurred_at timestamptz, completed_at timestamptz, amount bigint, currency char(3), click_id text, cookie_click_id text,
      promo_code text, customer_ref text, email_hmac text, ip_hash text, country char(2), metadata jsonb, request_hash text,
      now timestamptz, named boolean, lookup_ref text, lookup_hash text, email_normalized text, may_create boolean, new_customer_id text,
      entry text, leaf_hash text)
  ),
  -- Known by the merchant's reference when one is given, else by the email hash. One index probe
  -- per conversion (LIMIT keeps the planner from turning the probes into a scan of all customers).
  found as (
    select r.idx, k.id, k.external_ref, k.member_id from r
      join lateral (select id, external_ref, member_id from customers k where k.program_id = r.program_id and k.external_ref = r.lookup_ref limit 1) k on true
    union all
    select r.idx, k.id, k.external_ref, k.member_id from r
      join lateral (select id, external_ref, member_id from customers k where k.program_id = r.program_id and k.email_hmac = r.lookup_hash limit 1) k on true
    where r.lookup_ref is null
  ),
  inserted as (
    insert into conversions (id, program_id, external_id, kind, status, occurred_at, completed_at, amount, currency, click_id,
      cookie_click_id, promo_code, customer_ref, email_hmac, ip_hash, country, metadata, request_hash, customer_id, created_at, updated_at)
    select r.id, r.program_id, r.external_id, r.kind, r.status, r.occurred_at, r.completed_at, r.amount, r.currency, r.click_id,
      r.cookie_click_id, r.promo_code, r.customer_ref, r.email_hmac, r.ip_hash, r.country, r.metadata, r.request_hash,
      case when r.named then coalesce(f.id, r.new_customer_id) end, r.now, r.now
    from r left join found f on f.idx = r.idx
    where not r.named or r.may_create or f.id is not null
    order by r.idx
    on conflict (program_id, external_id) do nothing
    returning id, customer_id
  ),
  created as (
    insert into customers (id, program_id, external_ref, email_hmac, member_id, created_at, updated_at)
    select distinct on (r.new_customer_id) r.new_customer_id, r.program_id, r.lookup_ref, r.lookup_hash, ${memberOf('r.lookup_ref')}, r.now, r.now
    from r join inserted i on i.id = r.id
    where r.named and not exists (select 1 from found f where f.idx = r.idx)
    order by r.new_customer_id, r.idx
    on conflict do nothing
    returning id
  ),
  linked as (
    update customers k set member_id = m.id, updated_at = r.now
    from r join inserted i on i.id = r.id join found f on f.idx = r.idx cross join lateral (select ${memberOf('f.external_ref')} as id) m
    where k.id = f.id and f.member_id is null and k.member_id is null and m.id is not null
    returning k.id
  ),
  logged as (
    insert into log_outbox (entry, leaf_hash, type, tenant_id, program_id, partner_member_id, created_at)
    select r.entry, decode(r.leaf_hash, 'hex'), 'conversion.accepted', p.tenant_id, r.program_id, null, r.now
    from r join inserted i on i.id = r.id join programs p on p.id = r.program_id
    order by r.idx
  )
  select r.idx, i.id is not null as inserted, i.customer_id, f.id is not null as known
  from r left join inserted i on i.id = r.id left join found f on f.idx = r.idx`;

interface Pending {
  conversion: ConversionRow;
  identity: CustomerIdentity;
  logged: PreparedLogEntry;
  resolve: (outcome: IntakeOutcome) => void;
  reject: (err: unknown) => void;
}

interface IntakeRow {
  idx: number;
  inserted: boolean;
  customer_id: string | null;
  known: boolean;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The statement's row set; a new customer named twice in it gets one id. */
function rowsJson(batch: Pending[]): string {
  const newCustomerIds = new Map<string, string>();
  return JSON.stringify(
    batch.map(({ conversion: c, identity, logged }, idx) => {
      const named = Boolean(identity.externalRef || identity.emailHmac);
      const key = `${c.programId}\n${identity.externalRef ? `r:${identity.externalRef}` : `h:${identity.emailHmac}`}`;
      let newCustomerId = named ? newCustomerIds.get(key) : null;
      if (named && !newCustomerId) newCustomerIds.set(key, (newCustomerId = newId('cus')));
      return {
        idx,
        id: c.id,
        program_id: c.programId,
        external_id: c.externalId,
        kind: c.kind,
        status: c.status,
        occurred_at: iso(c.occurredAt),
        completed_at: iso(c.completedAt),
        amount: c.amount,
        currency: c.currency,
        click_id: c.clickId,
        cookie_click_id: c.cookieClickId,
        promo_code: c.promoCode,
        customer_ref: c.customerRef,
        email_hmac: c.emailHmac,
        ip_hash: c.ipHash,
        country: c.country,
        metadata: c.metadata,
        request_hash: c.requestHash,
        now: iso(c.createdAt),
        named,
        lookup_ref: identity.externalRef,
        lookup_hash: identity.emailHmac,
        email_normalized: identity.emailNormalized,
        // By reference and email, a new customer may be one known by the email alone: customers.ts decides.
        may_create: !(identity.externalRef && identity.emailHmac),
        new_customer_id: newCustomerId,
        entry: logged.entry,
        leaf_hash: hex(logged.leafHash),
      };
    }),
  );
}

function outcomeOf(p: Pending, row: IntakeRow | undefined): IntakeOutcome {
  if (row?.inserted) {
    p.conversion.customerId = row.customer_id;
    return { kind: 'created', conversion: p.conversion, logged: p.logged };
  }
  // Not inserted: the externalId is taken, unless the customer is one this path leaves alone.
  const { externalRef, emailHmac } = p.identity;
  return externalRef && emailHmac && !row?.known ? { kind: 'fallback' } : { kind: 'exists' };
}

async function record(db: Db, batch: Pending[]): Promise<void> {
  let rows: IntakeRow[];
  try {
    rows = await rawRows<IntakeRow & Record<string, unknown>>(db, INTAKE, [rowsJson(batch)]);
  } catch (err) {
    if (batch.length > 1) {
      // One conversion's trouble (a customer race, a refused row) is not the others': alone, each
      // gets its own answer. One after the other, so they do not race each other for a customer.
      for (const p of batch) await record(db, [p]);
      return;
    }
    // The customer this statement meant to create was created by a concurrent call first.
    if (isForeignKeyViolation(err, CUSTOMER_FK)) batch[0]!.resolve({ kind: 'fallback' });
    else batch[0]!.reject(err);
    return;
  }
  const byIdx = new Map(rows.map((row) => [Number(row.idx), row]));
  batch.forEach((p, idx) => p.resolve(outcomeOf(p, byIdx.get(idx))));
}

/**
 * Per database (each harness in the tests is its own process): conversions reported while a
 * statement is on its way go together in the next.
 */
const intakes = new WeakMap<Db, (p: Pending) => void>();

function intakeOf(db: Db): (p: Pending) => void {
  let intake = intakes.get(db);
  if (!intake) {
    intake = createCoalescer<Pending>(
      (batch) => record(db, batch),
      (batch, err) => batch.forEach((p) => p.reject(err)),
    );
    intakes.set(db, intake);
  }
  return intake;
}

/** What the `conversion.accepted` entry needs beyond the row: see conversionAcceptedEntry. */
export interface AcceptedFacts {
  completed: boolean;
  programSalt: Buffer;
}

/**
 * Records the conversion (and its customer) with the others of this moment; see the file comment
 * for what it leaves to track.ts. Outside any transaction only: the statement commits on its own.
 */
export function recordConversion(ctx: ServiceContext, values: NewConversion, identity: CustomerIdentity, accepted: AcceptedFacts): Promise<IntakeOutcome> {
  const now = ctx.clock();
  // Written out rather than spread: one object shape for every call keeps this path fast.
  const conversion: ConversionRow = {
    id: newId('cnv'),
    programId: values.programId,
    externalId: values.externalId,
    kind: values.kind,
    status: values.status,
    occurredAt: values.occurredAt,
    completedAt: values.completedAt,
    amount: values.amount,
    currency: values.currency,
    clickId: values.clickId,
    cookieClickId: values.cookieClickId,
    promoCode: values.promoCode,
    customerRef: values.customerRef,
    emailHmac: values.emailHmac,
    legacyEmailSha256: null,
    ipHash: values.ipHash,
    country: values.country,
    metadata: values.metadata,
    requestHash: values.requestHash,
    cancelledAt: null,
    refundedAmount: 0,
    processedAt: null,
    attributionMethod: null,
    attributedClickId: null,
    clickedAt: null,
    linkId: null,
    partnerMemberId: null,
    customerId: null,
    marketCountry: null,
    fraudReasons: [],
    createdAt: now,
    updatedAt: now,
  };
  // The tenant is the program's, joined in the statement.
  const logged = prepareLogEntry(conversionAcceptedEntry(conversion, accepted.completed, null, accepted.programSalt));
  return new Promise<IntakeOutcome>((resolve, reject) => intakeOf(ctx.db)({ conversion, identity, logged, resolve, reject }));
}
