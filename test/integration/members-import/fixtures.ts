import { customFieldDefinitions, tiers } from '../../../db/schema/index.js';
import type { Harness } from '../../helpers/harness.js';

/** Tiers and custom fields an imported program needs: Bronze (rank 0), Gold (rank 1); shoe_size, plan. */
export async function prepareProgram(h: Harness, programId: string) {
  const [bronze, gold] = await h.db
    .insert(tiers)
    .values([
      { programId, name: 'Bronze', rank: 0 },
      { programId, name: 'Gold', rank: 1 },
    ])
    .returning();
  await h.db.insert(customFieldDefinitions).values([
    { programId, key: 'shoe_size', label: 'Shoe size', type: 'number' },
    { programId, key: 'plan', label: 'Plan', type: 'enum', enumValues: ['basic', 'pro'] },
  ]);
  return { bronze: bronze!, gold: gold! };
}

export const HEADER = 'externalId,email,name,phone,birthday,country,locale,source,status,tier,pointsBalance,referredByExternalId,cf.shoe_size,cf.plan';

export interface GeneratedRow {
  externalId: string;
  email: string;
  name: string;
  country: string;
  tier: string;
  pointsBalance: number;
  referredByExternalId: string;
  shoeSize: number;
  plan: string;
}

/** Deterministic member i: every third is Gold, every fifth has no opening balance. */
export function memberRow(i: number, prefix = 'ext'): GeneratedRow {
  return {
    externalId: `${prefix}-${i}`,
    email: `${prefix}-user${i}@example.test`,
    name: `Member ${i}`,
    country: i % 2 ? 'US' : 'DE',
    tier: i % 3 === 0 ? 'gold' : 'Bronze',
    pointsBalance: i % 5 === 0 ? 0 : i,
    referredByExternalId: i % 10 === 3 ? `${prefix}-${i - 2}` : '',
    shoeSize: 36 + (i % 12),
    plan: i % 2 ? 'pro' : 'basic',
  };
}

export function csvLine(r: GeneratedRow): string {
  return [r.externalId, r.email, r.name, '+49 30 1234567', '1990-04-23', r.country, r.country === 'DE' ? 'de' : 'en', '', 'active', r.tier, r.pointsBalance, r.referredByExternalId, r.shoeSize, r.plan].join(',');
}

export function ndjsonLine(r: GeneratedRow): string {
  return JSON.stringify({
    externalId: r.externalId,
    email: r.email,
    name: r.name,
    country: r.country,
    tier: r.tier,
    pointsBalance: r.pointsBalance,
    ...(r.referredByExternalId ? { referredByExternalId: r.referredByExternalId } : {}),
    customFields: { shoe_size: r.shoeSize, plan: r.plan },
  });
}

/** Posts a file and waits for its job; returns the finished run as the API shows it. */
export async function importFile(h: Harness, token: string, programId: string, body: string, opts: { format?: 'csv' | 'ndjson'; dryRun?: boolean } = {}) {
  const format = opts.format ?? 'csv';
  const res = await h.request('POST', `/v1/programs/${programId}/imports?format=${format}&dryRun=${opts.dryRun ? 'true' : 'false'}`, {
    token,
    rawBody: body,
    headers: { 'content-type': format === 'csv' ? 'text/csv' : 'application/x-ndjson' },
  });
  if (res.status !== 202) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  await h.jobs.idle({ timeoutMs: 120_000 });
  const run = await h.request('GET', `/v1/programs/${programId}/imports/${res.body.id}?errorsLimit=1000`, { token });
  return { accepted: res, run: run.body };
}
