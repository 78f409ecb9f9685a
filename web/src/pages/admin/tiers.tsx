import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { Section } from '../../components/layout';
import { Async } from '../../components/states';
import { useFormat } from '../../i18n/format';
import { NeedsProgram, ProgramPicker, type Program } from './program-context';
import { callNoContent } from './no-content';
import { TierForm, type Tier } from './tier-form';
import { TierRules } from './tier-rules';

export function TiersPage() {
  return (
    <>
      <ProgramPicker />
      <NeedsProgram>{(program) => <Tiers program={program} />}</NeedsProgram>
    </>
  );
}

// A ladder is a handful of rungs; one page of 100 holds any real one, sorted by rank for display.
const loadTiers = (programId: string) => call(api.v1.programs[':programId'].tiers.$get({ param: { programId }, query: { limit: '100' } }));

function Tiers({ program }: { program: Program }) {
  const { t } = useTranslation('web-admin');
  const state = useLoad(() => loadTiers(program.id), [program.id]);
  const [editing, setEditing] = useState<Tier | 'new' | null>(null);
  const saved = () => {
    setEditing(null);
    state.reload();
  };
  return (
    <>
      <TierRules program={program} />
      {editing && (
        <Section title={editing === 'new' ? t('tiers.createTitle') : t('tiers.editTitle', { name: editing.name })}>
          <TierForm key={editing === 'new' ? 'new' : editing.id} program={program} tier={editing === 'new' ? null : editing} onSaved={saved} onCancel={() => setEditing(null)} />
        </Section>
      )}
      <Section
        title={t('tiers.title')}
        actions={
          !editing && (
            <button type="button" onClick={() => setEditing('new')}>
              {t('tiers.create')}
            </button>
          )
        }
      >
        <Async state={state} empty={t('tiers.empty')} isEmpty={(page) => page.data.length === 0}>
          {(page) => (
            <ol className="ladder" aria-label={t('tiers.ladder')}>
              {[...page.data]
                .sort((a, b) => b.rank - a.rank)
                .map((tier) => (
                  <TierRung key={tier.id} tier={tier} program={program} onEdit={() => setEditing(tier)} onDeleted={state.reload} />
                ))}
            </ol>
          )}
        </Async>
      </Section>
    </>
  );
}

function TierRung({ tier, program, onEdit, onDeleted }: { tier: Tier; program: Program; onEdit: () => void; onDeleted: () => void }) {
  const { t } = useTranslation('web-admin');
  const fmt = useFormat();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const q = tier.qualification;
  const money = (n: number) => fmt.money(n, program.payoutCurrency);
  const thresholds = [
    q.pointsEarned !== undefined && t('tiers.threshold.pointsEarned', { value: fmt.number(q.pointsEarned) }),
    q.qualifyingSpend !== undefined && t('tiers.threshold.qualifyingSpend', { value: money(q.qualifyingSpend) }),
    q.referralRevenue !== undefined && t('tiers.threshold.referralRevenue', { value: money(q.referralRevenue) }),
    q.referredSignups !== undefined && t('tiers.threshold.referredSignups', { value: fmt.number(q.referredSignups) }),
  ].filter((x): x is string => Boolean(x));
  const multiplier = (bps: number) => fmt.number(bps / 10_000, { maximumFractionDigits: 2 });

  const remove = async () => {
    setError(null);
    try {
      await callNoContent(api.v1.programs[':programId'].tiers[':tierId'].$delete({ param: { programId: program.id, tierId: tier.id } }));
      onDeleted();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setConfirming(false);
    }
  };

  return (
    <li className={`rung ${tier.kind}`} data-testid="tier">
      <div className="rung-head">
        <h3>
          {tier.name}
          <span className="badge">{t('tiers.rankBadge', { rank: tier.rank })}</span>
          {tier.kind === 'paid' && <span className="badge warn">{t('tiers.paid')}</span>}
        </h3>
        <div className="actions">
          {confirming ? (
            <span className="confirm">
              <span>{t('tiers.confirmDelete', { name: tier.name })}</span>
              <button type="button" className="danger" onClick={() => void remove()}>
                {t('tiers.delete')}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                {t('form.cancel')}
              </button>
            </span>
          ) : (
            <>
              <button type="button" className="secondary" onClick={onEdit} aria-label={t('tiers.editNamed', { name: tier.name })}>
                {t('form.edit')}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(true)} aria-label={t('tiers.deleteNamed', { name: tier.name })}>
                {t('tiers.delete')}
              </button>
            </>
          )}
        </div>
      </div>
      {tier.kind === 'paid' ? (
        <p className="small">{t('tiers.feeLine', { fee: fmt.money(tier.feeAmount ?? 0, tier.feeCurrency ?? program.payoutCurrency), count: tier.validityDays ?? 0 })}</p>
      ) : thresholds.length > 0 ? (
        <p className="small">
          {q.match === 'all' ? t('tiers.qualifiesAll') : t('tiers.qualifiesAny')} {thresholds.join(' · ')}
        </p>
      ) : (
        <p className="small muted">{t('tiers.entryLevel')}</p>
      )}
      <p className="small muted">
        {t('tiers.multipliers', { points: multiplier(tier.pointsMultiplierBps), commission: multiplier(tier.commissionMultiplierBps) })}
        {tier.upgradeGiftPoints > 0 && ` · ${t('tiers.giftLine', { points: fmt.number(tier.upgradeGiftPoints) })}`}
      </p>
      {tier.benefits.length > 0 && (
        <ul className="small" aria-label={t('tiers.benefits')}>
          {tier.benefits.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
