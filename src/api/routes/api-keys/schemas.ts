import { z } from '@hono/zod-openapi';
import type { ApiKeyView } from '../../../core/auth/api-keys.js';
import { iso, isoOrNull, pathParam } from '../../pagination.js';
import { ProgramParamsSchema } from '../programs/schemas.js';

export const ApiKeyParamsSchema = ProgramParamsSchema.extend({ keyId: pathParam('keyId') });

export const ApiKeySchema = z
  .object({
    id: z.string().openapi({ example: 'key_0lz3k8q1aXy2Pq9RsT0uV' }),
    programId: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first characters of the secret, to tell keys apart.', example: 'trl_Ab3dE6gH' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

export const apiKeyJson = (k: ApiKeyView): z.infer<typeof ApiKeySchema> => ({
  ...k,
  createdAt: iso(k.createdAt),
  lastUsedAt: isoOrNull(k.lastUsedAt),
  revokedAt: isoOrNull(k.revokedAt),
});
