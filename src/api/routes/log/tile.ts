import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { NotFoundError } from '../../../errors.js';
import { readerFor } from '../../../transparency/log/reader.js';
import { parseTilePath } from '../../../transparency/tiles.js';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';
import { binaryBody, IMMUTABLE, OCTETS, rawResponse } from './responses.js';

export const getHashTileRoute = defineRoute({
  method: 'get',
  path: '/log/tile/{level}/{tileIndex}',
  operationId: 'getLogHashTile',
  tags: ['Transparency log'],
  summary: 'A hash tile (C2SP tlog-tiles)',
  description:
    'Up to 256 consecutive 32-byte hashes of tree level 8×`level`. `tileIndex` is the tile index in 3-digit path elements, all but the last ' +
    'prefixed with `x` (`x001/x234/067`), followed by `.p/<width>` for a partial tile. A partial tile is served for any width the tree has ' +
    'reached (its hashes never change as the tree grows); a tile beyond the current tree is 404.',
  access: 'public',
  request: {
    params: z.object({
      level: z.string().openapi({ param: { name: 'level', in: 'path' }, example: '0' }),
      tileIndex: z.string().openapi({ param: { name: 'tileIndex', in: 'path' }, example: 'x001/234.p/7' }),
    }),
  },
  responses: { 200: binaryBody('The concatenated hashes (width × 32 bytes).') },
});

/** Serves a parsed tile path; shared by this route and the entry bundle route under the same wildcard. */
export async function serveTile(c: Context<AppEnv>): Promise<Response> {
  const parsed = parseTilePath(c.req.path.slice('/log/'.length));
  if (!parsed) throw new NotFoundError('Tile');
  const reader = readerFor(c.get('deps').db);
  const body = parsed.kind === 'hash' ? await reader.hashTile(parsed.level, parsed.index, parsed.width) : await reader.entryBundle(parsed.index, parsed.width);
  if (!body) throw new NotFoundError(parsed.kind === 'hash' ? 'Tile' : 'Entry bundle', c.req.path.slice('/log/'.length));
  return rawResponse(body, OCTETS, IMMUTABLE);
}

export function registerGetLogHashTile(app: OpenAPIHono<AppEnv>) {
  // The index spans several path segments, which an OpenAPI path template cannot say: documented
  // above, routed by a wildcard and parsed strictly (non-canonical paths are 404).
  app.openAPIRegistry.registerPath(getHashTileRoute);
  app.get('/log/tile/*', serveTile);
}
