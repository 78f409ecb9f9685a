import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { MAX_IMPORT_BYTES } from '../../../core/members/import/chunks.js';
import { createImport } from '../../../core/members/import/imports.js';
import { PayloadTooLargeError, ValidationError } from '../../../errors.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { ImportRunSchema, json, ProgramParams } from './schemas.js';

const FORMAT_BY_TYPE: Record<string, 'csv' | 'ndjson'> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson', 'application/ndjson': 'ndjson' };
const fileBody = z.string().openapi({ format: 'binary' });

export const createImportRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/imports',
  operationId: 'createImport',
  tags: ['Imports'],
  summary: 'Upload a member file to import',
  description:
    'The raw CSV or NDJSON file is the request body (up to 200 MB), streamed into storage; a job imports it. ' +
    '`format` defaults from the Content-Type. With `dryRun=true` every row is checked and reported, nothing is written. See docs/import-export.md.',
  access: ['admin', 'api_key'],
  request: {
    params: ProgramParams,
    query: z.object({
      format: z.enum(['csv', 'ndjson']).optional(),
      dryRun: z.enum(['true', 'false']).optional().openapi({ example: 'false' }),
    }),
    body: { required: true, content: { 'text/csv': { schema: fileBody }, 'application/x-ndjson': { schema: fileBody } } },
  },
  responses: { 202: json(z.object({ id: z.string(), status: ImportRunSchema.shape.status }).openapi('ImportAccepted'), 'Stored and queued.') },
});

/** A web ReadableStream as the async iterable the service reads. */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

export function registerCreateImport(app: OpenAPIHono<AppEnv>) {
  return app.openapi(createImportRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    const query = c.req.valid('query');
    const contentType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const format = query.format ?? FORMAT_BY_TYPE[contentType];
    if (!format) throw new ValidationError([{ field: 'query.format', reason: 'is required when the Content-Type is not text/csv or application/x-ndjson' }]);
    if (Number(c.req.header('content-length') ?? 0) > MAX_IMPORT_BYTES) throw new PayloadTooLargeError(MAX_IMPORT_BYTES);
    const body = c.req.raw.body ? chunksOf(c.req.raw.body) : null;
    const run = await createImport(ctx, { programId, format, dryRun: query.dryRun === 'true', body });
    return c.json({ id: run.id, status: run.status }, 202);
  });
}
