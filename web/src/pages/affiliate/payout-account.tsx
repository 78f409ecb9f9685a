import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { Section } from '../../components/layout';
import { Async } from '../../components/states';
import { StatusBadge, useAffiliate } from './shared';

/** The connected Stripe account, or none yet (the API answers 404 until onboarding starts). */
async function loadAccount(programId: string, memberId: string) {
  try {
    return await call(api.v1.programs[':programId'].affiliates[':memberId']['payout-account'].$get({ param: { programId, memberId } }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/** Stripe mode: where the payout account stands, and the button to Stripe's onboarding form. */
export function PayoutAccountPanel() {
  const { t } = useTranslation('web-affiliate');
  const { programId, memberId } = useAffiliate();
  const account = useLoad(() => loadAccount(programId, memberId), [programId, memberId]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const param = { programId, memberId };

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const onboard = () =>
    run(async () => {
      const res = await call(api.v1.programs[':programId'].affiliates[':memberId']['payout-account'].onboarding.$post({ param, json: {} }));
      location.assign(res.onboardingUrl);
    });
  const refresh = () =>
    run(async () => {
      await call(api.v1.programs[':programId'].affiliates[':memberId']['payout-account'].refresh.$post({ param }));
      account.reload();
    });

  return (
    <Section title={t('account.title')}>
      <Async state={account}>
        {(a) => (
          <div className="stack">
            {a ? (
              <>
                <p className="row">
                  <StatusBadge status={a.status} />
                  <span className="mono small">{a.stripeAccountId}</span>
                </p>
                {a.requirementsDue.length > 0 && <p className="small">{t('account.requirements', { count: a.requirementsDue.length })}</p>}
                {a.bankPayoutFailure && <p className="form-error small">{t('account.bankFailure', { message: a.bankPayoutFailure.message ?? a.bankPayoutFailure.code ?? '' })}</p>}
              </>
            ) : (
              <p>{t('account.none')}</p>
            )}
            <div className="row">
              {(!a || a.status !== 'enabled') && (
                <button type="button" disabled={busy} onClick={() => void onboard()}>
                  {a ? t('account.continue') : t('account.connect')}
                </button>
              )}
              {a && (
                <button type="button" className="secondary" disabled={busy} onClick={() => void refresh()}>
                  {t('account.refresh')}
                </button>
              )}
            </div>
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
          </div>
        )}
      </Async>
    </Section>
  );
}
