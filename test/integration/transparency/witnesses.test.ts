import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../../../src/transparency/checkpoint.js';
import { cosign, formatWitnessVkey, verifyCosignature } from '../../../src/transparency/cosignature.js';
import { appendLogEntries } from '../../../src/transparency/entries/append.js';
import { sequenceLog } from '../../../src/transparency/log/sequencer.js';
import { collectCosignatures } from '../../../src/transparency/log/witnesses.js';
import { verifyConsistency, type Hash } from '../../../src/transparency/merkle.js';
import { openNote, parseVkey } from '../../../src/transparency/note.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

/**
 * A tiny witness (C2SP tlog-witness add-checkpoint): it remembers the last size and root it
 * cosigned, answers 409 with that size when the log's old size differs, checks the consistency
 * proof and returns an Ed25519 cosignature line.
 */
function startWitness(name: string, privateKey: KeyObject, logVkey: () => string) {
  const state = { size: 0, root: undefined as Hash | undefined, requests: [] as string[] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      state.requests.push(body);
      const answer = (status: number, text: string, type = 'text/plain') => {
        res.writeHead(status, { 'content-type': type });
        res.end(text);
      };
      if (req.method !== 'POST' || req.url !== '/add-checkpoint') return answer(404, 'not found\n');
      const blank = body.indexOf('\n\n');
      const [oldLine, ...proofLines] = body.slice(0, blank).split('\n');
      const note = body.slice(blank + 2);
      let text: string;
      try {
        text = openNote(note, [parseVkey(logVkey())]).text;
      } catch {
        return answer(403, 'bad signature\n');
      }
      const checkpoint = parseCheckpoint(text);
      const oldSize = Number(oldLine!.slice('old '.length));
      if (oldSize !== state.size) return answer(409, `${state.size}\n`, 'text/x.tlog.size');
      const proof = proofLines.map((l) => new Uint8Array(Buffer.from(l, 'base64')));
      if (oldSize > 0 && !verifyConsistency(oldSize, checkpoint.size, proof, state.root!, checkpoint.root)) return answer(422, 'inconsistent\n');
      state.size = checkpoint.size;
      state.root = checkpoint.root;
      answer(200, cosign(text, { name, privateKey }, Math.floor(Date.now() / 1000)) + '\n');
    });
  });
  return { state, server };
}

let h: Harness;
let witness: ReturnType<typeof startWitness>;
let witnessVkey: string;
const name = 'witness.test/w1';

beforeAll(async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'));
  witnessVkey = formatWitnessVkey(name, raw);
  let logVkey = '';
  witness = startWitness(name, privateKey, () => logVkey);
  await new Promise<void>((resolve) => witness.server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(witness.server.address() as AddressInfo).port}`;
  h = await createHarness({
    env: { TRANSPARENCY_SEQUENCE_INTERVAL_MS: '86400000', TRANSPARENCY_WITNESSES: JSON.stringify([{ vkey: witnessVkey, url }]) },
  });
  logVkey = await h.log.vkey();
  // On BullMQ a job scheduler runs once at start: let that run finish before the tests sequence.
  await h.jobs.idle();
});
afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => witness?.server.close(resolve));
});

async function grow(n: number): Promise<void> {
  await appendLogEntries(
    h.ctx(),
    Array.from({ length: n }, (_, i) => ({ type: 'test.entry', v: 1, tenantId: null, programId: null, partnerMemberId: null, body: { i } })),
  );
  await sequenceLog({ db: h.db, clock: h.clock, keys: h.log });
}

const collect = () => collectCosignatures({ db: h.db, logger: h.logger }, h.config.TRANSPARENCY_WITNESSES);

describe('witness cosignatures', () => {
  it('asks the witness to cosign each new checkpoint and serves the cosignature under the log’s signature', async () => {
    await grow(10);
    expect(await collect()).toEqual([{ witness: name, treeSize: 10, status: 'cosigned' }]);
    expect(witness.state.requests.at(-1)).toMatch(/^old 0\n\ntrellis\.localhost\/log\n10\n/);

    await grow(7);
    expect(await collect()).toEqual([{ witness: name, treeSize: 17, status: 'cosigned' }]);
    // old 10, a consistency proof, then the checkpoint.
    expect(witness.state.requests.at(-1)).toMatch(/^old 10\n([A-Za-z0-9+/]{43}=\n)+\ntrellis\.localhost\/log\n17\n/);

    const res = await h.request('GET', '/log/checkpoint');
    const lines = res.body.split('\n');
    const cosignature = lines.find((l: string) => l.startsWith(`— ${name} `));
    expect(cosignature).toBeDefined();
    const body = res.body.slice(0, res.body.indexOf('\n\n') + 1);
    expect(verifyCosignature(cosignature!, body, witnessVkey)).not.toBeNull();
    // The log's own signature still verifies with the cosignature present.
    expect(openNote(res.body, [parseVkey(await h.log.vkey())]).text).toBe(body);
    // Asking again for the same tree size changes nothing.
    expect(await collect()).toEqual([{ witness: name, treeSize: 17, status: 'already_cosigned' }]);
  });

  it('follows a witness that is at another size (409) with a proof from that size', async () => {
    // The witness saw a checkpoint we never stored a cosignature for: it answers 409 with its size.
    await grow(5);
    const cosigned = await collect();
    expect(cosigned[0]!.status).toBe('cosigned');
    await h.db.execute(sql`delete from log_cosignatures where tree_size = 22`);
    await grow(3);
    const requestsBefore = witness.state.requests.length;
    expect(await collect()).toEqual([{ witness: name, treeSize: 25, status: 'cosigned' }]);
    expect(witness.state.requests.slice(requestsBefore).map((r) => r.split('\n')[0])).toEqual(['old 17', 'old 22']);
  });

  it('runs as a job after the sequencer signs a checkpoint', async () => {
    await appendLogEntries(h.ctx(), [{ type: 'test.entry', v: 1, tenantId: null, programId: null, partnerMemberId: null, body: { job: true } }]);
    await h.jobs.enqueue('transparency.sequence', {});
    await h.jobs.idle();
    expect(witness.state.size).toBe(26);
    const res = await h.request('GET', '/log/checkpoint');
    expect(res.body).toContain(`— ${name} `);
  });

  it('reports a witness that refuses, without storing anything', async () => {
    await grow(1);
    witness.state.size = 3; // a witness that has a different view: 409 then 422 (inconsistent)
    witness.state.root = new Uint8Array(32);
    const [outcome] = await collect();
    expect(outcome).toMatchObject({ witness: name, treeSize: 27, status: 'failed' });
    expect(outcome!.reason).toMatch(/422/);
  });
});
