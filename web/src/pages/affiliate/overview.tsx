import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLoad } from '../../api/use-load';
import { LineChart } from '../../components/charts';
import { Kpi, Section } from '../../components/layout';
import { Async, Empty } from '../../components/states';
import { useFormat } from '../../i18n/format';
import { Breakdowns } from './breakdowns';
import { byStatus, currenciesOf, loadPerformance, statusAmount, type CommissionStatus, type Performance } from './performance';
import { Link } from '../../router';
import { Amounts, StatusBadge, useAffiliate } from './shared';

const PERIODS = [7, 30, 90] as const;
/** The statuses drawn over time; reversed and rejected commissions are worth nothing to the affiliate. */
const CHART_STATUSES: CommissionStatus[] = ['pending', 'held', 'approved', 'paid'];

/** The affiliate's home: the period's KPIs, daily charts and the breakdowns by link and country. */
export function OverviewPage() {
  const { t } = useTranslation('web-affiliate');
  const { programId, memberId } = useAffiliate();
  const [days, setDays] = useState<number>(30);
  const perf = useLoad(() => loadPerformance(programId, memberId, days), [programId, memberId, days]);
  return (
    <>
      <div className="row aff-toolbar">
        <label className="aff-inline">
          {t('overview.period')}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {PERIODS.map((n) => (
              <option key={n} value={n}>
                {t('overview.lastDays', { count: n })}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Async state={perf}>{(p) => <OverviewBody performance={p} />}</Async>
    </>
  );
}

function OverviewBody({ performance: p }: { performance: Performance }) {
  const { t } = useTranslation('web-affiliate');
  const f = useFormat();
  const { payoutCurrency } = useAffiliate();
  const currencies = currenciesOf(p);
  const [chosen, setChosen] = useState<string | null>(null);
  const currency = chosen && currencies.includes(chosen) ? chosen : (currencies[0] ?? payoutCurrency);
  const categories = p.days.map((d) => d.day);
  const held = byStatus(p.totals, 'held');
  const reversed = byStatus(p.totals, 'reversed');
  const epc = p.totals.epc.filter((e) => e.value !== null);

  return (
    <>
      <div className="kpis" data-testid="affiliate-kpis">
        <Kpi label={t('kpi.clicks')} value={f.number(p.totals.clicks)} />
        <Kpi label={t('kpi.conversions')} value={f.number(p.totals.conversions)} />
        <Kpi label={t('kpi.conversionRate')} value={p.totals.conversionRate === null ? '–' : f.percent(p.totals.conversionRate)} hint={p.totals.clicks === 0 ? t('kpi.noClicks') : undefined} />
        <Kpi label={t('kpi.epc')} value={epc.length ? <Amounts amounts={epc.map((e) => ({ currency: e.currency, amount: e.value ?? 0 }))} /> : '–'} hint={t('kpi.epcHint')} />
        {(['pending', 'approved', 'paid'] as const).map((status) => {
          const s = byStatus(p.totals, status);
          // i18n-keys: kpi.pending kpi.approved kpi.paid
          return <Kpi key={status} label={t(`kpi.${status}`)} value={<Amounts amounts={s.amounts} zeroCurrency={currency} />} hint={t('kpi.commissionCount', { count: s.count })} />;
        })}
      </div>
      <div className="aff-charts">
        <Section title={t('overview.trafficChart')}>
          <LineChart
            label={t('overview.trafficChart')}
            categories={categories}
            series={[
              { label: t('kpi.clicks'), values: p.days.map((d) => d.clicks) },
              { label: t('kpi.conversions'), values: p.days.map((d) => d.conversions) },
            ]}
            formatValue={(n) => f.number(n, { maximumFractionDigits: 1 })}
            formatCategory={f.day}
          />
          {p.totals.clicks === 0 && <p className="muted small">{t('overview.noClicksYet')}</p>}
        </Section>
        <Section
          title={t('overview.commissionChart')}
          actions={
            currencies.length > 1 && (
              <label className="aff-inline">
                {t('overview.currency')}
                <select value={currency} onChange={(e) => setChosen(e.target.value)}>
                  {currencies.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
            )
          }
        >
          <LineChart
            label={t('overview.commissionChartIn', { currency })}
            categories={categories}
            // i18n-keys: status.pending status.held status.approved status.paid
            series={CHART_STATUSES.map((s) => ({ label: t(`status.${s}`), values: p.days.map((d) => statusAmount(d, currency, s)) }))}
            formatValue={(n) => f.money(Math.round(n), currency)}
            formatCategory={f.day}
          />
          {currencies.length === 0 && <p className="muted small">{t('overview.noCommissions')}</p>}
        </Section>
        <Section title={t('overview.epcChart')}>
          {p.totals.clicks === 0 ? (
            <Empty>{t('overview.noEpcYet')}</Empty>
          ) : (
            <LineChart
              label={t('overview.epcChartIn', { currency })}
              categories={categories}
              series={[{ label: t('kpi.epc'), values: p.days.map((d) => d.epc.find((e) => e.currency === currency)?.value ?? 0) }]}
              formatValue={(n) => f.money(n, currency)}
              formatCategory={f.day}
            />
          )}
        </Section>
        <Section title={t('overview.attention')}>
          <ul className="aff-attention">
            <li>
              <StatusBadge status="held" /> {t('overview.heldCount', { count: held.count })} <Amounts amounts={held.amounts} />
            </li>
            <li>
              <StatusBadge status="reversed" /> {t('overview.reversedCount', { count: reversed.count })}
            </li>
          </ul>
          <p className="small">
            {held.count + reversed.count > 0 ? t('overview.attentionHint') : t('overview.attentionNone')} <Link to="/affiliate/commissions">{t('overview.toCommissions')}</Link>
          </p>
        </Section>
      </div>
      <Breakdowns performance={p} currency={currency} />
    </>
  );
}
