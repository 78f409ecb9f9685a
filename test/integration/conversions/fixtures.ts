import { eq } from 'drizzle-orm';
import { apiKeys, conversions, customers, links } from '../../../db/schema/index.js';
import { newId } from '../../../db/ids.js';
import { makeClick } from '../../helpers/clicks.js';
import { createAffiliate, createLink, type World } from '../../helpers/factories.js';
import type { Harness } from '../../helpers/harness.js';
import type { PendingClick } from '../../../src/tracking/types.js';

/** Conversion-test fixtures: merchant calls, planted clicks, stored rows. */

export const TRACK = '/v1/track/conversions';
export const MINUTE = 60_000;
export const DAY = 86_400_000;

export function track(h: Harness, w: Pick<World, 'apiKey'>, body: unknown, headers: Record<string, string> = {}) {
  return h.request('POST', TRACK, { token: w.apiKey, body, headers });
}

/** A merchant call on one conversion: complete, refunds or cancel. */
export function merchant(h: Harness, w: Pick<World, 'apiKey'>, ref: string, action: 'complete' | 'refunds' | 'cancel', body?: unknown) {
  return h.request('POST', `${TRACK}/${encodeURIComponent(ref)}/${action}`, { token: w.apiKey, ...(body === undefined ? {} : { body }) });
}

export async function conversionRow(h: Harness, id: string) {
  const [row] = await h.db.select().from(conversions).where(eq(conversions.id, id));
  return row!;
}

export async function conversionsOf(h: Harness, programId: string) {
  return h.db.select().from(conversions).where(eq(conversions.programId, programId));
}

export async function customersOf(h: Harness, programId: string) {
  return h.db.select().from(customers).where(eq(customers.programId, programId));
}

/** Waits for the processing jobs, then reads the conversion as processing left it. */
export async function processed(h: Harness, id: string) {
  await h.jobs.idle();
  return conversionRow(h, id);
}

/** Tracks and waits for processing; fails loudly when the call is refused. */
export async function trackProcessed(h: Harness, w: Pick<World, 'apiKey'>, body: Record<string, unknown>) {
  const res = await track(h, w, body);
  if (res.status !== 202) throw new Error(`track answered ${res.status}: ${JSON.stringify(res.body)}`);
  return processed(h, res.body.id);
}

/** A sale body with a fresh externalId. */
export const sale = (extra: Record<string, unknown> = {}) => ({ externalId: newId('order'), kind: 'sale', amount: 10_000, currency: 'EUR', ...extra });
export const signup = (extra: Record<string, unknown> = {}) => ({ externalId: newId('signup'), kind: 'signup', ...extra });

type LinkRow = typeof links.$inferSelect;

/** A click on `link`, stored now (through this harness's click buffer), `agoMs` before the test clock. */
export async function plantClick(h: Harness, link: LinkRow, attrs: Partial<PendingClick> & { agoMs?: number } = {}): Promise<PendingClick> {
  const { agoMs = 5 * MINUTE, ...rest } = attrs;
  const click = makeClick(link, { clickedAt: new Date(h.clock().getTime() - agoMs), ...rest });
  await h.tracking.clicks.add(click);
  await h.tracking.clicks.flush();
  return click;
}

/** Another approved affiliate of the world's program, with a link of theirs. */
export async function affiliateWithLink(h: Harness, w: World, country = 'DE') {
  const member = await createAffiliate(h, w.program.id, { country });
  const link = await createLink(h, w, { ownerMemberId: member.id });
  return { member, link };
}

export async function apiKeyIdOf(h: Harness, programId: string): Promise<string> {
  const [key] = await h.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.programId, programId));
  return key!.id;
}

/** A well-formed click id made at `at` (the redirect embeds its Date.now() in the id). */
export const clickIdAt = (at: number) => `clk_${at.toString(36).padStart(9, '0')}AAAAAAAAAAAAAA`;
