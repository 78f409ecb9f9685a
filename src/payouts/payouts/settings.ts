import { z } from 'zod';
import type { programs } from '../../../db/schema/index.js';
import { currencyDigits } from '../money.js';

const payoutSettingsFields = {
  /** `monthly`: the schedule starts a run once a month on `dayOfMonth` (UTC); `manual`: only admins start runs. */
  schedule: z.enum(['monthly', 'manual']).default('monthly'),
  /** Day of the month (UTC) the monthly run starts; at most 28 so every month has it. */
  dayOfMonth: z.number().int().min(1).max(28).default(1),
  /** Minor units of the program's payout currency; a smaller balance carries over. Default: 50.00 of that currency. */
  minimumAmount: z.number().int().min(0).max(1_000_000_000_000).optional(),
};

/** `programs.settings.payouts`. Every key is optional in storage. */
export const payoutSettingsSchema = z.strictObject(payoutSettingsFields);

export interface PayoutSettings {
  schedule: 'monthly' | 'manual';
  dayOfMonth: number;
  minimumAmount: number;
  /** The currency `minimumAmount` is in (the program's payout currency). */
  currency: string;
}

/** 50.00 of a currency in its minor units: 5000 for EUR, 50 for JPY. */
export const defaultMinimumAmount = (currency: string): number => 50 * 10 ** currencyDigits(currency);

/**
 * The program's `payouts` settings with defaults filled in. Writes are validated; a bad stored
 * value (a direct database edit) falls back to its own default rather than stopping a payout run.
 */
export function payoutSettingsOf(program: Pick<typeof programs.$inferSelect, 'settings' | 'payoutCurrency'>): PayoutSettings {
  const raw = (program.settings ?? {})['payouts'];
  const stored = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const field = <K extends keyof typeof payoutSettingsFields>(key: K) => {
    const parsed = payoutSettingsFields[key].safeParse(stored[key]);
    return parsed.success ? parsed.data : payoutSettingsFields[key].parse(undefined);
  };
  return {
    schedule: field('schedule') as PayoutSettings['schedule'],
    dayOfMonth: field('dayOfMonth') as number,
    minimumAmount: (field('minimumAmount') as number | undefined) ?? defaultMinimumAmount(program.payoutCurrency),
    currency: program.payoutCurrency,
  };
}

/**
 * The threshold for a balance in `currency`: the setting for the program's payout currency;
 * commissions kept in another currency (the payout currency changed since) use 50.00 of theirs.
 */
export function minimumFor(settings: PayoutSettings, currency: string): number {
  return currency === settings.currency ? settings.minimumAmount : defaultMinimumAmount(currency);
}
