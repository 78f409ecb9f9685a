import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { logCosignatures } from '../../../db/schema/index.js';
import type { Logger } from '../../logger.js';
import { verifyCosignature } from '../cosignature.js';
import { readerFor } from './reader.js';
import type { StoredCheckpoint } from './storage.js';

/** A witness the log asks to cosign its checkpoints (TRANSPARENCY_WITNESSES). */
export interface WitnessConfig {
  /** The witness's cosigner vkey (C2SP tlog-cosignature, `<name>+<key id>+<base64>`). */
  vkey: string;
  /** Its submission prefix: the log POSTs to `<url>/add-checkpoint`. */
  url: string;
}

export interface WitnessOutcome {
  witness: string;
  treeSize: number;
  status: 'cosigned' | 'already_cosigned' | 'failed';
  reason?: string;
}

const REQUEST_TIMEOUT_MS = 10_000;

/** The witness's name: the vkey's first field. */
export function witnessName(vkey: string): string {
  return vkey.slice(0, vkey.indexOf('+'));
}

/**
 * Asks every witness to cosign the latest checkpoint (C2SP tlog-witness `add-checkpoint`) and
 * stores the cosignature lines that verify against the witness's vkey; `GET /log/checkpoint`
 * then serves them under the log's signature. A witness at another size (409) is asked again
 * once, with a consistency proof from the size it reports.
 */
export async function collectCosignatures(
  deps: { db: Db; logger: Logger; fetch?: typeof fetch },
  witnesses: readonly WitnessConfig[],
): Promise<WitnessOutcome[]> {
  const checkpoint = await readerFor(deps.db).latestCheckpoint({ fresh: true });
  if (!checkpoint || witnesses.length === 0) return [];
  const outcomes: WitnessOutcome[] = [];
  for (const witness of witnesses) {
    const name = witnessName(witness.vkey);
    try {
      outcomes.push(await askWitness(deps, witness, name, checkpoint));
    } catch (err) {
      deps.logger.warn({ err, witness: name, treeSize: checkpoint.treeSize }, 'witness did not cosign');
      outcomes.push({ witness: name, treeSize: checkpoint.treeSize, status: 'failed', reason: (err as Error).message });
    }
  }
  return outcomes;
}

async function askWitness(
  deps: { db: Db; logger: Logger; fetch?: typeof fetch },
  witness: WitnessConfig,
  name: string,
  checkpoint: StoredCheckpoint,
): Promise<WitnessOutcome> {
  const done = (status: WitnessOutcome['status']): WitnessOutcome => ({ witness: name, treeSize: checkpoint.treeSize, status });
  const [last] = await deps.db
    .select({ treeSize: logCosignatures.treeSize })
    .from(logCosignatures)
    .where(eq(logCosignatures.witness, name))
    .orderBy(desc(logCosignatures.treeSize))
    .limit(1);
  if (last && last.treeSize >= checkpoint.treeSize) {
    const [same] = await deps.db
      .select({ treeSize: logCosignatures.treeSize })
      .from(logCosignatures)
      .where(and(eq(logCosignatures.witness, name), eq(logCosignatures.treeSize, checkpoint.treeSize)));
    if (same) return done('already_cosigned');
  }
  let oldSize = last && last.treeSize <= checkpoint.treeSize ? last.treeSize : 0;
  for (let attempt = 0; ; attempt++) {
    const res = await (deps.fetch ?? fetch)(`${witness.url.replace(/\/+$/, '')}/add-checkpoint`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: await addCheckpointBody(deps.db, oldSize, checkpoint),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    if (res.status === 409 && attempt === 0) {
      // The witness last cosigned another size; it tells us which, and we prove from there.
      const size = /^(0|[1-9][0-9]*)\n?$/.exec(text) ? Number(text.trim()) : NaN;
      if (!Number.isSafeInteger(size) || size > checkpoint.treeSize) {
        throw new Error(`witness answered 409 with size ${JSON.stringify(text.slice(0, 40))}, beyond our tree size ${checkpoint.treeSize}`);
      }
      oldSize = size;
      continue;
    }
    if (res.status !== 200) throw new Error(`witness answered ${res.status}: ${text.slice(0, 200)}`);
    const body = checkpointBody(checkpoint.note);
    const line = text.split('\n').find((l) => l.startsWith('— ') && verifyCosignature(l, body, witness.vkey) !== null);
    if (!line) throw new Error('the witness answered 200 without a cosignature that verifies against its vkey');
    await deps.db.insert(logCosignatures).values({ treeSize: checkpoint.treeSize, witness: name, signatureLine: line }).onConflictDoNothing();
    return done('cosigned');
  }
}

/** `old <size>`, the consistency proof lines, an empty line, then the signed checkpoint. */
async function addCheckpointBody(db: Db, oldSize: number, checkpoint: StoredCheckpoint): Promise<string> {
  const proof = await readerFor(db).consistency(oldSize, checkpoint.treeSize);
  return `old ${oldSize}\n${proof.map((h) => Buffer.from(h).toString('base64') + '\n').join('')}\n${checkpoint.note}`;
}

/** The checkpoint text a signature covers: the note up to its blank separator line. */
function checkpointBody(note: string): string {
  return note.slice(0, note.indexOf('\n\n') + 1);
}
