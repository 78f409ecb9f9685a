import { and, count, eq, sql, sum } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRuns, members, pointsAccounts, pointsEntries, pointsLots, tierHistory } from '../../../db/schema/index.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createWorld } from '../../helpers/factories.js';
import { csvLine, HEADER, importFile, memberRow, prepareProgram } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const ROWS = 10_000;
// Row i sits on line i + 2 (the header is line 1).
const lineOf = (i: number) => i + 2;

/** 10,000 members with five bad rows and one forward referral (row 7 is referred by a later row). */
function acceptanceCsv(): string {
  const lines = [HEADER];
  for (let i = 0; i < ROWS; i++) {
    const r = memberRow(i);
    if (i === 7) r.referredByExternalId = 'ext-9000';
    let line = csvLine(r);
    if (i === 100) line = line.replace(r.email, 'not-an-email');
    if (i === 200) line = line.replace(',US,', ',XX,').replace(',DE,', ',XX,');
    if (i === 300) line = line.replace(/,(basic|pro)$/, '').replace(/,\d+$/, ',big') + ',' + r.plan;
    if (i === 400) line = line.replace(`${r.externalId},${r.email}`, ',');
    if (i === 500) line = line.replace(r.externalId, 'ext-499');
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}

const EXPECTED_ERRORS = [
  { line: lineOf(100), field: 'email', reason: expect.stringMatching(/valid email/) },
  { line: lineOf(200), field: 'country', reason: expect.stringMatching(/ISO 3166/) },
  { line: lineOf(300), field: 'customFields.shoe_size', reason: 'must be a number' },
  { line: lineOf(400), field: 'externalId', reason: expect.stringMatching(/externalId or an email/) },
  { line: lineOf(500), field: 'externalId', reason: `duplicate of line ${lineOf(499)} in this file` },
];

async function ledgerOf(programId: string) {
  const [entries] = await h.db.select({ n: count() }).from(pointsEntries).where(eq(pointsEntries.programId, programId));
  const [lots] = await h.db.select({ n: count(), remaining: sum(pointsLots.remaining) }).from(pointsLots).where(eq(pointsLots.programId, programId));
  const [accounts] = await h.db.select({ available: sum(pointsAccounts.available) }).from(pointsAccounts).where(eq(pointsAccounts.programId, programId));
  return { entries: entries!.n, lots: lots!.n, lotPoints: Number(lots!.remaining ?? 0), accountPoints: Number(accounts!.available ?? 0) };
}

async function memberCount(programId: string) {
  const [row] = await h.db.select({ n: count() }).from(members).where(eq(members.programId, programId));
  return row!.n;
}

describe('member import', () => {
  it('puts in the good rows of a 10,000-row CSV, reports each bad one, and changes nothing the second time', async () => {
    const w = await createWorld(h);
    const { gold, bronze } = await prepareProgram(h, w.program.id);
    const before = await memberCount(w.program.id);
    const csv = acceptanceCsv();

    const { accepted, run } = await importFile(h, w.admin.token, w.program.id, csv);
    expect(accepted.body).toEqual({ id: expect.stringMatching(/^imp_/), status: 'queued' });
    expect(run).toMatchObject({ status: 'completed', totalRows: ROWS, processedRows: ROWS, insertedRows: ROWS - 5, updatedRows: 0, unchangedRows: 0, failedRows: 5 });
    expect(run.errors.data).toEqual(EXPECTED_ERRORS);
    expect(await memberCount(w.program.id)).toBe(before + ROWS - 5);

    // Tier, custom fields, referrals (same batch and forward) and the opening balance landed.
    const byExt = async (ext: string) => (await h.db.select().from(members).where(and(eq(members.programId, w.program.id), eq(members.externalId, ext))))[0]!;
    const m3 = await byExt('ext-3');
    expect(m3).toMatchObject({ tierId: gold.id, country: 'US', locale: 'en', source: 'import', customFields: { shoe_size: 39, plan: 'pro' }, referredByMemberId: (await byExt('ext-1')).id });
    expect((await byExt('ext-4')).tierId).toBe(bronze.id);
    expect((await byExt('ext-7')).referredByMemberId).toBe((await byExt('ext-9000')).id);
    const [history] = await h.db.select().from(tierHistory).where(eq(tierHistory.memberId, m3.id));
    expect(history).toMatchObject({ reason: 'import', fromTierId: null, toTierId: gold.id });
    const [account] = await h.db.select().from(pointsAccounts).where(eq(pointsAccounts.memberId, m3.id));
    expect(account).toMatchObject({ available: 3, pending: 0 });
    const [entry] = await h.db.select().from(pointsEntries).where(eq(pointsEntries.memberId, m3.id));
    expect(entry).toMatchObject({ idempotencyKey: `import-opening:${m3.id}`, amount: 3 });

    // Ledger invariants: one lot per entry, accounts equal to the lots, balances as in the file.
    const expectedPoints = Array.from({ length: ROWS }, (_, i) => i)
      .filter((i) => ![100, 200, 300, 400, 500].includes(i))
      .reduce((s, i) => s + memberRow(i).pointsBalance, 0);
    const ledger = await ledgerOf(w.program.id);
    expect(ledger).toEqual({ entries: ledger.lots, lots: ledger.lots, lotPoints: expectedPoints, accountPoints: expectedPoints });

    const second = await importFile(h, w.admin.token, w.program.id, csv);
    expect(second.run).toMatchObject({ status: 'completed', processedRows: ROWS, insertedRows: 0, updatedRows: 0, unchangedRows: ROWS - 5, failedRows: 5 });
    expect(second.run.errors.data).toEqual(EXPECTED_ERRORS);
    expect(await ledgerOf(w.program.id)).toEqual(ledger);
    expect(await memberCount(w.program.id)).toBe(before + ROWS - 5);
    const [tierRows] = await h.db.select({ n: count() }).from(tierHistory).where(eq(tierHistory.programId, w.program.id));
    expect(tierRows!.n).toBe(ROWS - 5);
  });

  it('dry-run reports every error (including clashes with stored members) and writes nothing', async () => {
    const w = await createWorld(h);
    await prepareProgram(h, w.program.id);
    // A stored member whose email the file gives to another externalId.
    const clash = memberRow(50);
    await h.db.insert(members).values({ programId: w.program.id, externalId: 'crm-elsewhere', email: clash.email, emailNormalized: clash.email });
    const before = { members: await memberCount(w.program.id), ledger: await ledgerOf(w.program.id) };

    const { run } = await importFile(h, w.admin.token, w.program.id, acceptanceCsv(), { dryRun: true });
    expect(run).toMatchObject({ status: 'completed', dryRun: true, processedRows: ROWS, insertedRows: ROWS - 6, failedRows: 6 });
    expect(run.errors.data).toEqual(
      [...EXPECTED_ERRORS, { line: lineOf(50), field: 'email', reason: 'already belongs to the member with externalId crm-elsewhere' }].sort((a, b) => a.line - b.line),
    );
    expect(await memberCount(w.program.id)).toBe(before.members);
    expect(await ledgerOf(w.program.id)).toEqual(before.ledger);
    const [runs] = await h.db.select({ n: count() }).from(importRuns).where(eq(importRuns.programId, w.program.id));
    expect(runs!.n).toBe(1);
  });

  it('updates only rows that changed and moves tiers with history', async () => {
    const w = await createWorld(h);
    const { gold } = await prepareProgram(h, w.program.id);
    const rows = [0, 1, 2].map((i) => memberRow(i));
    await importFile(h, w.admin.token, w.program.id, [HEADER, ...rows.map(csvLine)].join('\n'));
    rows[1]!.name = 'Renamed';
    rows[2]!.tier = 'GOLD';
    rows[2]!.pointsBalance = 999; // an opening balance happens once: ignored now
    const { run } = await importFile(h, w.admin.token, w.program.id, [HEADER, ...rows.map(csvLine)].join('\n'));
    expect(run).toMatchObject({ insertedRows: 0, updatedRows: 2, unchangedRows: 1, failedRows: 0 });
    const [m2] = await h.db.select().from(members).where(and(eq(members.programId, w.program.id), eq(members.externalId, 'ext-2')));
    expect(m2!.tierId).toBe(gold.id);
    const history = await h.db.select().from(tierHistory).where(eq(tierHistory.memberId, m2!.id)).orderBy(tierHistory.id);
    expect(history.map((t) => t.reason)).toEqual(['import', 'import']);
    const [account] = await h.db.select().from(pointsAccounts).where(eq(pointsAccounts.memberId, m2!.id));
    expect(account!.available).toBe(2);
  });

  it('shows progress and lists runs; a bad header fails the run', async () => {
    const w = await createWorld(h);
    await prepareProgram(h, w.program.id);
    const { accepted, run } = await importFile(h, w.apiKey, w.program.id, 'externalId,email,shoe\next-1,a@example.test,42\n');
    expect(run).toMatchObject({ status: 'failed', processedRows: 0, failureReason: expect.stringMatching(/shoe is not a known column/) });
    expect(run.errors.data).toEqual([{ line: 1, field: 'shoe', reason: 'is not a known column' }]);
    const ok = await importFile(h, w.apiKey, w.program.id, `${HEADER}\n${csvLine(memberRow(1))}\n`);
    const list = await h.request('GET', `/v1/programs/${w.program.id}/imports?limit=1`, { token: w.admin.token });
    expect(list.status).toBe(200);
    expect(list.body.data.map((r: { id: string }) => r.id)).toEqual([ok.accepted.body.id]);
    const page2 = await h.request('GET', `/v1/programs/${w.program.id}/imports?limit=1&cursor=${list.body.nextCursor}`, { token: w.admin.token });
    expect(page2.body).toMatchObject({ data: [{ id: accepted.body.id, status: 'failed' }], nextCursor: null });
    // Chunks are removed once a run is finished.
    const chunks = await h.db.execute(sql`select count(*)::int as n from import_chunks where import_id = ${ok.accepted.body.id}`);
    expect(JSON.stringify(chunks)).toContain('"n":0');
  });

  it('pages row errors', async () => {
    const w = await createWorld(h);
    await prepareProgram(h, w.program.id);
    const body = [HEADER, ...Array.from({ length: 5 }, (_, i) => csvLine({ ...memberRow(i), country: 'ZZ' }))].join('\n');
    const { accepted } = await importFile(h, w.admin.token, w.program.id, body);
    const page1 = await h.request('GET', `/v1/programs/${w.program.id}/imports/${accepted.body.id}?errorsLimit=3`, { token: w.admin.token });
    expect(page1.body.errors.data.map((e: { line: number }) => e.line)).toEqual([2, 3, 4]);
    const page2 = await h.request('GET', `/v1/programs/${w.program.id}/imports/${accepted.body.id}?errorsLimit=3&errorsCursor=${page1.body.errors.nextCursor}`, { token: w.admin.token });
    expect(page2.body.errors).toEqual({ data: [expect.objectContaining({ line: 5 }), expect.objectContaining({ line: 6 })], nextCursor: null });
  });

  it('lets only admins and API keys import, and hides other programs', async () => {
    const w = await createWorld(h);
    const other = await createWorld(h);
    for (const token of [w.manager.token, w.affiliate.token, w.member.token]) {
      const res = await h.request('POST', `/v1/programs/${w.program.id}/imports?format=csv`, { token, rawBody: HEADER, headers: { 'content-type': 'text/csv' } });
      expect(res.status).toBe(403);
    }
    const foreign = await h.request('POST', `/v1/programs/${other.program.id}/imports?format=csv`, { token: w.apiKey, rawBody: HEADER, headers: { 'content-type': 'text/csv' } });
    expect(foreign.status).toBe(404);
    const noFormat = await h.request('POST', `/v1/programs/${w.program.id}/imports`, { token: w.admin.token, rawBody: HEADER, headers: { 'content-type': 'text/plain' } });
    expect(noFormat.status).toBe(400);
    expect(noFormat.body.error.details.issues[0].field).toBe('query.format');
    const unknown = await h.request('GET', `/v1/programs/${w.program.id}/imports/imp_nope`, { token: w.admin.token });
    expect(unknown.status).toBe(404);
  });
});
