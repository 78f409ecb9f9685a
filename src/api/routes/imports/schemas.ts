import { z } from '@hono/zod-openapi';

/** Schemas of the member import routes. */

export const ProgramParams = z.object({ programId: z.string().min(1).max(64) });
export const ImportParams = ProgramParams.extend({ importId: z.string().min(1).max(64) });

const Timestamp = z.string().openapi({ example: '2024-01-31T12:00:00.000Z' });

export const ImportRowErrorSchema = z
  .object({
    line: z.number().int().openapi({ example: 42 }),
    field: z.string().optional().openapi({ example: 'email' }),
    reason: z.string().openapi({ example: 'must be a valid email address' }),
  })
  .openapi('ImportRowError');

export const ImportRunSchema = z
  .object({
    id: z.string().openapi({ example: 'imp_0lz3k8q1a7Xy2Pq9RsT0uV' }),
    programId: z.string(),
    format: z.enum(['csv', 'ndjson']),
    dryRun: z.boolean(),
    status: z.enum(['uploading', 'queued', 'running', 'completed', 'failed']),
    byteSize: z.number().int(),
    totalRows: z.number().int().nullable(),
    processedRows: z.number().int(),
    insertedRows: z.number().int(),
    updatedRows: z.number().int(),
    unchangedRows: z.number().int(),
    failedRows: z.number().int(),
    failureReason: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: Timestamp,
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
  })
  .openapi('ImportRun');

export const ImportRunDetailSchema = ImportRunSchema.extend({
  errors: z.object({ data: z.array(ImportRowErrorSchema), nextCursor: z.string().nullable() }),
}).openapi('ImportRunDetail');

export const ImportRunPageSchema = z.object({ data: z.array(ImportRunSchema), nextCursor: z.string().nullable() }).openapi('ImportRunPage');

export const json = <S extends z.ZodType>(schema: S, description: string) => ({ description, content: { 'application/json': { schema } } });
