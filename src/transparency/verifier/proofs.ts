import type { Hash } from '../merkle.js';
import type { LogClient } from './fetch.js';
import { VerificationFailure } from './report.js';

/** Proofs are lists of base64 hashes; anything else is the log's fault, said in one line. */
function hashes(value: unknown, what: string): Hash[] {
  if (!Array.isArray(value) || !value.every((h) => typeof h === 'string')) throw new VerificationFailure(`${what}: the answer has no list of base64 hashes`);
  return value.map((h) => {
    const bytes = new Uint8Array(Buffer.from(h as string, 'base64'));
    if (bytes.length !== 32) throw new VerificationFailure(`${what}: a proof hash is not 32 bytes`);
    return bytes;
  });
}

export async function fetchConsistencyProof(client: LogClient, size1: number, size2: number): Promise<Hash[]> {
  const body = await client.json(`/v1/log/proofs/consistency?from=${size1}&to=${size2}`);
  return hashes(body?.proof, `consistency proof ${size1} -> ${size2}`);
}

export async function fetchInclusionProof(client: LogClient, index: number, treeSize: number): Promise<Hash[]> {
  const body = await client.json(`/v1/log/proofs/inclusion?index=${index}&treeSize=${treeSize}`);
  return hashes(body?.proof, `inclusion proof of entry ${index} in size ${treeSize}`);
}
