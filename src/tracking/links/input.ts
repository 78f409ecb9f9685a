import { z } from '@hono/zod-openapi';
import { listOrderSchema, pageInputSchema } from '../../core/pagination.js';

/**
 * Link input shapes. They check form only; destinations against the allowed hosts, slugs against
 * the reserved list and uniqueness are checked by the services, which the seed and CLI call too.
 */

const ParamValue = z.string().min(1).max(200);

/** Parameters a link may append to its destination: UTM, and sub1..sub5 for the affiliate's own tracking. */
export const LinkParamsSchema = z
  .strictObject({
    utm_source: ParamValue.optional(),
    utm_medium: ParamValue.optional(),
    utm_campaign: ParamValue.optional(),
    utm_term: ParamValue.optional(),
    utm_content: ParamValue.optional(),
    sub1: ParamValue.optional(),
    sub2: ParamValue.optional(),
    sub3: ParamValue.optional(),
    sub4: ParamValue.optional(),
    sub5: ParamValue.optional(),
  })
  .openapi('LinkParams', { example: { utm_source: 'newsletter', sub1: 'spring-post' } });

const DestinationSchema = z.string().min(1).max(4096).openapi({ example: 'https://shop.example.com/spring-sale' });

// Keys and URLs are checked by the service (checkCountryDestinations) so each issue names its country.
const CountryDestinationsSchema = z
  .record(z.string(), z.string())
  .openapi({ description: 'Visitor country (ISO alpha-2) -> destination, at most 50.', example: { DE: 'https://shop.example.com/de/spring-sale' } });

const SlugSchema = z.string().min(1).max(200).openapi({ description: 'A custom slug (3-64 of A-Z a-z 0-9 _ -); generated when absent.', example: 'spring-sale' });
const TitleSchema = z.string().trim().min(1).max(200).openapi({ example: 'Spring sale banner' });

export const LinkCreateInputSchema = z
  .strictObject({
    destinationUrl: DestinationSchema,
    slug: SlugSchema.optional(),
    title: TitleSchema.nullish(),
    countryDestinations: CountryDestinationsSchema.optional(),
    params: LinkParamsSchema.optional(),
    ownerMemberId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: 'The approved affiliate who owns the link. Staff and API keys must give it; affiliates own their links.' }),
  })
  .openapi('LinkCreateInput');

export const LinkUpdateInputSchema = z
  .strictObject({
    destinationUrl: DestinationSchema.optional(),
    slug: SlugSchema.optional(),
    title: TitleSchema.nullable().optional(),
    countryDestinations: CountryDestinationsSchema.optional().openapi({ description: 'Replaces all overrides; {} removes them.' }),
    params: LinkParamsSchema.optional().openapi({ description: 'Replaces all parameters; {} removes them.' }),
  })
  .openapi('LinkUpdateInput');

export const LINK_KINDS = ['affiliate', 'invite'] as const;
export const LINK_STATUSES = ['active', 'archived'] as const;

export const LinkListQuerySchema = pageInputSchema.extend({
  ownerMemberId: z.string().min(1).max(64).optional(),
  kind: z.enum(LINK_KINDS).optional(),
  status: z.enum(LINK_STATUSES).optional(),
  q: z.string().trim().min(1).max(64).optional().openapi({ description: 'Prefix of the slug (case-sensitive) or of the title (any case).' }),
  order: listOrderSchema.optional(),
});

export const InviteLinkInputSchema = z
  .strictObject({
    memberId: z.string().min(1).max(64).optional().openapi({ description: 'Whose invite link; staff and API keys must give it, members get their own.' }),
  })
  .openapi('InviteLinkInput');

export type LinkCreateInput = z.infer<typeof LinkCreateInputSchema>;
export type LinkUpdateInput = z.infer<typeof LinkUpdateInputSchema>;
export type LinkListQuery = z.input<typeof LinkListQuerySchema>;
export type InviteLinkInput = z.infer<typeof InviteLinkInputSchema>;
