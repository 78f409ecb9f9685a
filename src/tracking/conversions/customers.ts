import { and, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import { isUniqueViolation } from '../../../db/errors.js';
import { customers, members } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import type { CustomerRow } from './types.js';

/**
 * The merchant's customers as conversions know them: by the merchant's reference, else by the keyed
 * hash of their normalised email (email-hash.ts). A customer is created the first time a conversion
 * names them and is linked to the program's member with the same external id or email.
 */
export interface CustomerIdentity {
  externalRef: string | null;
  /** The keyed email hash (customers.email_hmac). */
  emailHmac: string | null;
  /** The normalised email, in memory only: to find the member it belongs to. Never stored here. */
  emailNormalized: string | null;
}

const byRef = async (ctx: ServiceContext, programId: string, ref: string) =>
  (await ctx.db.select().from(customers).where(and(eq(customers.programId, programId), eq(customers.externalRef, ref))))[0];

const byEmailHash = async (ctx: ServiceContext, programId: string, hash: string) =>
  (await ctx.db.select().from(customers).where(and(eq(customers.programId, programId), eq(customers.emailHmac, hash))))[0];

/**
 * The program member with the merchant's reference as external id, else with the email: as a
 * subquery, so a new customer is inserted already linked in one statement.
 */
function memberMatch(programId: string, externalRef: string | null, emailNormalized: string | null): SQL | null {
  const matches = [externalRef ? eq(members.externalId, externalRef) : undefined, emailNormalized ? eq(members.emailNormalized, emailNormalized) : undefined].filter(
    (c) => c !== undefined,
  );
  if (matches.length === 0) return null;
  // The merchant's own reference is the surer match.
  const order = externalRef ? sql`${members.externalId} is not distinct from ${externalRef} desc` : sql`${members.id}`;
  return sql`(select ${members.id} from ${members} where ${and(eq(members.programId, programId), or(...matches))} order by ${order} limit 1)`;
}

async function insertCustomer(ctx: ServiceContext, programId: string, externalRef: string | null, emailHmac: string | null, emailNormalized: string | null): Promise<CustomerRow | undefined> {
  const now = ctx.clock();
  const [row] = await ctx.db
    .insert(customers)
    .values({ programId, externalRef, emailHmac, memberId: memberMatch(programId, externalRef, emailNormalized), createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning();
  return row;
}

/**
 * A customer first known by their email now comes with the merchant's reference: record it. In a
 * savepoint, because a concurrent conversion may have created a customer with that reference.
 */
async function adoptReference(ctx: ServiceContext, customer: CustomerRow, ref: string): Promise<CustomerRow | undefined> {
  try {
    return await ctx.db.transaction(async (sp) => {
      const [row] = await sp
        .update(customers)
        .set({ externalRef: ref, updatedAt: ctx.clock() })
        .where(and(eq(customers.id, customer.id), isNull(customers.externalRef)))
        .returning();
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return undefined;
    throw err;
  }
}

/** The customer, and whether this call created them (already linked to their member, then). */
async function findOrCreate(ctx: ServiceContext, programId: string, identity: CustomerIdentity): Promise<{ customer: CustomerRow; created: boolean }> {
  const ref = identity.externalRef;
  let hash = identity.emailHmac;
  if (ref) {
    const known = await byRef(ctx, programId, ref);
    if (known) return { customer: known, created: false };
  }
  if (hash) {
    const known = await byEmailHash(ctx, programId, hash);
    if (known && (!ref || known.externalRef === ref)) return { customer: known, created: false };
    if (known && known.externalRef === null) {
      const adopted = await adoptReference(ctx, known, ref!);
      if (adopted) return { customer: adopted, created: false };
      const raced = await byRef(ctx, programId, ref!);
      if (raced) return { customer: raced, created: false };
    }
    // The email belongs to a customer with another reference: this one is known by theirs alone.
    if (known) hash = null;
  }
  const created = await insertCustomer(ctx, programId, ref, hash, identity.emailNormalized);
  if (created) return { customer: created, created: true };
  // A concurrent conversion created them first (the insert waited for it, so it is visible now).
  const existing = ref ? await byRef(ctx, programId, ref) : await byEmailHash(ctx, programId, hash!);
  if (existing) return { customer: existing, created: false };
  // The email hash was taken meanwhile by a customer with another reference.
  const byRefOnly = await insertCustomer(ctx, programId, ref, null, identity.emailNormalized);
  return byRefOnly ? { customer: byRefOnly, created: true } : { customer: (await byRef(ctx, programId, ref!))!, created: false };
}

/**
 * The program member this customer is: the one with the merchant's reference as external id, else
 * the one with the email. Returns the customer, linked when a member was found.
 */
export async function linkCustomerMember(ctx: ServiceContext, customer: CustomerRow, emailNormalized: string | null): Promise<CustomerRow> {
  if (customer.memberId) return customer;
  const match = memberMatch(customer.programId, customer.externalRef, emailNormalized);
  if (!match) return customer;
  const [linked] = await ctx.db
    .update(customers)
    .set({ memberId: match, updatedAt: ctx.clock() })
    // Written only when a member matches: most conversions of an unlinked customer change nothing.
    .where(and(eq(customers.id, customer.id), isNull(customers.memberId), sql`${match} is not null`))
    .returning();
  return linked ?? customer;
}

/** Finds or creates the customer a conversion names and links them to their member; null when it names nobody. */
export async function resolveCustomer(ctx: ServiceContext, programId: string, identity: CustomerIdentity): Promise<CustomerRow | null> {
  if (!identity.externalRef && !identity.emailHmac) return null;
  const { customer, created } = await findOrCreate(ctx, programId, identity);
  return created ? customer : await linkCustomerMember(ctx, customer, identity.emailNormalized);
}

/** The customer row, locked: processing decides their binding, one conversion at a time. */
export async function lockCustomer(ctx: ServiceContext, customerId: string): Promise<CustomerRow | null> {
  const [row] = await ctx.db.select().from(customers).where(eq(customers.id, customerId)).for('update');
  return row ?? null;
}

/**
 * Binds the customer to the partner of their first attributed conversion. Returns the bound row,
 * or undefined when they were bound already (the binding is never moved: it is the history).
 */
export async function bindCustomer(ctx: ServiceContext, customer: CustomerRow, partnerMemberId: string, conversionId: string): Promise<CustomerRow | undefined> {
  const now = ctx.clock();
  const [row] = await ctx.db
    .update(customers)
    .set({ boundPartnerId: partnerMemberId, boundAt: now, boundConversionId: conversionId, updatedAt: now })
    .where(and(eq(customers.id, customer.id), isNull(customers.boundPartnerId)))
    .returning();
  return row;
}
