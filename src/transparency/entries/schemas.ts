import { z } from 'zod';
import {
  CommissionApprovedEntry,
  CommissionClawbackEntry,
  CommissionCreatedEntry,
  CommissionPaidEntry,
  CommissionRejectedEntry,
  CommissionReleasedEntry,
  CommissionReversedEntry,
  CommissionUnpaidEntry,
} from './commission.js';
import { ConversionAcceptedEntry, ConversionDecidedEntry } from './conversion.js';
import { AuthKeyRotatedEntry, LogKeyRotatedEntry } from './keys.js';
import { PayoutFailedEntry, PayoutPaidEntry, PayoutReversedEntry } from './payout.js';
import { PolicyVersionEntry } from './policy.js';
import { AffiliateDailyStatsEntry, ProgramDailyStatsEntry } from './stats.js';

/**
 * Every entry type the log holds, by `type`, with the zod schema of its version 1: the verifier
 * checks entries with these, and docs/log-entries.md describes them. A schema never changes once
 * entries of it are logged; a change is a new `v`.
 */
export const ENTRY_SCHEMAS = {
  'conversion.accepted': ConversionAcceptedEntry,
  'conversion.decided': ConversionDecidedEntry,
  'commission.created': CommissionCreatedEntry,
  'commission.released': CommissionReleasedEntry,
  'commission.approved': CommissionApprovedEntry,
  'commission.rejected': CommissionRejectedEntry,
  'commission.reversed': CommissionReversedEntry,
  'commission.clawback': CommissionClawbackEntry,
  'commission.paid': CommissionPaidEntry,
  'commission.unpaid': CommissionUnpaidEntry,
  'payout.paid': PayoutPaidEntry,
  'payout.failed': PayoutFailedEntry,
  'payout.reversed': PayoutReversedEntry,
  'policy.version': PolicyVersionEntry,
  'log.key_rotated': LogKeyRotatedEntry,
  'auth.key_rotated': AuthKeyRotatedEntry,
  'stats.affiliate.daily': AffiliateDailyStatsEntry,
  'stats.program.daily': ProgramDailyStatsEntry,
} as const;

export type EntryType = keyof typeof ENTRY_SCHEMAS;
export type LogEntry = { [K in EntryType]: z.infer<(typeof ENTRY_SCHEMAS)[K]> }[EntryType];

/** Parses an entry's text and checks it against the schema of its type; throws on anything else. */
export function parseLogEntry(text: string): LogEntry {
  const raw = JSON.parse(text) as { type?: unknown };
  const schema = typeof raw.type === 'string' ? ENTRY_SCHEMAS[raw.type as EntryType] : undefined;
  if (!schema) throw new Error(`unknown log entry type ${JSON.stringify(raw.type)}`);
  return schema.parse(raw) as LogEntry;
}
