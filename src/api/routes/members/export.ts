import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { exportMembers } from '../../../core/members/export/export-members.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { ProgramParams } from './schemas.js';

const CONTENT_TYPE = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson' } as const;

export const exportMembersRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/members/export',
  operationId: 'exportMembers',
  tags: ['Members'],
  summary: 'Export members as CSV or NDJSON',
  description: 'Streams every member in scope in the import format (docs/import-export.md); importing the file back changes nothing.',
  access: ['admin', 'regional_manager', 'api_key'],
  request: { params: ProgramParams, query: z.object({ format: z.enum(['csv', 'ndjson']).default('csv') }) },
  responses: {
    200: {
      description: 'The member file, streamed.',
      content: { 'text/csv': { schema: z.string() }, 'application/x-ndjson': { schema: z.string() } },
    },
  },
});

export function registerExportMembers(app: OpenAPIHono<AppEnv>) {
  return app.openapi(exportMembersRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    const { format } = c.req.valid('query');
    const lines = await exportMembers(ctx, { programId, format });
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await lines.return(undefined);
      },
    });
    c.header('content-type', CONTENT_TYPE[format]);
    c.header('content-disposition', `attachment; filename="members-${programId}.${format === 'csv' ? 'csv' : 'ndjson'}"`);
    return c.body(stream, 200);
  });
}
