import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { and, asc, eq, exists, gt, sql } from 'drizzle-orm';
import type { JWK } from 'jose';
import type { Db } from '../../../db/client.js';
import { logCheckpoints, signingKeys } from '../../../db/schema/index.js';
import { withTransaction, type Clock, type ServiceContext } from '../../context.js';
import { ConflictError } from '../../errors.js';
import type { Keyring } from '../../secrets/index.js';
import { openPrivateJwk, sealPrivateJwk } from '../../secrets/private-keys.js';
import { appendLogEntries } from '../entries/append.js';
import { ed25519NoteSigner, formatVkey, signNote, type NoteSigner } from '../note.js';

const PURPOSE = 'transparency_log';
// Receipts are signed in API processes; another process may rotate. Re-reading the active key
// this often bounds how long a retired key keeps signing receipts (it stays in the JWKS anyway).
// The sequencer re-reads it inside its transaction, so checkpoints always carry the active key.
const ACTIVE_KEY_REFRESH_MS = 5_000;
/**
 * After a rotation, checkpoints are signed by the retired key too for this long. A verifier that
 * pinned the old vkey then still opens the checkpoint, finds the `log.key_rotated` entry inside the
 * tree the old key signed, and learns the new vkey from it: the handover is itself verifiable.
 */
export const LOG_KEY_OVERLAP_DAYS = 30;

/**
 * The demo database's log key seed, public on purpose: the README prints the demo vkey derived
 * from it. Never use it anywhere else; every other database generates a random key at first boot.
 */
export const DEMO_LOG_KEY_SEED: Uint8Array = createHash('sha256').update('trellis demo transparency log key').digest();

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

interface LoadedLogKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: Uint8Array;
  signer: NoteSigner;
}

/** The log's Ed25519 signing key(s), rows of signing_keys with purpose 'transparency_log'. */
export class LogKeys {
  private active?: { key: LoadedLogKey; loadedAt: number };
  /** Keys imported from their rows, by kid: a key never changes under its kid. */
  private readonly imported = new Map<string, LoadedLogKey>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly origin: string,
    /** Seals the private keys this creates and opens the ones it signs with (src/secrets). */
    private readonly keyring: Keyring,
  ) {}

  /** Makes sure an active key exists (first boot; concurrent boots race safely) and loads it. */
  async init(): Promise<void> {
    await this.refresh();
  }

  /** The C2SP vkey of the active key; its name is the log origin. */
  async vkey(): Promise<string> {
    const key = await this.current();
    return formatVkey(this.origin, key.publicKey);
  }

  /** Checkpoint body -> signed note (body, blank line, the log's signature line). */
  async signNote(body: string): Promise<string> {
    return signNote(body, [(await this.current()).signer]);
  }

  /**
   * A checkpoint's note: signed by the active key and by every log key retired less than
   * LOG_KEY_OVERLAP_DAYS before `now` that signed a checkpoint of a non-empty tree. A key that
   * only ever signed the empty tree vouched for nothing anyone could hold on to: such as the
   * first-boot key the demo seed replaces before its first entry. Read on `db`, the sequencer's
   * transaction.
   */
  async signCheckpointNote(db: Db, body: string, now: Date): Promise<string> {
    const since = new Date(now.getTime() - LOG_KEY_OVERLAP_DAYS * 86_400_000);
    const retired = await db
      .select()
      .from(signingKeys)
      .where(
        and(
          eq(signingKeys.purpose, PURPOSE),
          eq(signingKeys.status, 'retired'),
          gt(signingKeys.retiredAt, since),
          exists(db.select({ one: sql`1` }).from(logCheckpoints).where(and(eq(logCheckpoints.keyId, signingKeys.kid), gt(logCheckpoints.treeSize, 0)))),
        ),
      )
      .orderBy(asc(signingKeys.retiredAt));
    const signers = [(await this.current()).signer, ...retired.map((row) => this.loaded(row).signer)];
    return signNote(body, signers);
  }

  /** A compact JWS (EdDSA, with kid and typ) over the payload, signed by the active key. */
  async signJws(payload: Record<string, unknown>, typ: string): Promise<string> {
    const key = await this.current();
    const header = base64url(JSON.stringify({ alg: 'EdDSA', kid: key.kid, typ }));
    const input = `${header}.${base64url(JSON.stringify(payload))}`;
    return `${input}.${base64url(sign(null, Buffer.from(input), key.privateKey))}`;
  }

  /** The kid of the active key (what signNote/signJws sign with now). */
  async activeKeyId(): Promise<string> {
    return (await this.current()).kid;
  }

  /** Every log key ever used, retired ones included: old checkpoints and receipts stay verifiable. */
  async publicJwks(): Promise<JWK[]> {
    const rows = await this.db.select().from(signingKeys).where(eq(signingKeys.purpose, PURPOSE)).orderBy(asc(signingKeys.createdAt));
    return rows.map((r) => {
      const { kty, crv, x } = r.publicJwk as JWK;
      return { kty, crv, x, kid: r.kid, alg: 'EdDSA', use: 'sig' };
    });
  }

  /**
   * Starts signing with a new key; the old one is retired but stays listed. The rotation is itself
   * a log entry, written in the same transaction. `seed` installs a given key instead of a random
   * one (the demo's fixed key); installing the key that is already active changes nothing.
   */
  async rotate(ctx: ServiceContext, opts: { seed?: Uint8Array } = {}): Promise<{ kid: string; vkey: string; retiredKid: string | null }> {
    const generated = opts.seed ? keyRowFromSeed(this.keyring, opts.seed) : randomKeyRow(this.keyring);
    const rotation = await withTransaction(ctx, async (tx) => {
      const [current] = await tx.db
        .select({ kid: signingKeys.kid })
        .from(signingKeys)
        .where(and(eq(signingKeys.purpose, PURPOSE), eq(signingKeys.status, 'active')))
        .for('update');
      if (current?.kid === generated.kid) return { kid: current.kid, retiredKid: null };
      const [known] = await tx.db.select({ kid: signingKeys.kid }).from(signingKeys).where(eq(signingKeys.kid, generated.kid));
      if (known) throw new ConflictError('This log key was used before; a retired key is never made active again.', 'conflict', { kid: generated.kid });
      const at = tx.clock();
      if (current) {
        await tx.db.update(signingKeys).set({ status: 'retired', retiredAt: at }).where(eq(signingKeys.kid, current.kid));
      }
      const { raw: _raw, ...row } = generated;
      await tx.db.insert(signingKeys).values({ ...row, purpose: PURPOSE });
      await appendLogEntries(tx, [
        {
          type: 'log.key_rotated',
          v: 1,
          tenantId: null,
          programId: null,
          partnerMemberId: null,
          body: { oldKeyId: current?.kid ?? null, newKeyId: generated.kid, newVkey: formatVkey(this.origin, generated.raw), at: at.toISOString() },
        },
      ]);
      // Once it commits (a caller's transaction may still be open), every read is of the new key.
      tx.afterCommit?.(() => {
        this.active = undefined;
      });
      return { kid: generated.kid, retiredKid: current?.kid ?? null };
    });
    this.active = undefined;
    return { ...rotation, vkey: formatVkey(this.origin, generated.raw) };
  }

  /**
   * Re-reads the active key (on `db`, e.g. the sequencer's transaction, so a checkpoint is signed by
   * the key active when it commits), creating the first one if none.
   */
  async refresh(db: Db = this.db): Promise<void> {
    const find = () =>
      db
        .select()
        .from(signingKeys)
        .where(and(eq(signingKeys.purpose, PURPOSE), eq(signingKeys.status, 'active')));
    let [row] = await find();
    if (!row) {
      // First boot. Processes may race here; the one-active-key-per-purpose index lets one win.
      const { raw: _raw, ...generated } = randomKeyRow(this.keyring);
      await db
        .insert(signingKeys)
        .values({ ...generated, purpose: PURPOSE, createdAt: this.clock() })
        .onConflictDoNothing();
      [row] = await find();
    }
    if (this.active?.key.kid !== row!.kid) this.active = { key: this.loaded(row!), loadedAt: Date.now() };
    else this.active.loadedAt = Date.now();
  }

  private loaded(row: typeof signingKeys.$inferSelect): LoadedLogKey {
    let key = this.imported.get(row.kid);
    if (!key) {
      const privateKey = createPrivateKey({ key: openPrivateJwk(this.keyring, row) as never, format: 'jwk' });
      const publicKey = Buffer.from(String((row.publicJwk as JWK).x), 'base64url');
      key = { kid: row.kid, privateKey, publicKey, signer: ed25519NoteSigner(this.origin, privateKey) };
      this.imported.set(row.kid, key);
    }
    return key;
  }

  private async current(): Promise<LoadedLogKey> {
    if (!this.active || Date.now() - this.active.loadedAt > ACTIVE_KEY_REFRESH_MS) await this.refresh();
    return this.active!.key;
  }
}

/** The kid names the key itself (a hash of the public key), so the demo key's kid is fixed too. */
function keyIdOf(publicKey: Uint8Array): string {
  return `tlog_${createHash('sha256').update(publicKey).digest('hex').slice(0, 16)}`;
}

function rowFor(keyring: Keyring, privateKey: KeyObject) {
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, unknown>;
  const raw = new Uint8Array(Buffer.from(String(publicJwk.x), 'base64url'));
  const kid = keyIdOf(raw);
  const privateKeySealed = sealPrivateJwk(keyring, kid, privateKey.export({ format: 'jwk' }) as JWK);
  return { kid, algorithm: 'EdDSA', publicJwk, privateKeySealed, status: 'active' as const, raw };
}

function randomKeyRow(keyring: Keyring) {
  return rowFor(keyring, generateKeyPairSync('ed25519').privateKey);
}

/** The demo's fixed key: its private half is public knowledge, but it is sealed like any other. */
function keyRowFromSeed(keyring: Keyring, seed: Uint8Array) {
  if (seed.length !== 32) throw new Error('An Ed25519 seed is 32 bytes.');
  return rowFor(keyring, createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' }));
}

function base64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}
