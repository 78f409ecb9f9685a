import type { Db } from '../../../db/client.js';
import { loadPolicyBooks, type PolicyBook } from '../../payouts/policies/in-force.js';
import { fraudSettingsOf, type FraudSettings } from '../fraud/settings.js';
import { linkSettingsOf } from '../links/settings.js';
import { rawRows } from './raw-sql.js';
import { conversionSettingsOf, type ConversionSettings } from './settings.js';

/**
 * What processing needs of a program besides money state: its settings, parsed, and its
 * commission policy versions. Parsing settings and reading every version for each conversion was
 * a large part of processing, so they are kept per process and checked against a stamp each batch
 * reads with its conversions (the program row's xmin, which every update of the row changes, and
 * the number of policy versions, which are only ever added). A stale entry is never used: a
 * changed stamp reloads it, in whichever process sees the change first.
 */
export interface ProgramFacts {
  programId: string;
  stamp: string;
  conversions: ConversionSettings;
  fraud: FraudSettings;
  /** The program's links.attributionWindowDays: the window where no policy says otherwise. */
  linkWindowDays: number;
  policies: PolicyBook;
}

/** The stamp of a program as the batch's locking query reads it. */
export const programStamp = (rowXmin: string, policyVersions: number) => `${rowXmin}:${policyVersions}`;

const MAX_PROGRAMS = 1_000;
const cache = new Map<string, ProgramFacts>();

/** The facts of each program, from the cache when its stamp still matches, else loaded (one pair of queries for all misses). */
export async function programFacts(db: Db, stamps: ReadonlyMap<string, string>): Promise<Map<string, ProgramFacts>> {
  const out = new Map<string, ProgramFacts>();
  const missing: string[] = [];
  for (const [programId, stamp] of stamps) {
    const cached = cache.get(programId);
    if (cached && cached.stamp === stamp) out.set(programId, cached);
    else missing.push(programId);
  }
  if (missing.length === 0) return out;
  const [rows, books] = await Promise.all([
    rawRows<{ id: string; settings: Record<string, unknown> | null }>(db, 'select id, settings from programs where id = any($1::text[])', [missing]),
    loadPolicyBooks(db, missing),
  ]);
  for (const row of rows) {
    const program = { settings: row.settings ?? {} };
    const facts: ProgramFacts = {
      programId: row.id,
      // Loaded after the stamp was read, so possibly newer than it: the next batch then reloads.
      stamp: stamps.get(row.id)!,
      conversions: conversionSettingsOf(program),
      fraud: fraudSettingsOf(program),
      linkWindowDays: linkSettingsOf(program).attributionWindowDays,
      policies: books.get(row.id)!,
    };
    out.set(row.id, facts);
    cache.delete(row.id);
    if (cache.size >= MAX_PROGRAMS) cache.delete(cache.keys().next().value!);
    cache.set(row.id, facts);
  }
  return out;
}
