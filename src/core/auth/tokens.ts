import { and, eq, or, gt } from 'drizzle-orm';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, decodeProtectedHeader, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import type { Db } from '../../../db/client.js';
import { randomBase62 } from '../../../db/ids.js';
import { signingKeys } from '../../../db/schema/index.js';
import type { Clock } from '../../context.js';
import { UnauthorizedError } from '../../errors.js';
import type { Keyring } from '../../secrets/index.js';
import { openPrivateJwk, sealPrivateJwk } from '../../secrets/private-keys.js';
import { appendLogEntries } from '../../transparency/entries/append.js';
import { authKeyRotatedEntry } from '../../transparency/entries/keys.js';
import { ROLES, type Actor, type Role } from './actor.js';

const ISSUER = 'trellis';
const AUDIENCE = 'trellis-api';
// Only keys of this purpose sign or verify tokens: never the transparency log's (whose demo key is public).
const PURPOSE = 'access_token';
/**
 * How long this process trusts what it last read about the keys that verify tokens. A key another
 * process retired counts as active here for at most this long, so for at most this long it still
 * verifies a token issued after its retirement (this process's own rotations apply at once).
 */
export const VERIFYING_KEYS_REFRESH_MS = 30_000;
/** A kid not among the loaded keys re-reads them at most this often: random kids cannot buy a query each. */
const UNKNOWN_KID_RELOAD_MS = 1_000;
/** How far the issuing and the verifying process's clocks may disagree about `iat`. */
export const CLOCK_SKEW_SECONDS = 60;

export interface AccessTokenClaims {
  sub: string;
  tid: string;
  role: Role;
  /** The user's token version when issued (users.token_version); any other version is refused. */
  ver: number;
  countries?: string[];
  mid?: string;
  pid?: string;
}

export type UserActor = Extract<Actor, { kind: 'user' }>;

/** A token whose signature, key, issuer, audience, lifetime and claims hold; the user row is not read yet. */
export interface VerifiedAccessToken {
  actor: UserActor;
  version: number;
}

interface LoadedKey {
  kid: string;
  publicKey: CryptoKey;
  privateKey?: CryptoKey;
}

/** A key that may verify tokens, as last read: retired keys verify until retiredAt + the token TTL. */
interface VerifyingKey {
  kid: string;
  publicKey: CryptoKey;
  retiredAt: Date | null;
}

interface VerifyingKeys {
  keys: Map<string, VerifyingKey>;
  /** performance.now() of the read: freshness runs on real time, so a test clock cannot keep a key alive. */
  loadedAt: number;
}

const invalidToken = (message: string) => new UnauthorizedError(message, 'invalid_token');

/**
 * Issues and verifies EdDSA (Ed25519) access tokens. Keys live in the database so every API
 * process signs with the same active key and can verify tokens signed by any of them.
 */
export class TokenService {
  private active?: { key: LoadedKey; loadedAt: number };
  private verifying?: VerifyingKeys;
  private verifyingLoad?: Promise<VerifyingKeys>;
  /** Bumped by this process's rotations: a read that started before one is not kept. */
  private verifyingGeneration = 0;
  /** Public keys imported from their rows, by kid: a key never changes under its kid. */
  private readonly publicKeys = new Map<string, CryptoKey>();
  private readonly keysRefreshMs: number;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly ttlSeconds: number,
    /** Seals the private keys this creates and opens the active one (src/secrets). */
    private readonly keyring: Keyring,
    opts: { keysRefreshMs?: number } = {},
  ) {
    this.keysRefreshMs = opts.keysRefreshMs ?? VERIFYING_KEYS_REFRESH_MS;
  }

  /** Makes sure an active key exists (first boot) and loads it. */
  async init(): Promise<void> {
    await this.activeKey();
  }

  async issue(claims: AccessTokenClaims): Promise<{ token: string; expiresAt: Date }> {
    const key = await this.signingKey();
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

  /**
   * Checks a token without reading the user: an access-token key signed it (a retired one only
   * until retiredAt + TTL, and only tokens issued before its retirement), issuer and audience are
   * ours, `iat`, `exp`, `sub`, `tid`, `role` and `ver` are there, and it lives no longer than the
   * TTL. Every refusal is a 401 `invalid_token`. The caller checks `version` against the user row.
   */
  async verify(token: string): Promise<VerifiedAccessToken> {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw invalidToken('The access token is malformed.');
    }
    if (typeof kid !== 'string' || !kid) throw invalidToken('The access token has no key id.');
    const key = await this.verifyingKey(kid);
    if (!key) throw invalidToken('The access token was signed by an unknown key.');
    const now = this.clock();
    if (key.retiredAt && now.getTime() >= key.retiredAt.getTime() + this.ttlSeconds * 1000) {
      throw invalidToken('The access token was signed by a key that no longer verifies tokens.');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key.publicKey, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['EdDSA'],
        typ: 'JWT',
        requiredClaims: ['iat', 'exp', 'sub'],
        currentDate: now,
      }));
    } catch (err) {
      const expired = (err as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw invalidToken(expired ? 'The access token has expired.' : 'The access token is invalid.');
    }
    const iat = payload.iat!;
    if (payload.exp! - iat > this.ttlSeconds) throw invalidToken('The access token lives longer than access tokens are issued for.');
    if (iat > Math.floor(now.getTime() / 1000) + CLOCK_SKEW_SECONDS) throw invalidToken('The access token was issued in the future.');
    // A token issued after its key was retired was not issued by us (we stop signing with a key as it retires).
    if (key.retiredAt && iat > Math.floor(key.retiredAt.getTime() / 1000)) throw invalidToken('The access token was issued after its key was retired.');
    return verifiedClaims(payload);
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
    // This process applies the retirement at once; others within VERIFYING_KEYS_REFRESH_MS.
    this.verifying = undefined;
    this.verifyingLoad = undefined;
    this.verifyingGeneration++;
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

  /**
   * The active key, its kid re-read on every issue (a login costs a password hash; this is one
   * indexed read): this process never signs with a key another process retired, whose tokens
   * verify() would refuse.
   */
  private async signingKey(): Promise<LoadedKey> {
    const [row] = await this.db
      .select({ kid: signingKeys.kid })
      .from(signingKeys)
      .where(and(eq(signingKeys.purpose, PURPOSE), eq(signingKeys.status, 'active')));
    if (!this.active || this.active.key.kid !== row?.kid) return this.activeKey();
    return this.active.key;
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
    return key;
  }

  /**
   * The access-token key `kid` names, if it may verify: from the keys last read while they are
   * fresh (VERIFYING_KEYS_REFRESH_MS); an unknown kid (another process rotated, or a forgery)
   * re-reads them, at most once per UNKNOWN_KID_RELOAD_MS, shared by concurrent callers.
   */
  private async verifyingKey(kid: string): Promise<VerifyingKey | undefined> {
    const loaded = this.verifying;
    if (loaded && performance.now() - loaded.loadedAt < this.keysRefreshMs) {
      const key = loaded.keys.get(kid);
      if (key) return key;
    }
    return (await this.reloadVerifyingKeys()).keys.get(kid);
  }

  private reloadVerifyingKeys(): Promise<VerifyingKeys> {
    if (this.verifyingLoad) return this.verifyingLoad;
    const generation = this.verifyingGeneration;
    const load = (async () => {
      const wait = this.verifying ? this.verifying.loadedAt + UNKNOWN_KID_RELOAD_MS - performance.now() : 0;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const loaded = await this.loadVerifyingKeys();
      if (generation === this.verifyingGeneration) this.verifying = loaded;
      return loaded;
    })().finally(() => {
      if (this.verifyingLoad === load) this.verifyingLoad = undefined;
    });
    this.verifyingLoad = load;
    return load;
  }

  /** Keys of purpose access_token that are active or retired less than one token lifetime ago. */
  private async loadVerifyingKeys(): Promise<VerifyingKeys> {
    const cutoff = new Date(this.clock().getTime() - this.ttlSeconds * 1000);
    const rows = await this.db
      .select({ kid: signingKeys.kid, publicJwk: signingKeys.publicJwk, retiredAt: signingKeys.retiredAt })
      .from(signingKeys)
      .where(and(eq(signingKeys.purpose, PURPOSE), or(eq(signingKeys.status, 'active'), gt(signingKeys.retiredAt, cutoff))));
    const keys = new Map<string, VerifyingKey>();
    for (const row of rows) {
      let publicKey = this.publicKeys.get(row.kid);
      if (!publicKey) {
        publicKey = (await importJWK(row.publicJwk as JWK, 'EdDSA')) as CryptoKey;
        this.publicKeys.set(row.kid, publicKey);
      }
      keys.set(row.kid, { kid: row.kid, publicKey, retiredAt: row.retiredAt });
    }
    return { keys, loadedAt: performance.now() };
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

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** The claims every token must carry, checked after the signature: anything missing or odd is a 401. */
function verifiedClaims(c: JWTPayload): VerifiedAccessToken {
  const { sub, tid, role, ver, countries, mid, pid } = c as JWTPayload & Record<string, unknown>;
  if (!isText(sub) || !isText(tid) || !ROLES.includes(role as Role)) throw invalidToken('The access token is incomplete.');
  if (typeof ver !== 'number' || !Number.isSafeInteger(ver) || ver < 0) throw invalidToken('The access token has no valid version.');
  const base = { kind: 'user' as const, userId: sub, tenantId: tid };
  switch (role as Role) {
    case 'admin':
      return { actor: { ...base, role: 'admin' }, version: ver };
    case 'regional_manager': {
      const regions = Array.isArray(countries) ? countries.filter(isText) : [];
      return { actor: { ...base, role: 'regional_manager', countries: regions }, version: ver };
    }
    case 'affiliate':
    case 'member':
      if (!isText(mid) || !isText(pid)) throw invalidToken('The access token is incomplete.');
      return { actor: { ...base, role: role as 'affiliate' | 'member', memberId: mid, programId: pid }, version: ver };
  }
}
