import { z } from '@hono/zod-openapi';

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000);

export const OnboardingInputSchema = z
  .strictObject({
    returnUrl: HttpUrl.optional().openapi({
      description: 'Where Stripe sends the affiliate after the form; default `<PUBLIC_URL>/affiliate/payouts?stripe=return`. That page should call the refresh operation.',
      example: 'https://partners.example/affiliate/payouts?stripe=return',
    }),
    refreshUrl: HttpUrl.optional().openapi({
      description: 'Where Stripe sends the affiliate when the link has expired or was used; it should ask for a new link. Default `<PUBLIC_URL>/affiliate/payouts?stripe=refresh`.',
      example: 'https://partners.example/affiliate/payouts?stripe=refresh',
    }),
  })
  .openapi('PayoutAccountOnboardingInput');

export type OnboardingRequest = z.infer<typeof OnboardingInputSchema>;
