import { z } from '@hono/zod-openapi';
import { payoutAccountStatus } from '../../../../db/schema/index.js';

/** Schemas shared by the payout account routes. */

export { json, MemberParams } from '../members/schemas.js';

const Timestamp = z.string().openapi({ example: '2024-01-31T12:00:00.000Z' });

export const PayoutAccountSchema = z
  .object({
    id: z.string().openapi({ example: 'pac_0lz3k8q1a7Xy2Pq9RsT0uV' }),
    programId: z.string(),
    memberId: z.string(),
    stripeAccountId: z.string().openapi({ example: 'acct_1Nv0FGQ9RKHgCVdK' }),
    status: z.enum(payoutAccountStatus.enumValues).openapi({
      description:
        '`onboarding`: the affiliate has not finished Stripe’s form (or Stripe is verifying it); `enabled`: payouts are paid to it; ' +
        '`restricted`: Stripe needs more (see `requirementsDue`); `disabled`: Stripe rejected the account.',
    }),
    payoutsEnabled: z.boolean(),
    detailsSubmitted: z.boolean(),
    requirementsDue: z.array(z.string()).openapi({ description: 'What Stripe asks for now (`requirements.currently_due` and `past_due`).', example: ['external_account'] }),
    disabledReason: z.string().nullable().openapi({ description: 'Stripe’s `requirements.disabled_reason`.', example: 'requirements.past_due' }),
    country: z.string().nullable(),
    defaultCurrency: z.string().nullable(),
    bankPayoutFailure: z
      .object({ stripePayoutId: z.string(), code: z.string().nullable(), message: z.string().nullable(), at: Timestamp })
      .nullable()
      .openapi({ description: 'The last failed payout from the Stripe balance to the affiliate’s bank (`payout.failed`); cleared by a later successful one.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('PayoutAccount');

export const PayoutAccountOnboardingSchema = z
  .object({
    account: PayoutAccountSchema,
    onboardingUrl: z.string().openapi({ description: 'Stripe’s hosted onboarding form; single use, send the affiliate there at once.' }),
    expiresAt: Timestamp.openapi({ description: 'When the link stops working (a few minutes).' }),
  })
  .openapi('PayoutAccountOnboarding');

export type PayoutAccountBody = z.infer<typeof PayoutAccountSchema>;
export type PayoutAccountOnboardingBody = z.infer<typeof PayoutAccountOnboardingSchema>;
