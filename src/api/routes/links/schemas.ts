import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { LINK_KINDS, LINK_STATUSES, LinkParamsSchema } from '../../../tracking/links/input.js';
import type { AppEnv } from '../../env.js';
import { pathParam } from '../../pagination.js';

/** Response and path schemas shared by the links and invite-link routes. */

export const ProgramParams = z.object({ programId: pathParam('programId') });
export const LinkIdParams = z.object({ linkId: pathParam('linkId') });

const Timestamp = z.string().openapi({ example: '2024-01-31T12:00:00.000Z' });

export const LinkSchema = z
  .object({
    id: z.string().openapi({ example: 'lnk_0lz3k8q1a7Xy2Pq9RsT0uV' }),
    programId: z.string(),
    ownerMemberId: z.string(),
    kind: z.enum(LINK_KINDS),
    domain: z.string().openapi({ description: "The host the short link is served on; '' is the instance's shared host." }),
    slug: z.string().openapi({ example: 'spring-sale' }),
    customSlug: z.boolean(),
    shortUrl: z.string().openapi({ example: 'https://go.example.com/r/spring-sale' }),
    inviteUrl: z
      .string()
      .nullable()
      .openapi({ example: 'https://go.example.com/i/x7Gq2LmP', description: 'Invite links: the page friends see first (localised, `GET /i/{slug}`), whose button follows `shortUrl`. Null for affiliate links.' }),
    title: z.string().nullable(),
    destinationUrl: z.string().nullable().openapi({ description: "Null for invite links: they go to the program's inviteDestinationUrl." }),
    countryDestinations: z.record(z.string(), z.string()),
    params: LinkParamsSchema,
    status: z.enum(LINK_STATUSES),
    archivedAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Link');

/** A link as the API returns it (tests read responses with it). */
export type LinkBody = z.infer<typeof LinkSchema>;

export { pageSchema as pageOf } from '../../pagination.js';

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** Where short links on the shared host live: PUBLIC_URL (resolved in config), never the request's Host header. */
export function publicBaseUrl(c: Context<AppEnv>): string {
  return c.get('deps').config.PUBLIC_URL;
}
