import { sql } from 'drizzle-orm';
import { numberArrayLiteral, textArrayLiteral } from '../../../db/array-literal.js';
import { copyField, copyFromText, queryRows, type Db } from '../../../db/client.js';
import type { Logger } from '../../logger.js';
import type { PendingClick } from '../types.js';
import { classifyClicks, dedupKey, rollupDeltas, utcDay, type ClassifiedClick, type DedupState } from './classify.js';

export interface ClickBatchResult {
  /** Clicks inserted by this call; a replayed click that is already stored is not counted again. */
  inserted: number;
  counted: number;
  duplicates: number;
  bots: number;
}

/**
 * Months whose partition this process has ensured, per database handle (tests run several
 * databases in one process). Forgotten after any failed write, since retention may have dropped
 * a partition since.
 */
const ensuredMonths = new WeakMap<Db, Set<string>>();

const DUPLICATE_TABLE = '42P07';

/** Lets waiting redirects run between the steps of a large batch. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const monthOf = (at: Date) => `${utcDay(at).slice(0, 7)}-01`;

/** Creates the partition of `month` (YYYY-MM-01) unless it exists; safe from many processes at once. */
export async function ensureClickPartition(db: Db, month: string): Promise<void> {
  try {
    await db.execute(sql`select clicks_ensure_partition(${month}::date)`);
  } catch (err) {
    // Processes racing to create the same month: the function's re-check under its lock can
    // miss a table another session just committed. The partition exists either way.
    if (sqlState(err) !== DUPLICATE_TABLE) throw err;
  }
}

async function ensurePartitions(db: Db, clicks: PendingClick[]): Promise<void> {
  let known = ensuredMonths.get(db);
  if (!known) ensuredMonths.set(db, (known = new Set()));
  const months = new Set<string>();
  for (const click of clicks) months.add(monthOf(click.clickedAt));
  for (const month of months) {
    if (known.has(month)) continue;
    // Outside the batch's transaction: the function serialises creators on an advisory lock,
    // which must not be held for the length of a write.
    await ensureClickPartition(db, month);
    known.add(month);
  }
}

interface DedupRows {
  /** Each key's row as it was before this batch (null last click for the rows this batch created). */
  state: Map<string, DedupState>;
  /** Keys whose row existed already: only those can need an update after classification. */
  existing: Set<string>;
  /**
   * The batch classified as if every row were new: the answer when no row existed (the common
   * case), which spares classifying the batch a second time.
   */
  classifiedAsNew: ClassifiedClick[];
}

/**
 * Creates and locks the click_dedup rows of the batch's human clicks, in ONE statement. Most
 * visitors in a batch are new, so their rows are inserted already holding the outcome of
 * classifying them against an empty row, and need no update afterwards. A row that exists already
 * is locked by the upsert's no-op update and comes back as it was (the update changes no value),
 * for the batch to be classified against it. Rows are taken in one fixed order (the primary
 * key's: IP hash, then link, bytewise), so two processes flushing the same visitors wait on each
 * other instead of deadlocking.
 *
 * One statement rather than an insert and a `select ... for update` of the conflicts: the select
 * joined a JSON record set to the table, and a plan cached while the table was small scanned all
 * of it on every flush once it had grown.
 */
async function lockDedupRows(tx: Db, clicks: PendingClick[]): Promise<DedupRows> {
  const firstDay = new Map<string, DedupState>();
  const asNew = new Map<string, DedupState>();
  for (const c of clicks) {
    if (c.uaClass === 'bot') continue;
    const key = dedupKey(c.linkId, c.ipHash);
    const day = utcDay(c.clickedAt);
    const seen = firstDay.get(key);
    if (!seen) {
      firstDay.set(key, { day, lastCountedMs: null });
      asNew.set(key, { day, lastCountedMs: null });
    } else if (day < seen.day) {
      seen.day = day;
      asNew.get(key)!.day = day;
    }
  }
  const { classified: classifiedAsNew } = classifyClicks(clicks, asNew);
  if (!asNew.size) return { state: firstDay, existing: new Set(), classifiedAsNew };
  await yieldToEventLoop();
  // As four arrays (link, IP hash, day, epoch ms): the cheapest form for the database to read.
  const linkIds: string[] = [];
  const ipHashes: string[] = [];
  const days: string[] = [];
  const lastCounted: (number | null)[] = [];
  for (const [key, s] of asNew) {
    const cut = key.indexOf('\n');
    linkIds.push(key.slice(0, cut));
    ipHashes.push(key.slice(cut + 1));
    days.push(s.day);
    lastCounted.push(s.lastCountedMs);
  }
  // Only the rows that were there already come back (few: most visitors in a batch are new). A
  // row the statement inserted has no xmax; one it updated (locked) has its own transaction's.
  const existed = await queryRows<{ link_id: string; ip_hash: string; day: string; last_ms: number | null }>(
    tx,
    sql`with upserted as (
          insert into click_dedup as d (link_id, ip_hash, day, last_counted_at)
          select k.l, k.h, k.d, to_timestamp(k.t / 1000.0)
          from unnest(${textArrayLiteral(linkIds)}::text[], ${textArrayLiteral(ipHashes)}::text[],
            ${textArrayLiteral(days)}::date[], ${numberArrayLiteral(lastCounted)}::float8[]) as k(l, h, d, t)
          order by k.h collate "C", k.l collate "C"
          on conflict (ip_hash, link_id) do update set day = d.day
          returning d.link_id, d.ip_hash, d.day, d.last_counted_at, d.xmax <> '0'::xid as existed
        )
        select link_id, ip_hash, day::text as day, (extract(epoch from last_counted_at) * 1000)::float8 as last_ms
        from upserted where existed`,
  );
  const state = firstDay;
  const existing = new Set<string>();
  for (const r of existed) {
    const key = dedupKey(r.link_id, r.ip_hash);
    existing.add(key);
    state.set(key, { day: r.day, lastCountedMs: r.last_ms === null ? null : Number(r.last_ms) });
  }
  return { state, existing, classifiedAsNew };
}

async function saveDedupRows(tx: Db, state: Map<string, DedupState>, changed: Set<string>): Promise<void> {
  if (!changed.size) return;
  const rows = [...changed].map((key) => {
    const [linkId, ipHash] = key.split('\n') as [string, string];
    const s = state.get(key)!;
    return { link_id: linkId, ip_hash: ipHash, day: s.day, last_counted_at: new Date(s.lastCountedMs!).toISOString() };
  });
  await tx.execute(sql`
    update click_dedup d set day = u.day, last_counted_at = u.last_counted_at
    from json_to_recordset(${JSON.stringify(rows)}::json) as u(link_id text, ip_hash text, day date, last_counted_at timestamptz)
    where d.link_id = u.link_id and d.ip_hash = u.ip_hash`);
}

const CLICK_COLUMNS = 'id, clicked_at, link_id, program_id, owner_member_id, country, ua_class, referrer_host, ip_hash, status, sub_ids';
const COPY_CLICKS = `copy clicks (${CLICK_COLUMNS}) from stdin`;

const COPY_CHUNK = 500;

/** The batch as COPY text (one line per click, CLICK_COLUMNS order), a chunk at a time with the event loop let go between. */
async function* clicksAsCopyText(classified: ClassifiedClick[]): AsyncGenerator<string> {
  for (let from = 0; from < classified.length; from += COPY_CHUNK) {
    if (from) await yieldToEventLoop();
    let text = '';
    for (let i = from; i < Math.min(from + COPY_CHUNK, classified.length); i++) {
      const { click: c, status } = classified[i]!;
      text += `${copyField(c.id)}\t${c.clickedAt.toISOString()}\t${copyField(c.linkId)}\t${copyField(c.programId)}\t${copyField(c.ownerMemberId)}\t${copyField(c.country)}\t${c.uaClass}\t${copyField(c.referrerHost)}\t${copyField(c.ipHash)}\t${status}\t${copyField(c.subIds && JSON.stringify(c.subIds))}\n`;
    }
    yield text;
  }
}

/**
 * Stores the batch's clicks. A first attempt streams them with COPY where the driver can (half
 * PostgreSQL's cost of the multi-row insert), else one multi-row insert. A batch that may already
 * be stored (its earlier write failed, perhaps after the commit) skips the clicks that are, and
 * only the ids actually inserted are returned.
 */
async function insertClicks(tx: Db, classified: ClassifiedClick[], mayBeStored: boolean): Promise<Set<string> | 'all'> {
  if (!mayBeStored && (await copyFromText(tx, COPY_CLICKS, clicksAsCopyText(classified)))) return 'all';
  const rows = classified.map(({ click: c, status }) => ({
    id: c.id,
    clicked_at: c.clickedAt.toISOString(),
    link_id: c.linkId,
    program_id: c.programId,
    owner_member_id: c.ownerMemberId,
    country: c.country,
    ua_class: c.uaClass,
    referrer_host: c.referrerHost,
    ip_hash: c.ipHash,
    status,
    sub_ids: c.subIds,
  }));
  const insert = sql`insert into clicks (${sql.raw(CLICK_COLUMNS)})
    select r.id, r.clicked_at, r.link_id, r.program_id, r.owner_member_id, r.country, r.ua_class::click_ua_class, r.referrer_host, r.ip_hash, r.status::click_status, r.sub_ids
    from json_to_recordset(${JSON.stringify(rows)}::json) as r(id text, clicked_at timestamptz, link_id text, program_id text, owner_member_id text,
      country text, ua_class text, referrer_host text, ip_hash text, status text, sub_ids jsonb)`;
  if (!mayBeStored) {
    await tx.execute(insert);
    return 'all';
  }
  const inserted = await queryRows<{ id: string }>(tx, sql`${insert} on conflict do nothing returning id`);
  return new Set(inserted.map((r) => r.id));
}

async function addToRollups(tx: Db, stored: ClassifiedClick[]): Promise<void> {
  const deltas = rollupDeltas(stored);
  if (!deltas.length) return;
  await tx.execute(sql`
    insert into click_daily_rollups as t (day, link_id, country, program_id, owner_member_id, clicks, unique_clicks, duplicate_clicks, bot_clicks)
    select r.day, r.link_id, r.country, r.program_id, r.owner_member_id, r.clicks, r.unique_clicks, r.duplicate_clicks, r.bot_clicks
    from json_to_recordset(${JSON.stringify(deltas)}::json) as r(day date, link_id text, country text, program_id text, owner_member_id text,
      clicks int, unique_clicks int, duplicate_clicks int, bot_clicks int)
    order by r.day, r.link_id collate "C", r.country collate "C"
    on conflict (day, link_id, country) do update set
      clicks = t.clicks + excluded.clicks,
      unique_clicks = t.unique_clicks + excluded.unique_clicks,
      duplicate_clicks = t.duplicate_clicks + excluded.duplicate_clicks,
      bot_clicks = t.bot_clicks + excluded.bot_clicks,
      updated_at = now()`);
}

export interface WriteOptions {
  /**
   * Whether some of the clicks may be stored already: an earlier write of them failed, possibly
   * after it committed. Safe by default; the buffer passes false for clicks never tried before.
   */
  mayBeStored?: boolean;
}

/**
 * Writes one batch of clicks: classification (bot, duplicate, counted), the clicks themselves and
 * the daily rollups, in one transaction and a fixed number of statements whatever the batch size.
 * Safe to call again with the same clicks after an ambiguous failure: only newly inserted clicks
 * reach the rollups.
 */
export async function writeClickBatch(db: Db, clicks: PendingClick[], opts: WriteOptions = {}): Promise<ClickBatchResult> {
  const result: ClickBatchResult = { inserted: 0, counted: 0, duplicates: 0, bots: 0 };
  if (!clicks.length) return result;
  try {
    await ensurePartitions(db, clicks);
    await db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const { state, existing, classifiedAsNew } = await lockDedupRows(tx, clicks);
      let classified = classifiedAsNew;
      if (existing.size) {
        const again = classifyClicks(clicks, state);
        classified = again.classified;
        // Rows created by this batch already hold their outcome.
        for (const key of again.changed) if (!existing.has(key)) again.changed.delete(key);
        await saveDedupRows(tx, state, again.changed);
      }
      const insertedIds = await insertClicks(tx, classified, opts.mayBeStored ?? true);
      const stored = insertedIds === 'all' ? classified : classified.filter((c) => insertedIds.has(c.click.id));
      await addToRollups(tx, stored);
      for (const c of stored) {
        if (c.status === 'counted') result.counted++;
        else if (c.status === 'duplicate') result.duplicates++;
        else result.bots++;
      }
      result.inserted = stored.length;
    });
  } catch (err) {
    ensuredMonths.delete(db);
    throw err;
  }
  return result;
}

/** SQLSTATE of a driver error (drizzle wraps it in `cause`), if any. */
function sqlState(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Data exceptions (22) and integrity violations (23) come from the clicks themselves (a link that
 * does not exist, a value too long): retrying the same batch can never succeed. Anything else
 * (connection lost, database down, deadlock, missing table) may pass on a retry.
 */
export function isRejectedByData(err: unknown): boolean {
  const state = sqlState(err);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}

export interface ClickWriteOutcome {
  written: number;
  rejected: number;
}

/**
 * `writeClickBatch`, except that when the data itself is refused it splits the batch in halves
 * until the offending clicks are alone, logs and drops those, and writes the rest. One bad click
 * must not block every click behind it forever. Other failures are thrown for the caller to retry.
 */
export async function writeClicks(db: Db, clicks: PendingClick[], logger: Logger, opts: WriteOptions & { retried?: boolean } = {}): Promise<ClickWriteOutcome> {
  try {
    await writeClickBatch(db, clicks, opts);
    return { written: clicks.length, rejected: 0 };
  } catch (err) {
    if (!isRejectedByData(err)) throw err;
    // A refused statement rolled the whole transaction back, so nothing of it is stored.
    const again = { mayBeStored: opts.mayBeStored, retried: true };
    // Once as is: a month whose partition retention dropped behind this process's back fails
    // with a constraint error, and the failure made the writer forget the months it had ensured.
    if (!opts.retried) return await writeClicks(db, clicks, logger, again);
    if (clicks.length === 1) {
      logger.error({ err, click: clicks[0] }, 'click refused by the database; dropped');
      return { written: 0, rejected: 1 };
    }
    const mid = clicks.length >> 1;
    const first = await writeClicks(db, clicks.slice(0, mid), logger, again);
    const second = await writeClicks(db, clicks.slice(mid), logger, again);
    return { written: first.written + second.written, rejected: first.rejected + second.rejected };
  }
}
