import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members } from '../../../db/schema/index.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createMember, createWorld } from '../../helpers/factories.js';
import { csvLine, HEADER, importFile, memberRow, ndjsonLine, prepareProgram } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const N = 2_500; // more than two export batches

describe('member export and NDJSON import', () => {
  it('imports NDJSON, including bad JSON lines and unknown keys', async () => {
    const w = await createWorld(h);
    const { gold } = await prepareProgram(h, w.program.id);
    const lines = Array.from({ length: 50 }, (_, i) => ndjsonLine(memberRow(i, 'nd')));
    lines[10] = '{"externalId": "nd-10", oops';
    lines[20] = JSON.stringify({ externalId: 'nd-20', colour: 'red' });
    lines[30] = JSON.stringify({ externalId: 'nd-30', customFields: { plan: 'platinum' } });
    const { run } = await importFile(h, w.apiKey, w.program.id, lines.join('\n') + '\n\n', { format: 'ndjson' });
    expect(run).toMatchObject({ status: 'completed', totalRows: 50, insertedRows: 47, failedRows: 3 });
    expect(run.errors.data).toEqual([
      { line: 11, reason: 'is not valid JSON' },
      { line: 21, field: 'colour', reason: 'is not a known field' },
      { line: 31, field: 'customFields.plan', reason: 'must be one of: basic, pro' },
    ]);
    const [m] = await h.db.select().from(members).where(and(eq(members.programId, w.program.id), eq(members.externalId, 'nd-3')));
    expect(m).toMatchObject({ tierId: gold.id, customFields: { shoe_size: 39, plan: 'pro' }, email: 'nd-user3@example.test' });
  });

  for (const format of ['csv', 'ndjson'] as const) {
    it(`exports ${format} that imports back as all unchanged`, async () => {
      const w = await createWorld(h);
      await prepareProgram(h, w.program.id);
      // Also a member made elsewhere (no externalId, no tier) and one with ledger history.
      await createMember(h, w.program.id, { name: 'Plain', country: 'US' });
      const body = [HEADER, ...Array.from({ length: N }, (_, i) => csvLine(memberRow(i)))].join('\n');
      await importFile(h, w.admin.token, w.program.id, body);

      // Read as text: the harness would parse an ndjson body as one JSON document.
      const exported = await h.app.request(`/v1/programs/${w.program.id}/members/export?format=${format}`, { headers: { authorization: `Bearer ${w.apiKey}` } });
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-type')).toContain(format === 'csv' ? 'text/csv' : 'application/x-ndjson');
      const text = await exported.text();
      const total = N + 3; // + the world's affiliate and member, + Plain
      expect(text.trim().split('\n')).toHaveLength(format === 'csv' ? total + 1 : total);
      // Custom field columns come in key order.
      if (format === 'csv') expect(text.split('\n')[0]).toBe(HEADER.replace('cf.shoe_size,cf.plan', 'cf.plan,cf.shoe_size'));
      else expect(JSON.parse(text.split('\n')[1]!)).toMatchObject({ tier: null, customFields: {} });

      const { run } = await importFile(h, w.admin.token, w.program.id, text, { format });
      expect(run).toMatchObject({ status: 'completed', processedRows: total, insertedRows: 0, updatedRows: 0, unchangedRows: total, failedRows: 0 });
    });
  }

  it('guards formula-like cells in the CSV, and imports them back unchanged', async () => {
    const w = await createWorld(h);
    const hostile = [
      { externalId: 'x-1', name: '=HYPERLINK("http://evil.test","click")', phone: '+49 30 1234567' },
      { externalId: 'x-2', name: "'=already quoted" },
      { externalId: 'x-3', name: "'s-Hertogenbosch" },
      { externalId: 'x-4', name: '@SUM(A1)' },
    ];
    for (const m of hostile) await createMember(h, w.program.id, m);
    const exported = await h.app.request(`/v1/programs/${w.program.id}/members/export?format=csv`, { headers: { authorization: `Bearer ${w.apiKey}` } });
    const text = await exported.text();
    const line = (id: string) => text.split('\n').find((l) => l.startsWith(`${id},`))!;
    expect(line('x-1')).toContain(`"'=HYPERLINK(""http://evil.test"",""click"")"`);
    expect(line('x-1')).toContain("'+49 30 1234567");
    expect(line('x-2')).toContain("''=already quoted");
    expect(line('x-4')).toContain("'@SUM(A1)");
    expect(line('x-3')).toContain(",'s-Hertogenbosch,");

    const { run } = await importFile(h, w.admin.token, w.program.id, text);
    expect(run).toMatchObject({ status: 'completed', failedRows: 0, updatedRows: 0 });
    for (const m of hostile) {
      const [stored] = await h.db.select().from(members).where(and(eq(members.programId, w.program.id), eq(members.externalId, m.externalId)));
      expect(stored).toMatchObject(m);
    }
  });

  it('exports only the members a regional manager may see, in the import format', async () => {
    const w = await createWorld(h);
    await prepareProgram(h, w.program.id);
    await importFile(h, w.admin.token, w.program.id, [HEADER, csvLine(memberRow(3)), csvLine(memberRow(4))].join('\n'));
    const res = await h.request('GET', `/v1/programs/${w.program.id}/members/export`, { token: w.manager.token });
    expect(res.status).toBe(200);
    const rows = (res.body as string).trim().split('\n');
    expect(rows.slice(1).every((r) => r.includes(',DE,'))).toBe(true);
    expect(rows).toContain("ext-4,ext-user4@example.test,Member 4,'+49 30 1234567,1990-04-23,DE,de,import,active,Bronze,4,,basic,40");
    const denied = await h.request('GET', `/v1/programs/${w.program.id}/members/export`, { token: w.member.token });
    expect(denied.status).toBe(403);
  });
});
