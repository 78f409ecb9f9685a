import type { Db } from '../../../db/client.js';
import type { Locale } from '../locales.js';
import { translator, type Translate } from '../translate.js';
import { loadMemberOverrideMap, loadOverrideMap } from './load.js';

/**
 * Translate functions for readers in one country of a program: the country's overrides in
 * `locale` (loaded now, in one query) over the shipped texts. Build one per request or job; it
 * holds the overrides as they were when built, which is why nothing caches it across requests.
 */

/** Without a country (an affiliate who gave none) the shipped texts alone apply. */
export async function translatorFor(db: Db, where: { programId: string; country: string | null | undefined; locale: Locale }): Promise<Translate> {
  if (!where.country) return translator(where.locale);
  return translator(where.locale, await loadOverrideMap(db, { programId: where.programId, country: where.country, locale: where.locale }));
}

/** translatorFor the member's country, when the caller has the member's id but not their row (a payout statement). */
export async function translatorForMember(db: Db, where: { programId: string; memberId: string; locale: Locale }): Promise<Translate> {
  return translator(where.locale, await loadMemberOverrideMap(db, where));
}
