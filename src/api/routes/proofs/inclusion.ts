import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { ValidationError } from '../../../errors.js';
import { readerFor } from '../../../transparency/log/reader.js';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';
import { b64, Base64Hash, treeSizeParam } from './schemas.js';

const InclusionQuery = z.object({
  treeSize: treeSizeParam('The tree to prove inclusion in; default the latest checkpoint’s.').optional(),
  index: treeSizeParam('The entry’s index (give this or entryHash).').optional(),
  entryHash: z.string().optional().openapi({ description: 'The entry’s leaf hash, SHA-256(0x00 || entry), in base64 (e.g. from a receipt).' }),
});

export const InclusionProofSchema = z
  .object({
    index: z.number().int(),
    treeSize: z.number().int(),
    leafHash: Base64Hash,
    proof: z.array(Base64Hash).openapi({ description: 'RFC 9162 §2.1.3 inclusion proof, leaf side first.' }),
    checkpoint: z.string().optional().openapi({ description: 'The signed checkpoint of treeSize, when the log signed one of that size.' }),
  })
  .openapi('InclusionProof');

export const getInclusionProofRoute = defineRoute({
  method: 'get',
  path: '/v1/log/proofs/inclusion',
  operationId: 'getLogInclusionProof',
  tags: ['Transparency log'],
  summary: 'Inclusion proof of a log entry',
  description:
    'Proves that entry `index` (or the entry whose leaf hash is `entryHash`) is in the tree of `treeSize`. Verify it against the root of a checkpoint ' +
    'you verified with the log’s vkey. A tree size beyond the latest checkpoint is 400; an entryHash not (yet) in the log is 404.',
  access: 'public',
  request: { query: InclusionQuery },
  responses: { 200: { description: 'The proof.', content: { 'application/json': { schema: InclusionProofSchema } } } },
});

export function registerGetLogInclusionProof(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getInclusionProofRoute, async (c) => {
    const q = c.req.valid('query');
    if ((q.index === undefined) === (q.entryHash === undefined)) throw new ValidationError([{ field: 'index', reason: 'give exactly one of index and entryHash' }]);
    let leafHash: Uint8Array | undefined;
    if (q.entryHash !== undefined) {
      leafHash = new Uint8Array(Buffer.from(q.entryHash, 'base64'));
      if (leafHash.length !== 32 || b64(leafHash) !== q.entryHash) throw new ValidationError([{ field: 'entryHash', reason: 'must be a 32-byte hash in standard base64' }]);
    }
    const proof = await readerFor(c.get('deps').db).inclusion({ index: q.index, leafHash, treeSize: q.treeSize });
    c.header('Cache-Control', 'public, max-age=60');
    return c.json(
      { index: proof.index, treeSize: proof.treeSize, leafHash: b64(proof.leafHash), proof: proof.proof.map(b64), ...(proof.checkpoint ? { checkpoint: proof.checkpoint.note } : {}) },
      200,
    );
  });
}
