import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BarChart } from '../../components/charts';
import { Section } from '../../components/layout';
import { Empty } from '../../components/states';
import { useFormat } from '../../i18n/format';
import { earnedIn, type Figures, type Performance } from './performance';
import { Amounts } from './shared';

type Measure = 'clicks' | 'conversions' | 'earned';
const MEASURES: Measure[] = ['clicks', 'conversions', 'earned'];

interface Row {
  key: string;
  label: string;
  figures: Figures;
}

/** Where the results come from: one bar chart and one table per dimension (link, country). */
export function Breakdowns({ performance: p, currency }: { performance: Performance; currency: string }) {
  const { t } = useTranslation('web-affiliate');
  const f = useFormat();
  // Before the first click, conversions (promo codes) tell more than a row of zero bars.
  const [measure, setMeasure] = useState<Measure>(p.totals.clicks > 0 ? 'clicks' : 'conversions');
  const links: Row[] = p.byLink.map((l) => ({
    key: l.linkId ?? 'none',
    label: l.linkId === null ? t('breakdown.noLink') : (l.title ?? `/${l.slug ?? ''}`) + (l.archived ? ` (${t('status.archived')})` : ''),
    figures: l,
  }));
  const countries: Row[] = p.byCountry.map((c) => ({ key: c.country ?? 'none', label: c.country ? f.country(c.country) : t('breakdown.noCountry'), figures: c }));
  const value = (fig: Figures) => (measure === 'earned' ? earnedIn(fig, currency) : fig[measure]);
  const format = (n: number) => (measure === 'earned' ? f.money(n, currency) : f.number(n));

  const picker = (
    <label className="aff-inline">
      {t('breakdown.measure')}
      <select value={measure} onChange={(e) => setMeasure(e.target.value as Measure)}>
        {MEASURES.map((m) => (
          // i18n-keys: measures.clicks measures.conversions measures.earned
          <option key={m} value={m}>
            {t(`measures.${m}`, { currency })}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div className="grid">
      <Section title={t('breakdown.byLink')} actions={picker}>
        <Breakdown rows={links} label={t('breakdown.byLink')} nameHeader={t('breakdown.link')} value={value} format={format} />
      </Section>
      <Section title={t('breakdown.byCountry')}>
        <Breakdown rows={countries} label={t('breakdown.byCountry')} nameHeader={t('breakdown.country')} value={value} format={format} />
      </Section>
    </div>
  );
}

function Breakdown({ rows, label, nameHeader, value, format }: { rows: Row[]; label: string; nameHeader: string; value: (f: Figures) => number; format: (n: number) => string }) {
  const { t } = useTranslation('web-affiliate');
  const f = useFormat();
  if (rows.length === 0) return <Empty>{t('breakdown.empty')}</Empty>;
  return (
    <>
      <BarChart label={label} items={rows.slice(0, 10).map((r) => ({ label: r.label, value: value(r.figures) }))} formatValue={format} />
      <div className="table-wrap">
        <table className="responsive aff-breakdown">
          <caption className="visually-hidden">{label}</caption>
          <thead>
            <tr>
              <th scope="col">{nameHeader}</th>
              <th scope="col" className="num">{t('kpi.clicks')}</th>
              <th scope="col" className="num">{t('kpi.conversions')}</th>
              <th scope="col" className="num">{t('kpi.conversionRate')}</th>
              <th scope="col" className="num">{t('breakdown.earned')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.label}</th>
                <td className="num" data-label={t('kpi.clicks')}>{f.number(r.figures.clicks)}</td>
                <td className="num" data-label={t('kpi.conversions')}>{f.number(r.figures.conversions)}</td>
                <td className="num" data-label={t('kpi.conversionRate')}>{r.figures.conversionRate === null ? '–' : f.percent(r.figures.conversionRate)}</td>
                <td className="num" data-label={t('breakdown.earned')}>
                  <Amounts amounts={r.figures.earned} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
