import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { toMajor, toMinor } from '../../i18n/format';
import { FormActions, SelectField, TextAreaField, TextField, intOrUndefined, lines, useSubmit, useFocusFirst } from './form';
import { CurrencyField } from './pickers';
import type { Program } from './program-context';

type TiersPage = Awaited<ReturnType<typeof listTiers>>;
export type Tier = TiersPage['data'][number];
type Kind = Tier['kind'];
const listTiers = (programId: string) => call(api.v1.programs[':programId'].tiers.$get({ param: { programId }, query: {} }));

const THRESHOLDS = ['pointsEarned', 'qualifyingSpend', 'referralRevenue', 'referredSignups'] as const;
type Threshold = (typeof THRESHOLDS)[number];
/** Thresholds in money: typed in major units of the payout currency, sent as minor units. */
const MONEY: ReadonlySet<Threshold> = new Set(['qualifyingSpend', 'referralRevenue']);

/** A decimal multiplier typed by a person ("1.25") -> basis points; NaN goes through so the API names the field. */
const toBps = (text: string): number => Math.round(Number(text.replace(',', '.')) * 10_000);
/** A money amount, or NaN (the API then reports the field) when it does not parse. */
const minorOrNaN = (text: string, currency: string): number => toMinor(text, currency) ?? Number.NaN;

export function TierForm({ program, tier, onSaved, onCancel }: { program: Program; tier: Tier | null; onSaved: () => void; onCancel: () => void }) {
  const { t } = useTranslation('web-admin');
  const currency = program.payoutCurrency;
  const q = tier?.qualification;
  const initialThreshold = (key: Threshold) => {
    const v = q?.[key];
    if (v === undefined) return '';
    return MONEY.has(key) ? String(toMajor(v, currency)) : String(v);
  };
  const [name, setName] = useState(tier?.name ?? '');
  const [rank, setRank] = useState(tier ? String(tier.rank) : '');
  const [kind, setKind] = useState<Kind>(tier?.kind ?? 'standard');
  const [match, setMatch] = useState<'any' | 'all'>(q?.match ?? 'any');
  const [thresholds, setThresholds] = useState<Record<Threshold, string>>(() => Object.fromEntries(THRESHOLDS.map((k) => [k, initialThreshold(k)])) as Record<Threshold, string>);
  const [gift, setGift] = useState(String(tier?.upgradeGiftPoints ?? 0));
  const [pointsX, setPointsX] = useState(String((tier?.pointsMultiplierBps ?? 10_000) / 10_000));
  const [commissionX, setCommissionX] = useState(String((tier?.commissionMultiplierBps ?? 10_000) / 10_000));
  const [benefits, setBenefits] = useState((tier?.benefits ?? []).join('\n'));
  const [feeAmount, setFeeAmount] = useState(tier?.feeAmount != null && tier.feeCurrency ? String(toMajor(tier.feeAmount, tier.feeCurrency)) : '');
  const [feeCurrency, setFeeCurrency] = useState(tier?.feeCurrency ?? currency);
  const [validityDays, setValidityDays] = useState(tier?.validityDays != null ? String(tier.validityDays) : '365');

  const focusRef = useFocusFirst();
  const form = useSubmit(async () => {
    const paid = kind === 'paid';
    const qualification: Tier['qualification'] = { match };
    if (!paid) {
      for (const key of THRESHOLDS) {
        const text = thresholds[key].trim();
        if (text) qualification[key] = MONEY.has(key) ? minorOrNaN(text, currency) : Number(text);
      }
    }
    const json = {
      name,
      rank: intOrUndefined(rank) ?? Number.NaN,
      kind,
      qualification,
      upgradeGiftPoints: intOrUndefined(gift) ?? 0,
      pointsMultiplierBps: toBps(pointsX),
      commissionMultiplierBps: toBps(commissionX),
      benefits: lines(benefits),
      feeAmount: paid ? minorOrNaN(feeAmount, feeCurrency) : null,
      feeCurrency: paid ? feeCurrency : null,
      validityDays: paid ? (intOrUndefined(validityDays) ?? Number.NaN) : null,
    };
    const programId = program.id;
    if (tier) await call(api.v1.programs[':programId'].tiers[':tierId'].$patch({ param: { programId, tierId: tier.id }, json }));
    else await call(api.v1.programs[':programId'].tiers.$post({ param: { programId }, json }));
    onSaved();
  });
  const issue = form.issueFor;
  // i18n-keys: tiers.threshold.pointsEarnedLabel tiers.threshold.qualifyingSpendLabel tiers.threshold.referralRevenueLabel tiers.threshold.referredSignupsLabel
  const thresholdLabel = (key: Threshold) => t(`tiers.threshold.${key}Label`);

  return (
    <form ref={focusRef} className="admin-form" onSubmit={form.submit} noValidate data-testid="tier-form">
      <TextField label={t('tiers.name')} value={name} onChange={(e) => setName(e.target.value)} error={issue('name', name.trim() ? undefined : t('form.required'))} required maxLength={100} />
      <TextField label={t('tiers.rank')} type="number" inputMode="numeric" min={0} value={rank} onChange={(e) => setRank(e.target.value)} error={issue('rank', rank.trim() ? undefined : t('form.required'))} hint={t('tiers.rankHint')} required />
      <SelectField label={t('tiers.kind')} value={kind} onChange={(e) => setKind(e.target.value as Kind)} error={issue('kind')}>
        <option value="standard">{t('tiers.standard')}</option>
        <option value="paid">{t('tiers.paid')}</option>
      </SelectField>
      {kind === 'standard' ? (
        <fieldset>
          <legend>{t('tiers.qualification')}</legend>
          <div className="fieldset-grid">
            <SelectField label={t('tiers.match')} value={match} onChange={(e) => setMatch(e.target.value as 'any' | 'all')} error={issue('qualification.match')}>
              <option value="any">{t('tiers.matchAny')}</option>
              <option value="all">{t('tiers.matchAll')}</option>
            </SelectField>
            {THRESHOLDS.map((key) => (
              <TextField
                key={key}
                label={MONEY.has(key) ? `${thresholdLabel(key)} (${currency})` : thresholdLabel(key)}
                inputMode={MONEY.has(key) ? 'decimal' : 'numeric'}
                value={thresholds[key]}
                onChange={(e) => setThresholds((s) => ({ ...s, [key]: e.target.value }))}
                error={issue(`qualification.${key}`)}
              />
            ))}
          </div>
          {issue('qualification') && !THRESHOLDS.some((k) => issue(`qualification.${k}`)) && (
            <span className="field-error" data-testid="field-error">
              {issue('qualification')}
            </span>
          )}
          <p className="muted small">{t('tiers.qualificationHint')}</p>
        </fieldset>
      ) : (
        <fieldset>
          <legend>{t('tiers.fee')}</legend>
          <div className="fieldset-grid">
            <TextField label={t('tiers.feeAmount')} inputMode="decimal" value={feeAmount} onChange={(e) => setFeeAmount(e.target.value)} error={issue('feeAmount')} />
            <CurrencyField label={t('tiers.feeCurrency')} value={feeCurrency} onChange={setFeeCurrency} error={issue('feeCurrency', t('form.badCurrency'))} />
            <TextField label={t('tiers.validityDays')} type="number" inputMode="numeric" min={1} value={validityDays} onChange={(e) => setValidityDays(e.target.value)} error={issue('validityDays')} />
          </div>
        </fieldset>
      )}
      <TextField label={t('tiers.pointsMultiplier')} inputMode="decimal" value={pointsX} onChange={(e) => setPointsX(e.target.value)} error={issue('pointsMultiplierBps')} hint={t('tiers.multiplierHint')} />
      <TextField label={t('tiers.commissionMultiplier')} inputMode="decimal" value={commissionX} onChange={(e) => setCommissionX(e.target.value)} error={issue('commissionMultiplierBps')} hint={t('tiers.multiplierHint')} />
      <TextField label={t('tiers.giftPoints')} type="number" inputMode="numeric" min={0} value={gift} onChange={(e) => setGift(e.target.value)} error={issue('upgradeGiftPoints')} />
      <div className="wide">
        <TextAreaField label={t('tiers.benefits')} value={benefits} onChange={setBenefits} error={issue('benefits')} hint={t('tiers.benefitsHint')} />
      </div>
      <FormActions busy={form.busy} formError={form.formError} hasIssues={form.hasIssues} submitLabel={tier ? t('form.save') : t('tiers.create')} onCancel={onCancel} />
    </form>
  );
}
