import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members } from '../../../db/schema/index.js';
import { createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { HEADER, importFile, prepareProgram } from './fixtures.js';

/**
 * A member file is a way in like a request body: a NUL or a lone surrogate in a cell, a key or a
 * header rejects that row (or the file) with the field named, and the import still finishes.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const NOT_STORABLE = 'contains a NUL character or a lone UTF-16 surrogate';

describe('member imports with unstorable text', () => {
  it('rejects each CSV row with a NUL cell, naming the field, and imports the rest', async () => {
    const w = await createWorld(h);
    await prepareProgram(h, w.program.id);
    const csv = [HEADER, 'nul-1,,Ad\u0000a,,,DE,,,,,,,,', 'nul-2,,Ada,,,DE,,,,Go\u0000ld,,,,', 'nul-3,,Ada,,,DE,,,,,,,,', 'nul-4,,Ada,,,DE,,,,,,,4\u00002,'].join('\n');
    const { run } = await importFile(h, w.admin.token, w.program.id, csv);
    expect(run).toMatchObject({ status: 'completed', insertedRows: 1, failedRows: 3 });
    expect(run.errors.data).toEqual([
      { line: 2, field: 'name', reason: NOT_STORABLE },
      { line: 3, field: 'tier', reason: NOT_STORABLE },
      { line: 5, field: 'customFields.shoe_size', reason: NOT_STORABLE },
    ]);
    const [imported] = await h.db.select().from(members).where(and(eq(members.programId, w.program.id), eq(members.externalId, 'nul-3')));
    expect(imported?.name).toBe('Ada');
  });

  it('rejects NDJSON rows with lone surrogates or NULs in values and keys', async () => {
    const w = await createWorld(h);
    await prepareProgram(h, w.program.id);
    const lines = [
      '{"externalId":"sur-1","name":"\\ud800x"}',
      '{"externalId":"sur-2","name":"Ada","customFields":{"plan\\u0000":"pro"}}',
      '{"externalId":"sur-3","name":"Ada","nick\\udc00":"x"}',
      '{"externalId":"sur-4","name":"Ada","referredByExternalId":"a\\u0000"}',
      '{"externalId":"sur-5","name":"Ada 😀"}',
    ];
    const { run } = await importFile(h, w.admin.token, w.program.id, lines.join('\n'), { format: 'ndjson' });
    expect(run).toMatchObject({ status: 'completed', insertedRows: 1, failedRows: 4 });
    expect(run.errors.data).toEqual([
      { line: 1, field: 'name', reason: NOT_STORABLE },
      { line: 2, field: 'customFields.plan\\u0000', reason: NOT_STORABLE },
      { line: 3, field: 'nick\\udc00', reason: NOT_STORABLE },
      { line: 4, field: 'referredByExternalId', reason: NOT_STORABLE },
    ]);
  });

  it('fails a file whose header has a NUL with a stored, readable reason', async () => {
    const w = await createWorld(h);
    const { run } = await importFile(h, w.admin.token, w.program.id, 'externalId,na\u0000me\next-1,Ada\n');
    expect(run.status).toBe('failed');
    expect(run.failureReason).toContain('na\\u0000me is not a known column');
    expect(run.errors.data).toEqual([{ line: 1, field: 'na\\u0000me', reason: 'is not a known column' }]);
  });
});
