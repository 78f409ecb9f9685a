import { compactVerify, createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckpoint, type Checkpoint } from '../../../src/transparency/checkpoint.js';
import { appendLogEntries } from '../../../src/transparency/entries/append.js';
import { signReceipt, verifyReceipt } from '../../../src/transparency/log/receipts.js';
import { sequenceLog } from '../../../src/transparency/log/sequencer.js';
import { leafHash, rootOf, treeRoot, verifyConsistency, verifyInclusion, type Hash } from '../../../src/transparency/merkle.js';
import { openNote, parseVkey } from '../../../src/transparency/note.js';
import { decodeEntryBundle, entriesPath, nodeReaderFromTiles, tilePath, tilesOfTree, type TileRef } from '../../../src/transparency/tiles.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
/** Root of every tree size the log signed a checkpoint for, from the verified checkpoints. */
const roots = new Map<number, Hash>();
let vkey: string;

beforeAll(async () => {
  h = await createHarness({ env: { TRANSPARENCY_SEQUENCE_INTERVAL_MS: '86400000' } });
  // On BullMQ a job scheduler runs once at start: let that run finish before the tests sequence.
  await h.jobs.idle();
  // Grown in steps, so there are older checkpoints to prove consistency from; 600 entries give
  // full and partial level-0 tiles and a partial level-1 tile.
  let n = 0;
  for (const step of [100, 412, 88]) {
    await appendLogEntries(
      h.ctx(),
      Array.from({ length: step }, () => ({ type: 'test.entry', v: 1, tenantId: null, programId: null, partnerMemberId: null, body: { n: n++ } })),
    );
    await sequenceLog({ db: h.db, clock: h.clock, keys: h.log });
    const cp = await checkpoint();
    roots.set(cp.size, cp.root);
  }
});
afterAll(async () => h?.close());

async function checkpoint(): Promise<Checkpoint> {
  const res = await h.request('GET', '/log/checkpoint');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  vkey = (await h.request('GET', '/log/vkey')).body.trim();
  return parseCheckpoint(openNote(res.body, [parseVkey(vkey)]).text);
}

async function get(path: string): Promise<Response> {
  return await h.app.request(path);
}

async function fetchBytes(path: string): Promise<Uint8Array> {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/octet-stream');
  return new Uint8Array(await res.arrayBuffer());
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

describe('the published log', () => {
  it('serves a checkpoint that verifies with the vkey, and the same checkpoint as a JWS under the JWKS', async () => {
    const cp = await checkpoint();
    expect(cp).toMatchObject({ origin: 'trellis.localhost/log', size: 600 });
    expect((await h.request('GET', '/log/checkpoint')).headers.get('cache-control')).toBe('no-cache');

    const jws = await h.request('GET', '/log/checkpoint.jws');
    expect(jws.status).toBe(200);
    const jwks = await h.request('GET', '/.well-known/jwks.json');
    const { payload, protectedHeader } = await compactVerify(jws.body, createLocalJWKSet(jwks.body));
    expect(protectedHeader.kid).toMatch(/^tlog_/);
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ origin: cp.origin, size: 600, root: b64(cp.root) });
  });

  it('serves every tile and entry bundle of the tree; they rebuild the checkpoint’s root', async () => {
    const cp = await checkpoint();
    const { hash, entries } = tilesOfTree(cp.size);
    const tiles = new Map<string, Uint8Array>();
    for (const t of hash) {
      const res = await get(`/log/${tilePath(t)}`);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      tiles.set(tilePath(t), await fetchBytes(`/log/${tilePath(t)}`));
    }
    const read = nodeReaderFromTiles(cp.size, async (t: TileRef) => tiles.get(tilePath(t))!);
    expect(b64(await treeRoot(cp.size, read))).toBe(b64(cp.root));

    const leaves: Hash[] = [];
    for (const bundle of entries) {
      for (const entry of decodeEntryBundle(await fetchBytes(`/log/${entriesPath(bundle.index, bundle.width)}`))) leaves.push(leafHash(entry));
    }
    expect(leaves).toHaveLength(cp.size);
    expect(b64(rootOf(leaves))).toBe(b64(cp.root));
    expect(JSON.parse(new TextDecoder().decode(decodeEntryBundle(await fetchBytes('/log/tile/entries/000'))[5]!))).toMatchObject({ type: 'test.entry', v: 1, n: 5 });
  });

  it('serves partial tiles the tree has reached, and 404s (with the envelope) tiles beyond it or not canonical', async () => {
    // Tree size 600: level 0 has tiles 0, 1 full and tile 2 of width 88; level 1 has one tile of width 2.
    expect((await fetchBytes('/log/tile/0/002.p/88')).length).toBe(88 * 32);
    // An older tree's partial tile is a prefix of the current one (tlog-tiles: served for every checkpoint).
    expect(b64(await fetchBytes('/log/tile/0/001.p/156'))).toBe(b64((await fetchBytes('/log/tile/0/001')).subarray(0, 156 * 32)));
    for (const path of ['/log/tile/0/002.p/89', '/log/tile/0/002', '/log/tile/0/003.p/1', '/log/tile/1/000', '/log/tile/2/000.p/1', '/log/tile/entries/002.p/89', '/log/tile/entries/003']) {
      const res = await h.request('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    for (const path of ['/log/tile/0/2', '/log/tile/0/002.p/0', '/log/tile/0/002.p/256', '/log/tile/00/000', '/log/tile/0/x000/001', '/log/tile/x/000']) {
      expect((await h.request('GET', path)).status, path).toBe(404);
    }
  });

  it('returns inclusion proofs that verify, by index and by entry hash', async () => {
    const cp = await checkpoint();
    for (const index of [0, 1, 255, 256, 511, 599]) {
      const res = await h.request('GET', `/v1/log/proofs/inclusion?index=${index}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ index, treeSize: 600 });
      expect(verifyInclusion(fromB64(res.body.leafHash), index, 600, res.body.proof.map(fromB64), cp.root)).toBe(true);
      expect(openNote(res.body.checkpoint, [parseVkey(vkey)]).text).toContain('\n600\n');
    }
    // In an older tree, against that tree's root.
    const older = await h.request('GET', '/v1/log/proofs/inclusion?index=42&treeSize=100');
    expect(verifyInclusion(fromB64(older.body.leafHash), 42, 100, older.body.proof.map(fromB64), roots.get(100)!)).toBe(true);

    // By the leaf hash a receipt names.
    const byIndex = await h.request('GET', '/v1/log/proofs/inclusion?index=300');
    const receipt = await signReceipt(h.log, { leafHash: fromB64(byIndex.body.leafHash), recordedAt: new Date() });
    const claims = verifyReceipt(receipt, (await h.request('GET', '/.well-known/jwks.json')).body);
    expect(claims).toMatchObject({ origin: 'trellis.localhost/log' });
    const byHash = await h.request('GET', `/v1/log/proofs/inclusion?entryHash=${encodeURIComponent(b64(claims!.leafHash))}`);
    expect(byHash.status).toBe(200);
    expect(byHash.body.index).toBe(300);
    expect(verifyInclusion(claims!.leafHash, 300, 600, byHash.body.proof.map(fromB64), cp.root)).toBe(true);
    expect(verifyReceipt(receipt.slice(0, -2) + 'AA', { keys: [] })).toBeNull();
  });

  it('returns consistency proofs that verify between the signed tree sizes', async () => {
    for (const [from, to] of [
      [100, 600],
      [100, 512],
      [512, 600],
      [600, 600],
    ] as const) {
      const res = await h.request('GET', `/v1/log/proofs/consistency?from=${from}&to=${to}`);
      expect(res.status).toBe(200);
      expect(verifyConsistency(from, to, res.body.proof.map(fromB64), roots.get(from)!, roots.get(to)!)).toBe(true);
    }
    const toLatest = await h.request('GET', '/v1/log/proofs/consistency?from=100');
    expect(toLatest.body.to).toBe(600);
  });

  it('refuses tree sizes beyond the latest checkpoint and malformed queries with the error envelope', async () => {
    for (const path of [
      '/v1/log/proofs/inclusion?index=1&treeSize=601',
      '/v1/log/proofs/inclusion?index=600',
      '/v1/log/proofs/inclusion',
      '/v1/log/proofs/inclusion?index=1&entryHash=AAAA',
      '/v1/log/proofs/inclusion?index=-1',
      '/v1/log/proofs/consistency?from=1&to=601',
      '/v1/log/proofs/consistency?from=7&to=3',
      '/v1/log/proofs/consistency',
    ]) {
      const res = await h.request('GET', path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe('validation_failed');
    }
    const unknown = await h.request('GET', `/v1/log/proofs/inclusion?entryHash=${encodeURIComponent(b64(new Uint8Array(32)))}`);
    expect(unknown.status).toBe(404);
  });
});
