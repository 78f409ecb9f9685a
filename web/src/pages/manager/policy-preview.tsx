import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';

export interface PolicyPreview {
  from: string;
  to: string;
  payoutCurrency: string;
  conversions: { total: number; signups: number; sales: number; rejected: number };
  proposed: { commissions: number; totals: { currency: string; amount: number }[]; payoutAmount: number; unpriced: number };
  current: { commissions: number; totals: { currency: string; amount: number }[]; payoutAmount: number };
  difference: { payoutAmount: number };
}

/** The last 30 days as they were paid, next to what the draft terms would have paid. */
export function PolicyPreviewResult({ preview }: { preview: PolicyPreview }) {
  const { t } = useTranslation('web-manager');
  const f = useFormat();
  const { current, proposed, difference, payoutCurrency } = preview;
  const currencies = [...new Set([...current.totals, ...proposed.totals].map((x) => x.currency))].sort();
  const amountIn = (side: { totals: { currency: string; amount: number }[] }, currency: string) => side.totals.find((x) => x.currency === currency)?.amount ?? 0;
  const diff = difference.payoutAmount;
  return (
    <section className="policy-preview" aria-label={t('preview.title')} data-testid="policy-preview" aria-live="polite">
      <h3>{t('preview.title')}</h3>
      <p className="muted small">
        {t('preview.period', { from: f.date(preview.from), to: f.date(preview.to) })}{' '}
        {t('preview.conversions', { count: preview.conversions.total, signups: f.number(preview.conversions.signups), sales: f.number(preview.conversions.sales) })}
      </p>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t('preview.title')}</caption>
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col" className="num">
                {t('preview.current')}
              </th>
              <th scope="col" className="num">
                {t('preview.proposed')}
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t('preview.commissions')}</th>
              <td className="num">{f.number(current.commissions)}</td>
              <td className="num">{f.number(proposed.commissions)}</td>
            </tr>
            {currencies.map((c) => (
              <tr key={c}>
                <th scope="row">{t('preview.totalIn', { currency: c })}</th>
                <td className="num">{f.money(amountIn(current, c), c)}</td>
                <td className="num">{f.money(amountIn(proposed, c), c)}</td>
              </tr>
            ))}
            <tr className="preview-total">
              <th scope="row">{t('preview.payoutTotal', { currency: payoutCurrency })}</th>
              <td className="num" data-testid="preview-current">
                {f.money(current.payoutAmount, payoutCurrency)}
              </td>
              <td className="num" data-testid="preview-proposed">
                {f.money(proposed.payoutAmount, payoutCurrency)}
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      {/* i18n-keys: preview.more preview.less */}
      <p className={`preview-diff ${diff > 0 ? 'up' : diff < 0 ? 'down' : ''}`} data-testid="preview-difference">
        {diff === 0
          ? t('preview.same')
          : t(diff > 0 ? 'preview.more' : 'preview.less', { amount: f.money(Math.abs(diff), payoutCurrency) })}
      </p>
      {preview.conversions.rejected > 0 && <p className="muted small">{t('preview.rejected', { count: preview.conversions.rejected })}</p>}
      {proposed.unpriced > 0 && <p className="notice small">{t('preview.unpriced', { count: proposed.unpriced })}</p>}
      {preview.conversions.total === 0 && <p className="muted small">{t('preview.noConversions')}</p>}
    </section>
  );
}
