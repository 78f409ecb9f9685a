import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../../src/transparency/canonical-json.js';
import { formatCheckpoint } from '../../../src/transparency/checkpoint.js';
import { consistencyProof, inclusionProof, leafHash, rootOf, type NodeReader } from '../../../src/transparency/merkle.js';
import { ed25519NoteSigner, ed25519PublicKeyBytes, formatVkey, signNote } from '../../../src/transparency/note.js';
import type { DashboardCommission } from '../../../web/src/verify/dashboard.js';
import type { ListedEntry } from '../../../web/src/verify/entries.js';
import type { LogSource } from '../../../web/src/verify/run.js';

/**
 * A log built with the server's own code (canonical JSON, RFC 9162 proofs, signed-note
 * checkpoints, receipts), served through the browser verifier's LogSource: what the web
 * modules check is what the real log produces.
 */

export const ORIGIN = 'test.trellis/log';
export const MEMBER = 'mem_ana';
const PROGRAM = 'prg_demo';
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

function signCompactJws(payload: object, kid: string, key: KeyObject, typ = 'trellis-receipt+jws'): string {
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid, typ })).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${header}.${body}.${sign(null, Buffer.from(`${header}.${body}`), key).toString('base64url')}`;
}

export function commissionEntry(commissionId: string, status: string, amount: number, type = 'commission.created', partnerMemberId = MEMBER) {
  return {
    amount,
    at: '2026-12-01T10:00:00.000Z',
    commissionId,
    conversionId: `cnv_${commissionId}`,
    currency: 'EUR',
    fxRate: '1',
    holdReasons: [],
    kind: 'sale',
    market: 'DE',
    multiplierBps: 10000,
    partnerMemberId,
    payoutAmount: amount,
    payoutCurrency: 'EUR',
    payoutReversedAmount: 0,
    policyVersionId: 'pv_1',
    programId: PROGRAM,
    reason: 'conversion_processed',
    reversedAmount: 0,
    status,
    type,
    v: 1,
  };
}

export class FakeLog {
  readonly privateKey: KeyObject;
  readonly vkey: string;
  readonly kid = 'tlog_test0001';
  /** Entry texts in log order, and who they belong to. */
  readonly texts: string[] = [];
  readonly owners: (string | null)[] = [];
  /** The tree size the latest checkpoint covers (entries beyond it are receipted, not yet sequenced). */
  size = 0;
  /** Test hooks to make the served data lie. */
  tamper: { entry?: (e: ListedEntry) => ListedEntry; checkpointNote?: (note: string) => string; dashboard?: (c: DashboardCommission[]) => DashboardCommission[] } = {};

  constructor(privateKey?: KeyObject) {
    this.privateKey = privateKey ?? generateKeyPairSync('ed25519').privateKey;
    this.vkey = formatVkey(ORIGIN, ed25519PublicKeyBytes(this.privateKey));
  }

  append(entry: object, owner: string | null = MEMBER): void {
    this.texts.push(canonicalJson(entry));
    this.owners.push(owner);
  }

  sequence(): void {
    this.size = this.texts.length;
  }

  leaves(n = this.size): Uint8Array[] {
    return this.texts.slice(0, n).map((t) => leafHash(new TextEncoder().encode(t)));
  }

  private reader(): NodeReader {
    const leaves = this.leaves(this.texts.length);
    return async (refs) => refs.map(({ level, index }) => rootOf(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)));
  }

  note(): string {
    const text = formatCheckpoint({ origin: ORIGIN, size: this.size, root: rootOf(this.leaves()), extensions: [] });
    return signNote(text, [ed25519NoteSigner(ORIGIN, this.privateKey)]);
  }

  /** The state as the list route shows it: the member's entries, newest first. */
  listed(memberId = MEMBER): ListedEntry[] {
    const out: ListedEntry[] = [];
    this.texts.forEach((text, i) => {
      if (this.owners[i] !== memberId) return;
      const hash = b64(leafHash(new TextEncoder().encode(text)));
      const recordedAt = new Date(Date.UTC(2026, 11, 1, 10, 0, i)).toISOString();
      const listed: ListedEntry = {
        index: i < this.size ? i : null,
        leafHash: hash,
        type: JSON.parse(text).type,
        recordedAt,
        entry: text,
        receipt: signCompactJws({ origin: ORIGIN, leafHash: hash, recordedAt }, this.kid, this.privateKey),
      };
      out.push(this.tamper.entry ? this.tamper.entry(listed) : listed);
    });
    return out.reverse();
  }

  dashboard(memberId = MEMBER): DashboardCommission[] {
    const latest = new Map<string, DashboardCommission>();
    this.texts.forEach((text, i) => {
      const e = JSON.parse(text);
      if (this.owners[i] === memberId && String(e.type).startsWith('commission.')) latest.set(e.commissionId, { id: e.commissionId, ...e });
    });
    const list = [...latest.values()];
    return this.tamper.dashboard ? this.tamper.dashboard(list) : list;
  }

  source(): LogSource {
    const x = Buffer.from(ed25519PublicKeyBytes(this.privateKey)).toString('base64url');
    return {
      vkey: async () => `${this.vkey}\n`,
      checkpoint: async () => (this.tamper.checkpointNote ? this.tamper.checkpointNote(this.note()) : this.note()),
      checkpointJws: async () => {
        const payload = { origin: ORIGIN, size: this.size, root: b64(rootOf(this.leaves())), time: 1796486400 };
        return signCompactJws(payload, this.kid, this.privateKey, 'trellis-checkpoint+jws');
      },
      jwks: async () => ({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAA', kid: 'auth_1' }, { kty: 'OKP', crv: 'Ed25519', x, kid: this.kid }] }),
      inclusionProof: async (index, treeSize) => (await inclusionProof(index, treeSize, this.reader())).map(b64),
      consistencyProof: async (from, to) => (await consistencyProof(from, to, this.reader())).map(b64),
      // Two per page, so the pagination is exercised.
      receipts: async (cursor) => {
        const all = this.listed();
        const at = cursor ? Number(cursor) : 0;
        return { data: all.slice(at, at + 2), nextCursor: at + 2 < all.length ? String(at + 2) : null };
      },
      commissions: async () => ({ data: this.dashboard(), nextCursor: null }),
    };
  }
}

/** localStorage for Node. */
export class MemoryStore {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}
