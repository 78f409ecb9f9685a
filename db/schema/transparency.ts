import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, date, index, pgTable, primaryKey, smallint, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { bytea, createdAt, tstz } from './columns.js';

/**
 * Log entries waiting for the sequencer. A row is written in the transaction of the business
 * change it records (so nothing is logged that did not commit, and nothing commits unlogged) and
 * deleted by the sequencer in the transaction that appends it to `log_entries`.
 */
export const logOutbox = pgTable(
  'log_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The entry as canonical JSON (RFC 8785): exactly the bytes the leaf hash covers. */
    entry: text('entry').notNull(),
    /** SHA-256(0x00 || entry), RFC 9162 leaf hash; known before sequencing, so receipts can name it. */
    leafHash: bytea('leaf_hash').notNull(),
    type: text('type').notNull(),
    tenantId: text('tenant_id'),
    programId: text('program_id'),
    /** The affiliate or member whose entry this is (their receipts, their salt); null for others. */
    partnerMemberId: text('partner_member_id'),
    ...createdAt,
  },
);

/**
 * The append-only log: entry `idx` is leaf `idx` of the RFC 9162 tree. Written only by the
 * sequencer; a trigger refuses updates and deletes.
 */
export const logEntries = pgTable(
  'log_entries',
  {
    idx: bigint('idx', { mode: 'number' }).primaryKey(),
    /** The outbox row it came from: a crashed sequencer's retry can never append a row twice. */
    outboxId: bigint('outbox_id', { mode: 'number' }).notNull(),
    entry: text('entry').notNull(),
    leafHash: bytea('leaf_hash').notNull(),
    type: text('type').notNull(),
    tenantId: text('tenant_id'),
    programId: text('program_id'),
    partnerMemberId: text('partner_member_id'),
    /** When the outbox row was written (the receipt's time). */
    recordedAt: tstz('recorded_at').notNull(),
    sequencedAt: tstz('sequenced_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('log_entries_outbox_uq').on(t.outboxId),
    index('log_entries_leaf_hash_idx').on(t.leafHash),
    index('log_entries_partner_idx').on(t.partnerMemberId, t.idx).where(sql`${t.partnerMemberId} is not null`),
    // A program's latest public statistics entry; no index on every entry's program and type.
    index('log_entries_program_stats_idx').on(t.programId, t.idx).where(sql`${t.type} = 'stats.program.daily'`),
    // The daily statistics read a day of entries; entries arrive in time order, so a BRIN index
    // answers that for almost nothing per insert.
    index('log_entries_recorded_brin').using('brin', t.recordedAt),
  ],
);

/**
 * C2SP tlog-tiles hash tiles: tile `idx` at `level` holds `width` (1..256) consecutive hashes of
 * tree level 8*level, concatenated. A partial tile is rewritten as the tree grows; a full one
 * (width 256) never changes.
 */
export const logTiles = pgTable(
  'log_tiles',
  {
    level: smallint('level').notNull(),
    idx: bigint('idx', { mode: 'number' }).notNull(),
    width: smallint('width').notNull(),
    hashes: bytea('hashes').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.level, t.idx] }),
    check('log_tiles_width_ck', sql`${t.width} between 1 and 256 and octet_length(${t.hashes}) = 32 * ${t.width}`),
  ],
);

/** Every checkpoint the log signed, newest = the current tree. */
export const logCheckpoints = pgTable(
  'log_checkpoints',
  {
    treeSize: bigint('tree_size', { mode: 'number' }).primaryKey(),
    rootHash: bytea('root_hash').notNull(),
    /** The C2SP signed note (checkpoint body, blank line, the log's signature lines). */
    note: text('note').notNull(),
    /** The same checkpoint as a compact JWS (EdDSA) for JOSE tooling. */
    jws: text('jws').notNull(),
    /** The key active when it was signed (the JWS's key). */
    keyId: text('key_id').notNull(),
    ...createdAt,
  },
  // Which keys signed checkpoints: a retired one that did co-signs during the rotation overlap.
  (t) => [index('log_checkpoints_key_idx').on(t.keyId)],
);

/** Witness cosignature lines (C2SP tlog-cosignature) collected for a checkpoint. */
export const logCosignatures = pgTable(
  'log_cosignatures',
  {
    treeSize: bigint('tree_size', { mode: 'number' })
      .notNull()
      .references(() => logCheckpoints.treeSize),
    witness: text('witness').notNull(),
    /** The full signature line, `— <name> <base64>`. */
    signatureLine: text('signature_line').notNull(),
    ...createdAt,
  },
  (t) => [primaryKey({ columns: [t.treeSize, t.witness] })],
);

/**
 * Salts for hashing customer references and external ids in entries. An affiliate's salt is
 * theirs to read, so they can match their own entries to their records; a program's salt
 * covers entries that belong to no affiliate.
 */
export const logSalts = pgTable('log_salts', {
  /** A member id (affiliate or member) or a program id. */
  ownerId: text('owner_id').primaryKey(),
  salt: text('salt').notNull(),
  ...createdAt,
});

/** The daily statistics entries already written: one per owner (affiliate or program) and day. */
export const logDailyStats = pgTable(
  'log_daily_stats',
  {
    ownerId: text('owner_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    ...createdAt,
  },
  (t) => [primaryKey({ columns: [t.ownerId, t.day] })],
);
