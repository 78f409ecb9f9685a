import type { Db } from '../../../db/client.js';
import { partnerIpHashes } from '../../../db/schema/index.js';
import type { Logger } from '../../logger.js';
import { utcDay } from '../clicks/classify.js';
import type { IpHasher } from '../types.js';

/**
 * Remembers that a partner (an affiliate or member with a dashboard login) was seen from an IP
 * that day, as the same daily HMAC the clicks carry: a click or conversion from that hash on that
 * day is a self-referral (rules.ts). Never fails the caller: a login must not break on this.
 */
export async function recordPartnerIp(
  deps: { db: Db; logger: Logger; ipHasher: IpHasher },
  memberId: string,
  ip: string | undefined,
  at: Date,
): Promise<void> {
  // Without a socket or a trusted header (in-process requests) there is no address worth keeping.
  if (!ip || ip === 'unknown') return;
  try {
    const ipHash = deps.ipHasher.hash(ip, at);
    await deps.db.insert(partnerIpHashes).values({ memberId, day: utcDay(at), ipHash, createdAt: at }).onConflictDoNothing();
  } catch (err) {
    deps.logger.warn({ err, memberId }, 'could not record the partner IP hash');
  }
}
