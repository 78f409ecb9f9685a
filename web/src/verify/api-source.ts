import { api, ApiError, call, fetchText } from '../api/client';
import type { LogSource } from './run';

const MAX_RATE_LIMIT_RETRIES = 5;

/** An affiliate with many entries asks for many proofs: wait out the API's rate limit rather than fail. */
async function patiently<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 429 || attempt >= MAX_RATE_LIMIT_RETRIES) throw err;
      await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
    }
  }
}

/** The log and the affiliate's records as the browser reads them: the same routes the CLI verifier uses. */
export function apiLogSource(programId: string, memberId: string): LogSource {
  const page = (cursor: string | null) => ({ limit: '200', ...(cursor ? { cursor } : {}) });
  return {
    vkey: () => fetchText('/log/vkey', 'text/plain'),
    checkpoint: () => fetchText('/log/checkpoint', 'text/plain'),
    checkpointJws: () => fetchText('/log/checkpoint.jws', 'application/jose'),
    jwks: () => call(api['.well-known']['jwks.json'].$get()),
    inclusionProof: async (index, treeSize) =>
      (await patiently(() => call(api.v1.log.proofs.inclusion.$get({ query: { index: String(index), treeSize: String(treeSize) } })))).proof,
    consistencyProof: async (from, to) => (await patiently(() => call(api.v1.log.proofs.consistency.$get({ query: { from: String(from), to: String(to) } })))).proof,
    receipts: (cursor) => patiently(() => call(api.v1.programs[':programId'].affiliates[':memberId'].receipts.$get({ param: { programId, memberId }, query: page(cursor) }))),
    commissions: (cursor) => patiently(() => call(api.v1.programs[':programId'].commissions.$get({ param: { programId }, query: page(cursor) }))),
  };
}
