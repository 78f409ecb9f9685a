import { createContext, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';

/** The affiliate the dashboard is about: the logged-in user's program membership. */
export interface AffiliateScope {
  programId: string;
  memberId: string;
  /** The program's payout currency, for figures before any commission exists. */
  payoutCurrency: string;
  /** Hosts link destinations may point at (`*.example.com` for subdomains). */
  allowedHosts: string[];
}

const ScopeContext = createContext<AffiliateScope | null>(null);
export const AffiliateScopeProvider = ScopeContext.Provider;

export function useAffiliate(): AffiliateScope {
  const scope = useContext(ScopeContext);
  if (!scope) throw new Error('useAffiliate outside the affiliate dashboard');
  return scope;
}

export interface Amount {
  currency: string;
  amount: number;
}

/**
 * Amounts in several currencies, each formatted in its own: EUR and BRL are shown side by side,
 * never added up.
 */
export function Amounts({ amounts, zeroCurrency }: { amounts: Amount[]; zeroCurrency?: string | undefined }) {
  const f = useFormat();
  if (amounts.length === 0) return <>{zeroCurrency ? f.money(0, zeroCurrency) : '–'}</>;
  return (
    <span className="aff-amounts">
      {amounts.map((a) => (
        <span key={a.currency}>{f.money(a.amount, a.currency)}</span>
      ))}
    </span>
  );
}

const STATUS_TONE: Record<string, string> = {
  approved: 'ok',
  paid: 'ok',
  enabled: 'ok',
  pending: '',
  processing: '',
  onboarding: 'warn',
  held: 'warn',
  restricted: 'warn',
  reversed: 'danger',
  rejected: 'danger',
  failed: 'danger',
  disabled: 'danger',
  active: 'ok',
  archived: '',
};

/** A commission, payout or payout-account status as a coloured, translated badge. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('web-affiliate');
  // i18n-keys: status.pending status.held status.approved status.paid status.reversed status.rejected
  // i18n-keys: status.processing status.failed status.onboarding status.enabled status.restricted status.disabled
  // i18n-keys: status.active status.archived
  return <span className={`badge ${STATUS_TONE[status] ?? ''}`}>{t(`status.${status}`, { defaultValue: status })}</span>;
}

/** The last `days` UTC days up to today, as the API's `from`/`to`. */
export function lastDays(days: number): { from: string; to: string } {
  const now = new Date();
  const to = now.toISOString().slice(0, 10);
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1))).toISOString().slice(0, 10);
  return { from, to };
}
