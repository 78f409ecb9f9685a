import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { readerFor } from '../../../transparency/log/reader.js';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';
import { b64, Base64Hash, treeSizeParam } from './schemas.js';

const ConsistencyQuery = z.object({
  from: treeSizeParam('The older tree size.'),
  to: treeSizeParam('The newer tree size; default the latest checkpoint’s.').optional(),
});

export const ConsistencyProofSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    proof: z.array(Base64Hash).openapi({ description: 'RFC 9162 §2.1.4 consistency proof (empty when from is 0 or equals to).' }),
  })
  .openapi('ConsistencyProof');

export const getConsistencyProofRoute = defineRoute({
  method: 'get',
  path: '/v1/log/proofs/consistency',
  operationId: 'getLogConsistencyProof',
  tags: ['Transparency log'],
  summary: 'Consistency proof between two tree sizes',
  description: 'Proves the tree of `to` extends the tree of `from`: nothing was changed or removed. A size beyond the latest checkpoint, or from > to, is 400.',
  access: 'public',
  request: { query: ConsistencyQuery },
  responses: { 200: { description: 'The proof.', content: { 'application/json': { schema: ConsistencyProofSchema } } } },
});

export function registerGetLogConsistencyProof(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getConsistencyProofRoute, async (c) => {
    const q = c.req.valid('query');
    const reader = readerFor(c.get('deps').db);
    const to = q.to ?? (await reader.latestCheckpoint())?.treeSize ?? 0;
    const proof = await reader.consistency(q.from, to);
    c.header('Cache-Control', 'public, max-age=60');
    return c.json({ from: q.from, to, proof: proof.map(b64) }, 200);
  });
}
