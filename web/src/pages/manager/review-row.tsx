import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { Async } from '../../components/states';
import { useFormat } from '../../i18n/format';

export interface HeldCommission {
  id: string;
  conversionId: string;
  partnerMemberId: string;
  partnerName: string;
  kind: 'signup' | 'sale' | 'clawback';
  country: string | null;
  amount: number;
  currency: string;
  payoutAmount: number;
  payoutCurrency: string;
  holdReasons: string[];
  createdAt: string;
}

// The fraud rules' stable codes (src/tracking/fraud/rules.ts) and the FX hold, as people say them.
// i18n-keys: reason.self_referral reason.duplicate_customer reason.click_injection reason.no_click reason.velocity_ip reason.velocity_link reason.bot_click reason.fx_rate_missing
// i18n-keys: reasonHint.self_referral reasonHint.duplicate_customer reasonHint.click_injection reasonHint.no_click reasonHint.velocity_ip reasonHint.velocity_link reasonHint.bot_click reasonHint.fx_rate_missing
const KNOWN_REASONS = new Set(['self_referral', 'duplicate_customer', 'click_injection', 'no_click', 'velocity_ip', 'velocity_link', 'bot_click', 'fx_rate_missing']);

export function ReasonBadges({ reasons }: { reasons: string[] }) {
  const { t } = useTranslation('web-manager');
  return (
    <ul className="reasons">
      {reasons.map((r) => (
        <li key={r} className="badge danger" title={KNOWN_REASONS.has(r) ? t(`reasonHint.${r}`) : r} data-reason={r}>
          {KNOWN_REASONS.has(r) ? t(`reason.${r}`) : r}
        </li>
      ))}
    </ul>
  );
}

/** What the conversion carried: how it was attributed, the click, the promo code. Loaded when opened. */
export function Evidence({ conversionId }: { conversionId: string }) {
  const { t } = useTranslation('web-manager');
  const [open, setOpen] = useState(false);
  return (
    <details className="evidence" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('evidence.title')}</summary>
      {open && <EvidenceBody conversionId={conversionId} />}
    </details>
  );
}

function EvidenceBody({ conversionId }: { conversionId: string }) {
  const { t } = useTranslation('web-manager');
  const f = useFormat();
  const conversion = useLoad(() => call(api.v1.conversions[':conversionId'].$get({ param: { conversionId } })), [conversionId]);
  return (
    <Async state={conversion}>
      {(c) => {
        const rows: [string, string][] = [
          [t('evidence.occurredAt'), f.dateTime(c.occurredAt)],
          [t('evidence.externalId'), c.externalId],
        ];
        if (c.amount !== null && c.currency) rows.push([t('evidence.amount'), f.money(c.amount, c.currency)]);
        // i18n-keys: method.click_id method.cookie method.promo_code method.customer method.none
        if (c.attribution) rows.push([t('evidence.method'), t(`method.${c.attribution.method}`)]);
        if (c.attribution?.clickedAt) rows.push([t('evidence.clickedAt'), f.dateTime(c.attribution.clickedAt)]);
        if (c.evidence?.promoCode) rows.push([t('evidence.promoCode'), c.evidence.promoCode]);
        if (c.evidence?.customerRef) rows.push([t('evidence.customerRef'), c.evidence.customerRef]);
        if (c.country) rows.push([t('evidence.country'), f.country(c.country)]);
        return (
          <dl className="evidence-list">
            {rows.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        );
      }}
    </Async>
  );
}

/** Approve or reject, with the reason the partner will read (required). */
export function Decision({ commission, onDecided }: { commission: HeldCommission; onDecided: (outcome: 'approved' | 'rejected') => void }) {
  const { t } = useTranslation('web-manager');
  const id = useId();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function decide(outcome: 'approved' | 'rejected') {
    if (!reason.trim()) {
      setError(t('review.reasonRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    const args = { param: { commissionId: commission.id }, json: { reason: reason.trim() } };
    try {
      await call(outcome === 'approved' ? api.v1.commissions[':commissionId'].approve.$post(args) : api.v1.commissions[':commissionId'].reject.$post(args));
      onDecided(outcome);
    } catch (err) {
      setError(err instanceof ApiError ? (err.fieldIssues.reason ?? err.message) : String(err));
      setBusy(false);
    }
  }

  return (
    <div className="decision">
      <label htmlFor={id} className="small">
        {t('review.reason')}
      </label>
      <input id={id} value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} placeholder={t('review.reasonPlaceholder')} aria-invalid={!!error} />
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
      <div className="row">
        <button type="button" disabled={busy} onClick={() => void decide('approved')}>
          {t('review.approve')}
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void decide('rejected')}>
          {t('review.reject')}
        </button>
      </div>
    </div>
  );
}
