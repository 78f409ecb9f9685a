import { z } from '@hono/zod-openapi';
import { AFFILIATE_STATUSES } from '../../../core/members/affiliates.js';
import { CUSTOM_FIELD_TYPES } from '../../../core/members/definitions.js';
import { MEMBER_STATUSES } from '../../../core/members/member-input.js';
import { pathParam } from '../../pagination.js';

/** Response and path schemas shared by the members, affiliates, custom-fields and tags routes. */

export const ProgramParams = z.object({ programId: pathParam('programId') });
export const MemberParams = ProgramParams.extend({ memberId: pathParam('memberId') });
export const FieldKeyParams = ProgramParams.extend({ fieldKey: pathParam('fieldKey') });
// The tag format is checked by the service so the error names `path.tag` with the house wording.
export const MemberTagParams = MemberParams.extend({ tag: z.string().min(1).max(200).openapi({ param: { name: 'tag', in: 'path' }, example: 'vip' }) });

const Timestamp = z.string().openapi({ example: '2024-01-31T12:00:00.000Z' });

export const MemberSchema = z
  .object({
    id: z.string().openapi({ example: 'mem_0lz3k8q1a7Xy2Pq9RsT0uV' }),
    programId: z.string(),
    externalId: z.string().nullable(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    birthday: z.string().nullable(),
    country: z.string().nullable(),
    locale: z.string().nullable(),
    source: z.string(),
    status: z.enum(MEMBER_STATUSES),
    customFields: z.record(z.string(), z.unknown()),
    tierId: z.string().nullable(),
    tierAchievedAt: Timestamp.nullable(),
    tierExpiresAt: Timestamp.nullable(),
    referredByMemberId: z.string().nullable(),
    tags: z.array(z.string()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Member');

export const AffiliateProfileSchema = z
  .object({
    status: z.enum(AFFILIATE_STATUSES),
    statusReason: z.string().nullable(),
    website: z.string().nullable(),
    payoutDetails: z.record(z.string(), z.unknown()).nullable(),
    decidedAt: Timestamp.nullable(),
    decidedBy: z.string().nullable().openapi({ description: 'The staff user who decided (null for affiliates and members reading it).' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('AffiliateProfile');

export const AffiliateSchema = MemberSchema.extend({ affiliate: AffiliateProfileSchema }).openapi('Affiliate');

export const CustomFieldSchema = z
  .object({
    key: z.string().openapi({ example: 'shoe_size' }),
    label: z.string(),
    type: z.enum(CUSTOM_FIELD_TYPES),
    required: z.boolean(),
    enumValues: z.array(z.string()).nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('CustomField');

export const MemberTagsSchema = z.object({ memberId: z.string(), tags: z.array(z.string()), changed: z.boolean() }).openapi('MemberTags');
export const TagCountSchema = z.object({ tag: z.string(), count: z.number().int() }).openapi('TagCount');

export { pageSchema as pageOf } from '../../pagination.js';

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
