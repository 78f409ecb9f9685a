import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';
import { binaryBody } from './responses.js';
import { serveTile } from './tile.js';

export const getEntryBundleRoute = defineRoute({
  method: 'get',
  path: '/log/tile/entries/{tileIndex}',
  operationId: 'getLogEntryBundle',
  tags: ['Transparency log'],
  summary: 'An entry bundle (C2SP tlog-tiles)',
  description:
    'Entries 256×N to 256×N + width − 1, each a big-endian uint16 length then the entry’s bytes (canonical JSON). `tileIndex` is encoded as for ' +
    'hash tiles, with `.p/<width>` for a partial bundle. Each entry hashes (SHA-256 of 0x00 || entry) to its hash in the level-0 tile.',
  access: 'public',
  request: { params: z.object({ tileIndex: z.string().openapi({ param: { name: 'tileIndex', in: 'path' }, example: '000.p/12' }) }) },
  responses: { 200: binaryBody('The entry bundle.') },
});

export function registerGetLogEntryBundle(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerPath(getEntryBundleRoute);
  app.get('/log/tile/entries/*', serveTile);
}
