import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api/client';
import { currencyDigits, useFormat } from '../../i18n/format';
import { PolicyPreviewResult, type PolicyPreview } from './policy-preview';
import type { CommissionBounds } from './scope';
import { draftFrom, termsFromDraft, type DraftErrors, type PolicyDraft, type PolicyTermsBody, type PolicyVersion } from './policy-draft';

/**
 * Edits a market's terms: pay per signup (new markets) or a share of each sale (mature ones).
 * "Preview" prices the last 30 days under the draft; "Save" makes it the next version.
 */
export function PolicyEditor({ programId, market, stage, currency, bounds, current, onSaved }: {
  programId: string;
  market: string;
  stage: 'new' | 'mature' | null;
  currency: string;
  /** The market's commission bounds (the API refuses terms above them); null for the default policy. */
  bounds: CommissionBounds | null;
  current: PolicyVersion | null;
  onSaved: (version: PolicyVersion, changed: boolean) => void;
}) {
  const { t } = useTranslation('web-manager');
  const f = useFormat();
  const [draft, setDraft] = useState<PolicyDraft>(() => draftFrom(current, stage, currency));
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [preview, setPreview] = useState<PolicyPreview | null>(null);
  const [busy, setBusy] = useState<'preview' | 'save' | null>(null);
  const change = (field: keyof PolicyDraft) => (value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setPreview(null);
  };

  // i18n-keys: policy.errors.amount policy.errors.percent policy.errors.days
  const clientIssues = (errors: DraftErrors) => Object.fromEntries(Object.entries(errors).map(([field, key]) => [field, t(`policy.errors.${key}`)]));

  async function run(kind: 'preview' | 'save', e?: FormEvent) {
    e?.preventDefault();
    const { body, errors } = termsFromDraft(draft, currency);
    setFormError(null);
    if (Object.keys(errors).length > 0) {
      setIssues(clientIssues(errors));
      setFormError(t('policy.fixFields'));
      return;
    }
    setIssues({});
    setBusy(kind);
    const param = { programId, market };
    try {
      if (kind === 'preview') {
        setPreview(await call(api.v1.programs[':programId']['commission-policies'][':market'].preview.$post({ param, json: body })));
      } else {
        const saved = await call(api.v1.programs[':programId']['commission-policies'][':market'].$put({ param, json: body }));
        onSaved(saved, saved.id !== current?.id);
      }
    } catch (err) {
      const apiError = err instanceof ApiError ? err : null;
      setIssues({ ...apiError?.fieldIssues, ...(apiError ? overBound(apiError) : {}) });
      setFormError(apiError?.message ?? String(err));
    } finally {
      setBusy(null);
    }
  }

  // A bound comes back in minor units (basis points for the share): say it as money or a percentage.
  const overBound = (error: ApiError) => {
    const issues = (error.details as { issues?: { field: string; code?: string; limit?: number }[] } | undefined)?.issues ?? [];
    const say = (field: string, limit: number) => (field === 'percentBps' ? f.percent(limit / 10_000) : f.money(limit, currency));
    return Object.fromEntries(issues.filter((i) => i.code === 'too_big' && typeof i.limit === 'number').map((i) => [i.field, t('policy.errors.overBound', { max: say(i.field, i.limit!) })]));
  };

  const step = currencyDigits(currency) > 0 ? `0.${'0'.repeat(currencyDigits(currency) - 1)}1` : '1';
  const saleTerms = draft.mode === 'per_transaction' || draft.switchAt !== '';
  const amountField = (field: keyof PolicyDraft & keyof PolicyTermsBody, label: string, hint?: string) => (
    <Field id={field} label={label} hint={hint} error={issues[field]}>
      <input id={`policy-${field}`} inputMode="decimal" value={draft[field]} onChange={(e) => change(field)(e.target.value)} placeholder={`0${step.slice(1)}`} aria-invalid={!!issues[field]} />
    </Field>
  );

  return (
    <form className="stack policy-editor" onSubmit={(e) => void run('save', e)} noValidate>
      <fieldset className="policy-mode">
        <legend>{t('policy.mode')}</legend>
        {/* i18n-keys: mode.per_signup mode.per_transaction modeHint.per_signup modeHint.per_transaction */}
        {(['per_signup', 'per_transaction'] as const).map((mode) => (
          <label key={mode} className="choice">
            <input type="radio" name="mode" value={mode} checked={draft.mode === mode} onChange={() => change('mode')(mode)} />
            <span>
              <strong>{t(`mode.${mode}`)}</strong>
              <span className="muted small">{t(`modeHint.${mode}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <p className="muted small">{t('policy.currency', { currency })}</p>
      {bounds && (
        <p className="muted small" data-testid="policy-bounds">
          {t('policy.bounds', { signup: f.money(bounds.maxSignupAmount, currency), percent: f.percent(bounds.maxPercentBps / 10_000), sale: f.money(bounds.maxSaleAmount, currency) })}
        </p>
      )}
      <div className="policy-fields">
        {draft.mode === 'per_signup' && amountField('signupAmount', t('policy.signupAmount', { currency }))}
        {saleTerms && (
          <Field id="percentBps" label={t('policy.percent')} error={issues.percentBps} hint={draft.mode === 'per_signup' ? t('policy.percentAfterSwitch') : undefined}>
            <input id="policy-percentBps" inputMode="decimal" value={draft.percent} onChange={(e) => change('percent')(e.target.value)} aria-invalid={!!issues.percentBps} />
          </Field>
        )}
        {saleTerms && amountField('flatAmount', t('policy.flatAmount', { currency }))}
        {saleTerms && amountField('minAmount', t('policy.minAmount', { currency }), t('policy.optional'))}
        {saleTerms && amountField('maxAmount', t('policy.maxAmount', { currency }), t('policy.optional'))}
        <Field id="holdDays" label={t('policy.holdDays')} error={issues.holdDays} hint={t('policy.holdDaysHint')}>
          <input id="policy-holdDays" type="number" min={0} max={365} value={draft.holdDays} onChange={(e) => change('holdDays')(e.target.value)} aria-invalid={!!issues.holdDays} />
        </Field>
        <Field id="attributionWindowDays" label={t('policy.attributionWindowDays')} error={issues.attributionWindowDays}>
          <input id="policy-attributionWindowDays" type="number" min={1} max={365} value={draft.attributionWindowDays} onChange={(e) => change('attributionWindowDays')(e.target.value)} aria-invalid={!!issues.attributionWindowDays} />
        </Field>
        {draft.mode === 'per_signup' && (
          <Field id="switchToPerTransactionAt" label={t('policy.switchAt')} error={issues.switchToPerTransactionAt} hint={t('policy.switchAtHint')}>
            <input id="policy-switchToPerTransactionAt" type="datetime-local" value={draft.switchAt} onChange={(e) => change('switchAt')(e.target.value)} />
          </Field>
        )}
        <Field id="effectiveFrom" label={t('policy.effectiveFrom')} error={issues.effectiveFrom} hint={t('policy.effectiveFromHint')}>
          <input id="policy-effectiveFrom" type="datetime-local" value={draft.effectiveFrom} onChange={(e) => change('effectiveFrom')(e.target.value)} />
        </Field>
      </div>
      <Field id="note" label={t('policy.note')} error={issues.note} hint={t('policy.noteHint')}>
        <textarea id="policy-note" rows={2} maxLength={500} value={draft.note} onChange={(e) => change('note')(e.target.value)} />
      </Field>
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      <div className="row">
        <button type="button" className="secondary" disabled={busy !== null} onClick={() => void run('preview')}>
          {busy === 'preview' ? t('policy.previewing') : t('policy.preview')}
        </button>
        <button type="submit" disabled={busy !== null}>
          {busy === 'save' ? t('policy.saving') : t('policy.save')}
        </button>
      </div>
      {preview && <PolicyPreviewResult preview={preview} />}
    </form>
  );
}

function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string | undefined; error?: string | undefined; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={`policy-${id}`}>{label}</label>
      {children}
      {hint && <span className="muted small">{hint}</span>}
      {error && (
        <span className="field-error" role="alert" data-field={id}>
          {error}
        </span>
      )}
    </div>
  );
}
