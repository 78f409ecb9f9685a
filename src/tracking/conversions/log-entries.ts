import type { ServiceContext } from '../../context.js';
import type { NewCommission } from '../../payouts/commissions/plan.js';
import { prepareLogEntry } from '../../transparency/entries/append.js';
import { commissionEntry } from '../../transparency/entries/commission.js';
import { conversionDecidedEntry } from '../../transparency/entries/conversion.js';
import { saltsOf } from '../../transparency/entries/salts.js';
import type { BatchLogEntry, ProcessedRecord } from './batch.js';

/**
 * The log entries of a processing batch: each conversion's `conversion.decided`, followed by its
 * `commission.created` when it earned one. Built in memory with the salts read at once (the
 * partners', and the programs' for unattributed conversions), so the batch writes them with its
 * one statement.
 */
export async function batchLogEntries(
  tx: ServiceContext,
  now: Date,
  recorded: readonly ProcessedRecord[],
  commissions: readonly NewCommission[],
  tenantOf: ReadonlyMap<string, string>,
): Promise<BatchLogEntry[]> {
  const saltOwner = (r: ProcessedRecord) => r.attribution.partnerMemberId ?? r.conversion.programId;
  const salts = await saltsOf(tx, recorded.map(saltOwner));
  const commissionOf = new Map(commissions.map((c) => [c.conversionId, c]));
  const entries: BatchLogEntry[] = [];
  for (const r of recorded) {
    const tenantId = tenantOf.get(r.conversion.id)!;
    entries.push({
      logged: prepareLogEntry(conversionDecidedEntry(r.conversion, r.attribution, r.fraudReasons, now, tenantId, salts.get(saltOwner(r))!)),
      commissionId: null,
    });
    const commission = commissionOf.get(r.conversion.id);
    if (commission) {
      entries.push({ logged: prepareLogEntry(commissionEntry('created', commission, now, 'conversion_processed', tenantId)), commissionId: commission.id });
    }
  }
  return entries;
}
