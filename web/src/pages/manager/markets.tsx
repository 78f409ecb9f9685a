import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { BarChart, LineChart } from '../../components/charts';
import { Kpi } from '../../components/layout';
import { Async } from '../../components/states';
import { useFormat } from '../../i18n/format';
import { Link } from '../../router';
import { useScope, type Market } from './scope';

const STATUSES = ['pending', 'held', 'approved', 'paid', 'reversed', 'rejected'] as const;

/** One card per market in scope: the last 30 days' KPIs and the daily clicks. */
export function MarketsPage() {
  const { t } = useTranslation('web-manager');
  const { markets } = useScope();
  return (
    <>
      <p className="muted">{t('markets.intro', { count: markets.length })}</p>
      <div className="manager-markets">
        {markets.map((m) => (
          <MarketCard key={m.id} market={m} />
        ))}
      </div>
    </>
  );
}

async function loadMarketFigures(programId: string, country: string) {
  const param = { programId };
  const [kpis, clicks] = await Promise.all([
    call(api.v1.programs[':programId'].kpis.$get({ param, query: { country } })),
    call(api.v1.programs[':programId']['click-stats'].$get({ param, query: { groupBy: 'day', country } })),
  ]);
  return { kpis, clicks };
}

function MarketCard({ market }: { market: Market }) {
  const { t } = useTranslation('web-manager');
  const f = useFormat();
  const { program } = useScope();
  const figures = useLoad(() => loadMarketFigures(program.id, market.country), [program.id, market.country]);
  const name = f.country(market.country);
  return (
    <section className="card market-card" aria-label={name} data-testid={`market-${market.country}`}>
      <div className="card-head">
        <h2>
          {name} <span className="muted small mono">{market.country}</span>
        </h2>
        <div className="row market-tags">
          {/* i18n-keys: stage.new stage.mature */}
          <span className={`badge ${market.stage === 'new' ? 'warn' : 'ok'}`}>{t(`stage.${market.stage}`)}</span>
          <span className="badge">{market.currency}</span>
          <span className="badge">{t('markets.locale', { locale: market.defaultLocale })}</span>
        </div>
      </div>
      {/* i18n-keys: markets.stageHintNew markets.stageHintMature */}
      <p className="muted small">{t(market.stage === 'new' ? 'markets.stageHintNew' : 'markets.stageHintMature')}</p>
      <Async state={figures}>
        {({ kpis, clicks }) => {
          const cur = kpis.currency;
          const conversions = kpis.traffic.attributedSignups + kpis.traffic.attributedSales;
          const held = kpis.money.commissionsByStatus.held;
          return (
            <>
              <div className="kpis">
                <Kpi label={t('kpi.clicks')} value={f.number(kpis.traffic.clicks)} hint={t('kpi.uniqueHint', { value: f.number(kpis.traffic.uniqueClicks) })} />
                <Kpi
                  label={t('kpi.conversions')}
                  value={f.number(conversions)}
                  hint={t('kpi.conversionsHint', { signups: f.number(kpis.traffic.attributedSignups), sales: f.number(kpis.traffic.attributedSales) })}
                />
                <Kpi
                  label={t('kpi.conversionRate')}
                  value={kpis.traffic.conversionRate === null ? '—' : f.percent(kpis.traffic.conversionRate)}
                />
                <Kpi label={t('kpi.commissions')} value={f.money(kpis.money.commissionCost, cur)} hint={t('kpi.commissionsHint')} />
                <Kpi label={t('kpi.revenue')} value={f.money(kpis.traffic.attributedRevenue, cur)} />
                <Kpi label={t('kpi.epc')} value={kpis.traffic.epc === null ? '—' : f.money(kpis.traffic.epc, cur)} />
                <Kpi
                  label={t('kpi.held')}
                  value={f.number(held.count)}
                  hint={held.count > 0 ? <Link to="/manager/review">{t('kpi.heldReview')}</Link> : t('kpi.heldNone')}
                />
              </div>
              <div className="market-charts">
                <div>
                  <h3 className="chart-title">{t('markets.dailyClicks')}</h3>
                  <LineChart
                  label={t('markets.clicksChart', { market: name })}
                  categories={clicks.rows.map((r) => r.key)}
                  series={[
                    { label: t('kpi.clicks'), values: clicks.rows.map((r) => r.clicks) },
                    { label: t('kpi.uniqueVisitors'), values: clicks.rows.map((r) => r.uniqueClicks) },
                  ]}
                  formatValue={(n) => f.number(n)}
                  formatCategory={f.day}
                  />
                </div>
                <div>
                  <h3 className="chart-title">{t('markets.byStatus')}</h3>
                  <BarChart
                    label={t('markets.byStatusChart', { market: name, currency: cur })}
                    // i18n-keys: status.pending status.held status.approved status.paid status.reversed status.rejected
                    items={STATUSES.map((s) => ({ label: t(`status.${s}`), value: kpis.money.commissionsByStatus[s].amount }))}
                    formatValue={(n) => f.money(n, cur)}
                  />
                </div>
              </div>
              <p className="muted small">{t('markets.period', { from: f.day(kpis.from), to: f.day(kpis.to) })}</p>
            </>
          );
        }}
      </Async>
    </section>
  );
}
