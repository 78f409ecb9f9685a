import { and, eq, inArray, or, gt } from 'drizzle-orm';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, decodeProtectedHeader, type JWK, type CryptoKey } from 'jose';
import type { Db } from '../../../db/client.js';
import { randomBase62 } from '../../../db/ids.js';
import { signingKeys } from '../../../db/schema/index.js';
import type { Clock } from '../../context.js';
import { UnauthorizedError } from '../../errors.js';
import type { Keyring } from '../../secrets/index.js';
import { openPrivateJwk, sealPrivateJwk } from '../../secrets/private-keys.js';
import { appendLogEntries } from '../../transparency/entries/append.js';
import { authKeyRotatedEntry } from '../../transparency/entries/keys.js';
import type { Actor, Role } from './actor.js';

const ISSUER = 'trellis';
const AUDIENCE = 'trellis-api';
const PURPOSE = 'access_token';
// Another process may rotate the key; re-reading the active key this often bounds how long we
// keep signing with a retired one.
const ACTIVE_KEY_REFRESH_MS = 30_000;

export interface AccessTokenClaims {
  sub: string;
  tid: string;
  role: Role;
  countries?: string[];
  mid?: string;
  pid?: string;
}

interface LoadedKey {
  kid: string;
  publicKey: CryptoKey;
  privateKey?: CryptoKey;
}

/**
 * Issues and verifies EdDSA (Ed25519) access tokens. Keys live in the database so every API
 * process signs with the same active key and can verify tokens signed by any of them.
 */
export class TokenService {
  private active?: { key: LoadedKey; loadedAt: number };
  private verifiers = new Map<string, LoadedKey>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly ttlSeconds: number,
    /** Seals the private keys this creates and opens the active one (src/secrets). */
    private readonly keyring: Keyring,
  ) {}

  /** Makes sure an active key exists (first boot) and loads it. */
  async init(): Promise<void> {
    await this.activeKey();
  }

  async issue(claims: AccessTokenClaims): Promise<{ token: string; expiresAt: Date }> {
    const { key } = await this.activeKeyEntry();
    const now = Math.floor(this.clock().getTime() / 1000);
    const exp = now + this.ttlSeconds;
    const { sub, ...rest } = claims;
    const token = await new SignJWT({ ...rest })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(key.privateKey!);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  async verify(token: string): Promise<Actor> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new UnauthorizedError('The access token is malformed.', 'invalid_token');
    }
    if (!kid) throw new UnauthorizedError('The access token has no key id.', 'invalid_token');
    const key = await this.verificationKey(kid);
    if (!key) throw new UnauthorizedError('The access token was signed by an unknown key.', 'invalid_token');
    try {
      const { payload } = await jwtVerify(token, key.publicKey, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['EdDSA'],
        currentDate: this.clock(),
      });
      return actorFromClaims(payload as unknown as AccessTokenClaims & { sub: string });
    } catch (err) {
      const expired = (err as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw new UnauthorizedError(expired ? 'The access token has expired.' : 'The access token is invalid.', 'invalid_token');
    }
  }

  /**
   * Starts signing with a new key. The old one is retired but keeps verifying the tokens it signed
   * until they expire, so nobody is logged out. The rotation is logged (`auth.key_rotated`) in
   * its transaction.
   */
  async rotate(): Promise<{ kid: string; retired: string[] }> {
    const generated = await newKeyRow(this.keyring);
    const retired = await this.db.transaction(async (tx) => {
      const old = await tx
        .update(signingKeys)
        .set({ status: 'retired', retiredAt: this.clock() })
        .where(and(eq(signingKeys.purpose, PURPOSE), eq(signingKeys.status, 'active')))
        .returning({ kid: signingKeys.kid });
      await tx.insert(signingKeys).values({ ...generated, purpose: PURPOSE });
      const retiredKids = old.map((o) => o.kid);
      const rotatedAt = this.clock();
      await appendLogEntries({ db: tx as unknown as Db, clock: () => rotatedAt }, [
        authKeyRotatedEntry({ oldKeyIds: retiredKids, newKeyId: generated.kid, newPublicKey: String(generated.publicJwk.x), at: rotatedAt }),
      ]);
      return retiredKids;
    });
    this.active = undefined;
    await this.activeKey();
    return { kid: generated.kid, retired };
  }

  /** Public keys that may still verify a live token: the active one and recently retired ones. */
  async publicJwks(): Promise<JWK[]> {
    const cutoff = new Date(this.clock().getTime() - this.ttlSeconds * 1000);
    const rows = await this.db
      .select()
      .from(signingKeys)
      .where(and(eq(signingKeys.purpose, PURPOSE), or(eq(signingKeys.status, 'active'), gt(signingKeys.retiredAt, cutoff))));
    return rows.map((r) => ({ ...(r.publicJwk as JWK), kid: r.kid, alg: 'EdDSA', use: 'sig' }));
  }

  private async activeKeyEntry() {
    if (!this.active || Date.now() - this.active.loadedAt > ACTIVE_KEY_REFRESH_MS) await this.activeKey();
    return this.active!;
  }

  private async activeKey(): Promise<LoadedKey> {
    let [row] = await this.db
      .select()
      .from(signingKeys)
      .where(and(eq(signingKeys.purpose, PURPOSE), eq(signingKeys.status, 'active')));
    if (!row) {
      // First boot. Two processes may race here; the partial unique index lets one win.
      await this.db
        .insert(signingKeys)
        .values({ ...(await newKeyRow(this.keyring)), purpose: PURPOSE })
        .onConflictDoNothing();
      [row] = await this.db
        .select()
        .from(signingKeys)
        .where(and(eq(signingKeys.purpose, PURPOSE), eq(signingKeys.status, 'active')));
    }
    const key: LoadedKey = {
      kid: row!.kid,
      publicKey: (await importJWK(row!.publicJwk as JWK, 'EdDSA')) as CryptoKey,
      privateKey: (await importJWK(openPrivateJwk(this.keyring, row!), 'EdDSA')) as CryptoKey,
    };
    this.active = { key, loadedAt: Date.now() };
    this.verifiers.set(key.kid, key);
    return key;
  }

  private async verificationKey(kid: string): Promise<LoadedKey | undefined> {
    const cached = this.verifiers.get(kid);
    if (cached) return cached;
    // A key we have not seen: another process rotated. Unknown kids are bounded by what is in the table.
    const rows = await this.db.select().from(signingKeys).where(inArray(signingKeys.kid, [kid]));
    const row = rows[0];
    if (!row) return undefined;
    const key = { kid, publicKey: (await importJWK(row.publicJwk as JWK, 'EdDSA')) as CryptoKey };
    this.verifiers.set(kid, key);
    return key;
  }
}

async function newKeyRow(keyring: Keyring) {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = `k_${randomBase62(16)}`;
  return {
    kid,
    algorithm: 'EdDSA',
    publicJwk: (await exportJWK(publicKey)) as Record<string, unknown>,
    privateKeySealed: sealPrivateJwk(keyring, kid, await exportJWK(privateKey)),
    status: 'active' as const,
  };
}

function actorFromClaims(c: AccessTokenClaims & { sub: string }): Actor {
  switch (c.role) {
    case 'admin':
      return { kind: 'user', role: 'admin', userId: c.sub, tenantId: c.tid };
    case 'regional_manager':
      return { kind: 'user', role: 'regional_manager', userId: c.sub, tenantId: c.tid, countries: c.countries ?? [] };
    case 'affiliate':
    case 'member':
      if (!c.mid || !c.pid) throw new UnauthorizedError('The access token is incomplete.', 'invalid_token');
      return { kind: 'user', role: c.role, userId: c.sub, tenantId: c.tid, memberId: c.mid, programId: c.pid };
    default:
      throw new UnauthorizedError('The access token has an unknown role.', 'invalid_token');
  }
}
