import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { apiKeys, programs } from '../../../db/schema/index.js';
import type { ChangeEvent } from '../../change-feed.js';
import { SEALED_COLUMNS, sealedAt, type Keyring } from '../../secrets/index.js';

/**
 * What a merchant call needs to know about its API key, held in each API process's memory so a
 * call reads nothing before its own work: who the key acts for, its signing secret (opened once
 * per load, it is sealed at rest) and its program's settings (the signature rule reads
 * `conversions.requireSignature`).
 */
export interface CachedApiKey {
  keyId: string;
  tenantId: string;
  programId: string;
  signingSecret: string | null;
  programSettings: Record<string, unknown>;
  /** As last read or written by this process; last-used is written at most once a minute. */
  lastUsedAt: Date | null;
}

export interface ApiKeyCache {
  /**
   * The live (not revoked) key with this secret hash, or undefined. Answers from memory while the
   * entry is fresh (a plain value, no promise); otherwise loads it, once for all concurrent callers.
   */
  bySecretHash(secretHash: string): CachedApiKey | undefined | Promise<CachedApiKey | undefined>;
  /** The fresh entry of a key authenticated through this cache, if it is still held. */
  byKeyId(keyId: string): CachedApiKey | undefined;
  /** Drops what a change makes stale (the change feed's events land here). */
  apply(event: ChangeEvent): void;
  clear(): void;
  stats(): { size: number; hits: number; misses: number };
}

export interface ApiKeyCacheOptions {
  db: Db;
  /** Opens the keys' sealed signing secrets. */
  keyring: Keyring;
  /**
   * How long an entry is trusted. Revocations, rotations and settings changes made through the
   * services reach every process at once through the change feed; the TTL bounds how long a change
   * made any other way (a direct database edit, a missed message) goes unnoticed.
   */
  ttlMs: number;
  maxEntries?: number;
}

interface Entry {
  key: CachedApiKey;
  secretHash: string;
  expiresAt: number;
}

/** Entries held at most; beyond it the oldest loaded are dropped (a flood of keys cannot grow memory). */
const MAX_ENTRIES = 10_000;

/** Freshness runs on real time, never the services' clock: a test moving its clock cannot keep an entry alive. */
export function createApiKeyCache(opts: ApiKeyCacheOptions): ApiKeyCache {
  const maxEntries = opts.maxEntries ?? MAX_ENTRIES;
  const byHash = new Map<string, Entry>();
  const byId = new Map<string, Entry>();
  const loading = new Map<string, Promise<CachedApiKey | undefined>>();
  // Bumped by every invalidation: a load that started before one may have read the old row, so its
  // result answers the callers that waited for it but is not kept.
  let generation = 0;
  let hits = 0;
  let misses = 0;

  const drop = (entry: Entry | undefined) => {
    if (!entry) return;
    byHash.delete(entry.secretHash);
    if (byId.get(entry.key.keyId) === entry) byId.delete(entry.key.keyId);
  };

  async function load(secretHash: string): Promise<CachedApiKey | undefined> {
    const started = generation;
    const [row] = await opts.db
      .select({
        keyId: apiKeys.id,
        tenantId: apiKeys.tenantId,
        programId: apiKeys.programId,
        signingSecretSealed: apiKeys.signingSecretSealed,
        lastUsedAt: apiKeys.lastUsedAt,
        programSettings: programs.settings,
      })
      .from(apiKeys)
      .innerJoin(programs, eq(programs.id, apiKeys.programId))
      .where(and(eq(apiKeys.secretHash, secretHash), isNull(apiKeys.revokedAt)));
    // Unknown and revoked secrets are not remembered: each such call asks the database (the rate
    // limit bounds them), and a key created a moment ago is found at once.
    if (!row) return undefined;
    const { signingSecretSealed, ...rest } = row;
    const key: CachedApiKey = { ...rest, signingSecret: openSigningSecret(opts.keyring, row.keyId, signingSecretSealed), programSettings: row.programSettings ?? {} };
    if (started === generation) {
      drop(byHash.get(secretHash));
      if (byHash.size >= maxEntries) drop(byHash.values().next().value);
      const entry = { key, secretHash, expiresAt: performance.now() + opts.ttlMs };
      byHash.set(secretHash, entry);
      byId.set(key.keyId, entry);
    }
    return key;
  }

  const invalidate = (match: (key: CachedApiKey) => boolean) => {
    generation++;
    for (const entry of [...byHash.values()]) if (match(entry.key)) drop(entry);
  };
  const clear = () => {
    generation++;
    byHash.clear();
    byId.clear();
  };

  return {
    bySecretHash(secretHash) {
      const entry = byHash.get(secretHash);
      if (entry && entry.expiresAt > performance.now()) {
        hits++;
        return entry.key;
      }
      misses++;
      let pending = loading.get(secretHash);
      if (!pending) {
        pending = load(secretHash).finally(() => loading.delete(secretHash));
        loading.set(secretHash, pending);
      }
      return pending;
    },
    byKeyId(keyId) {
      const entry = byId.get(keyId);
      return entry && entry.expiresAt > performance.now() ? entry.key : undefined;
    },
    apply(event) {
      if (event.topic === 'api_key') invalidate((key) => key.keyId === event.keyId);
      else if (event.topic === 'program') invalidate((key) => key.programId === event.programId);
      else if (event.topic === 'reset') clear();
    },
    clear,
    stats: () => ({ size: byHash.size, hits, misses }),
  };
}

/** Where an API key's signing secret is sealed: bound to the key's row. */
export const signingSecretAt = (keyId: string) => sealedAt(SEALED_COLUMNS.apiKeySigningSecret, keyId);

/** An API key's signing secret in clear, or null when none was issued. */
export function openSigningSecret(keyring: Keyring, keyId: string, sealed: string | null): string | null {
  return sealed === null ? null : keyring.openText(sealed, signingSecretAt(keyId));
}
