import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../../db/client.js';
import { newId } from '../../../../db/ids.js';
import type { ImportRowError } from '../../../../db/schema/index.js';
import { creditOpeningBalances } from '../../points/opening-balance.js';
import type { PointsSettings } from '../../points/settings.js';
import { liveTiers } from '../../tiers/tiers.js';
import { loadCustomFieldDefinitions } from '../definitions.js';
import type { RawMemberRow } from './format.js';
import { matchRow, mergeRow, type ImportedMember } from './match.js';
import { validateImportRow, type ValidRow } from './validate-row.js';

export interface BatchInput {
  programId: string;
  rows: { line: number; raw: RawMemberRow }[];
  /** Every externalId in the file: a referrer further down the file is linked once the file is done. */
  fileExternalIds: ReadonlySet<string>;
  pointsSettings: Pick<PointsSettings, 'expiryMonths'>;
  now: Date;
  actorType: string;
  actorId: string | null;
}

export interface BatchResult {
  inserted: number;
  updated: number;
  unchanged: number;
  errors: ImportRowError[];
  /** Referrals whose referrer was not stored yet when the batch ran. */
  deferredReferrals: { memberId: string; referrerExternalId: string; line: number }[];
  /** External ids of the rows that went in (later rows may name them as referrers). */
  acceptedExternalIds: string[];
}

const MEMBER_COLUMNS = sql.raw(
  'id, external_id, name, email, email_normalized, phone, birthday::text as birthday, country, locale, source, status, custom_fields, tier_id, tier_achieved_at, referred_by_member_id',
);

type StoredRow = {
  id: string;
  external_id: string | null;
  name: string;
  email: string | null;
  email_normalized: string | null;
  phone: string | null;
  birthday: string | null;
  country: string | null;
  locale: string | null;
  source: string;
  status: ImportedMember['status'];
  custom_fields: Record<string, unknown> | string;
  tier_id: string | null;
  tier_achieved_at: Date | string | null;
  referred_by_member_id: string | null;
};

const toMember = (r: StoredRow): ImportedMember => ({
  id: r.id,
  externalId: r.external_id,
  name: r.name,
  email: r.email,
  emailNormalized: r.email_normalized,
  phone: r.phone,
  birthday: r.birthday,
  country: r.country,
  locale: r.locale,
  source: r.source,
  status: r.status,
  customFields: typeof r.custom_fields === 'string' ? JSON.parse(r.custom_fields) : r.custom_fields,
  tierId: r.tier_id,
  tierAchievedAt: r.tier_achieved_at === null ? null : new Date(r.tier_achieved_at),
  referredByMemberId: r.referred_by_member_id,
});

/**
 * Validates, matches and writes one batch of rows inside the caller's transaction: a bulk upsert
 * that only touches members that really change, tier history for tier changes, and opening
 * balances through the ledger. Rejected rows are returned as errors; good rows go in.
 */
export async function applyImportBatch(db: Db, input: BatchInput): Promise<BatchResult> {
  const { programId, now } = input;
  const errors: ImportRowError[] = [];
  const fail = (line: number, issues: { field?: string; reason: string }[]) => {
    for (const issue of issues) errors.push({ line, ...(issue.field ? { field: issue.field } : {}), reason: issue.reason });
  };

  const definitions = await loadCustomFieldDefinitions(db, programId);
  const tierIdsByName = new Map((await liveTiers(db, programId)).map((t) => [t.name.trim().toLowerCase(), t.id]));
  const valid: ValidRow[] = [];
  for (const { line, raw } of input.rows) {
    const checked = validateImportRow(line, raw, { definitions, tierIdsByName });
    if (checked.ok) valid.push(checked.row);
    else fail(line, checked.issues);
  }

  // Lock the stored members this batch touches (fixed order), so a concurrent edit is not lost.
  const externalIds = valid.flatMap((r) => (r.externalId ? [r.externalId] : []));
  const emails = valid.flatMap((r) => (r.emailNormalized ? [r.emailNormalized] : []));
  const stored = (
    await queryRows<StoredRow>(
      db,
      // Two index lookups (a UNION rather than an OR, which would scan the program's members).
      sql`select ${MEMBER_COLUMNS} from members
          where id in (
            select id from members where program_id = ${programId}
              and external_id in (select jsonb_array_elements_text(${JSON.stringify(externalIds)}::jsonb))
            union
            select id from members where program_id = ${programId}
              and email_normalized in (select jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb)))
          order by id for no key update`,
    )
  ).map(toMember);
  const existing = {
    byExternalId: new Map(stored.flatMap((m) => (m.externalId ? [[m.externalId, m] as const] : []))),
    byEmail: new Map(stored.flatMap((m) => (m.emailNormalized ? [[m.emailNormalized, m] as const] : []))),
  };

  const matched: { row: ValidRow; stored: ImportedMember | null; id: string }[] = [];
  for (const row of valid) {
    const match = matchRow(row, existing);
    if ('issue' in match) fail(row.line, [match.issue]);
    else matched.push({ row, stored: match.member, id: match.member?.id ?? newId('mem') });
  }

  // Referrers: stored members, or members of this very batch (linked in the same statement).
  const referrerIds = new Map<string, string>();
  const wanted = [...new Set(matched.flatMap((m) => (m.row.referredByExternalId ? [m.row.referredByExternalId] : [])))];
  if (wanted.length) {
    const found = await queryRows<{ id: string; external_id: string }>(
      db,
      sql`select id, external_id from members
          where program_id = ${programId} and external_id in (select jsonb_array_elements_text(${JSON.stringify(wanted)}::jsonb))`,
    );
    for (const r of found) referrerIds.set(r.external_id, r.id);
    for (const m of matched) if (m.row.externalId && !referrerIds.has(m.row.externalId)) referrerIds.set(m.row.externalId, m.id);
  }

  const writes: { row: ValidRow; member: ImportedMember; isNew: boolean; tierChanged: boolean; fromTierId: string | null }[] = [];
  const deferredReferrals: BatchResult['deferredReferrals'] = [];
  for (const { row, stored: before, id } of matched) {
    let referredByMemberId: string | undefined;
    if (row.referredByExternalId) {
      referredByMemberId = referrerIds.get(row.referredByExternalId);
      if (!referredByMemberId) {
        if (!input.fileExternalIds.has(row.referredByExternalId)) {
          fail(row.line, [{ field: 'referredByExternalId', reason: `no member has externalId ${row.referredByExternalId}` }]);
          continue;
        }
        deferredReferrals.push({ memberId: id, referrerExternalId: row.referredByExternalId, line: row.line });
      }
    }
    const merged = mergeRow(id, row, before, { definitions, referredByMemberId, now, source: 'import' });
    if ('issues' in merged) {
      fail(row.line, merged.issues);
      continue;
    }
    writes.push({ row, member: merged.member, isNew: !before, tierChanged: merged.tierChanged, fromTierId: before?.tierId ?? null });
  }

  const written = await upsertMembers(db, programId, writes.map((w) => w.member), now);
  const tierChanges = writes.filter((w) => w.tierChanged && written.has(w.member.id));
  if (tierChanges.length) {
    const changes = tierChanges.map((w) => ({ id: newId('tih'), member_id: w.member.id, from_tier_id: w.fromTierId, to_tier_id: w.member.tierId }));
    await db.execute(sql`
      insert into tier_history (id, program_id, member_id, from_tier_id, to_tier_id, reason, effective_at, created_at)
      select c.id, ${programId}, c.member_id, c.from_tier_id, c.to_tier_id, 'import', ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as c(id text, member_id text, from_tier_id text, to_tier_id text)`);
  }
  const credited = new Set(
    await creditOpeningBalances(db, {
      programId,
      balances: writes.flatMap((w) => (w.row.pointsBalance ? [{ memberId: w.member.id, points: w.row.pointsBalance }] : [])),
      settings: input.pointsSettings,
      now,
      actorType: input.actorType,
      actorId: input.actorId,
    }),
  );

  const acceptedExternalIds = writes.flatMap((w) => (w.member.externalId ? [w.member.externalId] : []));
  const result: BatchResult = { inserted: 0, updated: 0, unchanged: 0, errors, deferredReferrals, acceptedExternalIds };
  for (const w of writes) {
    if (w.isNew) result.inserted++;
    else if (written.has(w.member.id) || credited.has(w.member.id)) result.updated++;
    else result.unchanged++;
  }
  return result;
}

/** One INSERT ... ON CONFLICT DO UPDATE for the batch; returns the ids actually written. */
async function upsertMembers(db: Db, programId: string, rows: ImportedMember[], now: Date): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const payload = rows.map((m) => ({
    id: m.id,
    external_id: m.externalId,
    name: m.name,
    email: m.email,
    email_normalized: m.emailNormalized,
    phone: m.phone,
    birthday: m.birthday,
    country: m.country,
    locale: m.locale,
    source: m.source,
    status: m.status,
    custom_fields: m.customFields,
    tier_id: m.tierId,
    tier_achieved_at: m.tierAchievedAt?.toISOString() ?? null,
    referred_by_member_id: m.referredByMemberId,
  }));
  const ts = now.toISOString();
  const changed = await queryRows<{ id: string }>(
    db,
    sql`
      insert into members as m (id, program_id, external_id, name, email, email_normalized, phone, birthday, country, locale, source, status,
                                custom_fields, tier_id, tier_achieved_at, referred_by_member_id, created_at, updated_at)
      select r.id, ${programId}, r.external_id, r.name, r.email, r.email_normalized, r.phone, r.birthday, r.country, r.locale, r.source, r.status,
             r.custom_fields, r.tier_id, r.tier_achieved_at, r.referred_by_member_id, ${ts}::timestamptz, ${ts}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(payload)}::jsonb) as r(
        id text, external_id text, name text, email text, email_normalized text, phone text, birthday date, country char(2), locale text,
        source text, status member_status, custom_fields jsonb, tier_id text, tier_achieved_at timestamptz, referred_by_member_id text)
      on conflict (id) do update set
        external_id = excluded.external_id, name = excluded.name, email = excluded.email, email_normalized = excluded.email_normalized,
        phone = excluded.phone, birthday = excluded.birthday, country = excluded.country, locale = excluded.locale, source = excluded.source,
        status = excluded.status, custom_fields = excluded.custom_fields, tier_id = excluded.tier_id,
        -- Compared in the database: a JS Date would drop the stored microseconds and look like a change.
        tier_achieved_at = case when excluded.tier_id is distinct from m.tier_id then excluded.tier_achieved_at else m.tier_achieved_at end,
        referred_by_member_id = excluded.referred_by_member_id, updated_at = excluded.updated_at
      where (m.external_id, m.name, m.email, m.email_normalized, m.phone, m.birthday, m.country, m.locale, m.source, m.status,
             m.custom_fields, m.tier_id, m.referred_by_member_id)
        is distinct from
            (excluded.external_id, excluded.name, excluded.email, excluded.email_normalized, excluded.phone, excluded.birthday, excluded.country,
             excluded.locale, excluded.source, excluded.status, excluded.custom_fields, excluded.tier_id, excluded.referred_by_member_id)
      returning m.id
    `,
  );
  return new Set(changed.map((r) => r.id));
}
