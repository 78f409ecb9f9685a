import { useTranslation } from 'react-i18next';
import { fetchText } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { Section } from '../../components/layout';
import { Async } from '../../components/states';
import { useFormat } from '../../i18n/format';
import { useAffiliate } from './shared';

const statementPath = (programId: string, payoutId: string, format: 'html' | 'csv') => `/v1/programs/${encodeURIComponent(programId)}/payouts/${encodeURIComponent(payoutId)}/statement?format=${format}`;

/**
 * A payout's statement, as the server renders it (in the user's language, from the cookie), in a
 * sandboxed frame: the page has no scripts, and the sandbox makes sure it could not run any.
 */
export function Statement({ payout, onClose }: { payout: { id: string; amount: number; currency: string; createdAt: string }; onClose: () => void }) {
  const { t } = useTranslation('web-affiliate');
  const f = useFormat();
  const { programId } = useAffiliate();
  const html = useLoad(() => fetchText(statementPath(programId, payout.id, 'html'), 'text/html'), [programId, payout.id, f.locale]);

  const downloadCsv = async () => {
    const csv = await fetchText(statementPath(programId, payout.id, 'csv'), 'text/csv');
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `trellis-statement-${payout.id}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const title = t('statement.title', { amount: f.money(payout.amount, payout.currency), date: f.date(payout.createdAt) });
  return (
    <Section
      title={title}
      actions={
        <div className="row">
          <button type="button" onClick={() => void downloadCsv()}>
            {t('statement.csv')}
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            {t('statement.close')}
          </button>
        </div>
      }
    >
      <Async state={html}>{(doc) => <iframe className="aff-statement" title={title} sandbox="" srcDoc={doc} data-testid="statement-frame" />}</Async>
    </Section>
  );
}
