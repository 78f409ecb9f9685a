import { useTranslation } from 'react-i18next';
import { Section } from '../../components/layout';
import { useFormat } from '../../i18n/format';
import type { MemberTier, TierList } from './queries';

type Threshold = NonNullable<MemberTier['nextTier']>['thresholds'][number];
type Metric = Threshold['metric'];

const MONEY_METRICS: readonly Metric[] = ['qualifyingSpend', 'referralRevenue'];

/** The member's tier, the ladder, and what the next tier still needs (window metrics from the API). */
export function TierCard({ status, tiers, currency }: { status: MemberTier; tiers: TierList; currency: string }) {
  const { t } = useTranslation('web-member');
  const f = useFormat();
  const value = (metric: Metric, n: number) => (MONEY_METRICS.includes(metric) ? f.money(n, currency) : f.number(n));
  // i18n-keys: tier.remaining.pointsEarned tier.remaining.qualifyingSpend tier.remaining.referralRevenue tier.remaining.referredSignups
  const remaining = (th: Threshold) => t(`tier.remaining.${th.metric}`, { count: th.remaining, value: value(th.metric, th.remaining) });
  // i18n-keys: tier.metric.pointsEarned tier.metric.qualifyingSpend tier.metric.referralRevenue tier.metric.referredSignups
  const metricName = (metric: Metric) => t(`tier.metric.${metric}`);
  const next = status.nextTier;
  // The threshold closest to done is the one to talk about first.
  const open = next ? next.thresholds.filter((th) => !th.met).sort((a, b) => b.current / b.required - a.current / a.required) : [];
  const ladder = tiers.filter((tier) => tier.kind === 'standard').sort((a, b) => a.rank - b.rank);
  return (
    <Section title={t('tier.title')}>
      <div className="tier-head" data-testid="tier-progress">
        <span className="tier-name">{status.tier ? status.tier.name : t('tier.none')}</span>
        {status.tier?.kind === 'paid' && status.expiresAt && <span className="muted small">{t('tier.paidUntil', { date: f.date(status.expiresAt) })}</span>}
      </div>
      {ladder.length > 1 && (
        <ol className="tier-ladder" aria-label={t('tier.ladder')}>
          {ladder.map((tier) => {
            const reached = status.tier !== null && tier.rank <= status.tier.rank;
            return (
              <li key={tier.id} className={reached ? 'reached' : undefined} aria-current={tier.id === status.tier?.id ? 'step' : undefined}>
                {tier.name}
              </li>
            );
          })}
        </ol>
      )}
      {next ? (
        <div className="stack">
          {next.qualified ? (
            <p className="notice">{t('tier.qualified', { tier: next.tier.name })}</p>
          ) : (
            open[0] && <p className="tier-goal">{t('tier.toReach', { what: remaining(open[0]), tier: next.tier.name })}</p>
          )}
          {next.thresholds.length > 1 && <p className="muted small">{next.match === 'any' ? t('tier.matchAny') : t('tier.matchAll')}</p>}
          <ul className="thresholds">
            {next.thresholds.map((th) => (
              <li key={th.metric}>
                <div className="threshold-line">
                  <span>{metricName(th.metric)}</span>
                  <span className="muted small">{t('tier.ofRequired', { current: value(th.metric, th.current), required: value(th.metric, th.required) })}</span>
                </div>
                <div className="progress" role="progressbar" aria-label={metricName(th.metric)} aria-valuemin={0} aria-valuemax={th.required} aria-valuenow={Math.min(th.current, th.required)}>
                  <span style={{ width: `${Math.min(100, (th.current / Math.max(1, th.required)) * 100)}%` }} />
                </div>
              </li>
            ))}
          </ul>
          <p className="muted small">{t('tier.window', { date: f.date(status.window.from) })}</p>
        </div>
      ) : (
        status.tier && <p className="notice">{t('tier.top')}</p>
      )}
      {status.evaluation.downgradeEnabled && status.evaluation.evaluationDate && status.tier && (
        <p className="muted small">{t('tier.review', { tier: status.tier.name, date: f.date(status.evaluation.evaluationDate) })}</p>
      )}
      {status.tier && status.tier.benefits.length > 0 && (
        <div className="benefits">
          <h3>{t('tier.benefits')}</h3>
          <ul>
            {status.tier.benefits.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </div>
      )}
    </Section>
  );
}
