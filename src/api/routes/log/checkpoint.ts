import type { OpenAPIHono } from '@hono/zod-openapi';
import { readerFor } from '../../../transparency/log/reader.js';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';
import { rawResponse, TEXT, textBody } from './responses.js';

export const getCheckpointRoute = defineRoute({
  method: 'get',
  path: '/log/checkpoint',
  operationId: 'getLogCheckpoint',
  tags: ['Transparency log'],
  summary: 'The latest checkpoint (C2SP tlog-checkpoint)',
  description:
    'The signed note of the current tree: origin, size and root hash, a blank line, the log’s signature line (verify it with `GET /log/vkey`), ' +
    'then the witness cosignature lines collected for it (C2SP tlog-cosignature). Changes whenever the log grows.',
  access: 'public',
  responses: {
    200: textBody('The signed checkpoint.', 'trellis.localhost/log\n42\nq7m…=\n\n— trellis.localhost/log AbCd…=\n'),
  },
});

export function registerGetLogCheckpoint(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getCheckpointRoute, async (c) => {
    const checkpoint = await readerFor(c.get('deps').db).cosignedCheckpoint();
    return rawResponse(checkpoint.cosignedNote, TEXT, 'no-cache');
  });
}
