import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.js';
import { commissions, payoutAccounts } from '../../../db/schema/index.js';
import { createAffiliate, createCommission, createUser, type World } from '../../helpers/factories.js';
import type { Harness } from '../../helpers/harness.js';
import type { FakeStripe } from '../../helpers/stripe-server.js';

/** Helpers of the payout run tests: affiliates with logins, approved commissions, connected accounts. */

export const DAY_MS = 86_400_000;

export type Affiliate = { member: { id: string }; token: string };

/** Another approved affiliate of the world's program, with a login. */
export async function newAffiliate(h: Harness, w: World, status: 'approved' | 'pending' = 'approved'): Promise<Affiliate> {
  const member = await createAffiliate(h, w.program.id, { country: 'DE' }, status);
  const user = await createUser(h, { tenantId: w.tenant.id, role: 'affiliate', memberId: member.id, programId: w.program.id });
  return { member, token: user.token };
}

/**
 * An approved commission owed to `who`, approved a day ago: `amount` minor units of `currency`
 * (negative: a clawback of a paid commission, which netting takes off the next payout).
 */
export async function owed(h: Harness, w: World, who: Affiliate, amount: number, currency = 'EUR', attrs: Partial<typeof commissions.$inferInsert> = {}) {
  const approvedAt = new Date(h.clock().getTime() - DAY_MS);
  // createCommission reads only the affiliate's member id.
  const owner = { program: w.program, affiliate: who as World['affiliate'] };
  const clawback = amount < 0;
  let clawbackOf: string | null = null;
  if (clawback) {
    const paid = await createCommission(h, owner, { status: 'paid', amount: -amount, payoutAmount: -amount, currency, payoutCurrency: currency, paidAt: approvedAt });
    clawbackOf = paid.id;
  }
  return await createCommission(h, owner, {
    status: 'approved',
    approvedAt,
    kind: clawback ? 'clawback' : 'sale',
    amount,
    currency,
    payoutAmount: amount,
    payoutCurrency: currency,
    clawbackOf,
    refundId: clawback ? `refund-${clawbackOf}` : null,
    ...attrs,
  });
}

/** A connected Stripe account for the affiliate (enabled unless said otherwise), as onboarding leaves it. */
export async function connect(h: Harness, fake: FakeStripe, w: World, who: Affiliate, enabled = true) {
  const account = fake.createAccount({ enabled });
  const [row] = await h.db
    .insert(payoutAccounts)
    .values({
      programId: w.program.id,
      memberId: who.member.id,
      stripeAccountId: account.id,
      payoutsEnabled: enabled,
      detailsSubmitted: enabled,
      status: enabled ? 'enabled' : 'onboarding',
    })
    .returning();
  return row!;
}

/** Log entries of a program (outbox and log), parsed, in order, optionally of some types. */
export async function entriesOf(h: Harness, programId: string, types?: string[]): Promise<any[]> {
  const list = await queryRows<{ entry: string; type: string }>(
    h.db,
    sql`select entry, type from (
          select id as ord, entry, type, program_id from log_outbox
          union all select outbox_id as ord, entry, type, program_id from log_entries) x
        where program_id = ${programId} order by ord`,
  );
  return list.filter((r) => !types || types.includes(r.type)).map((r) => JSON.parse(r.entry));
}
