import { useTranslation } from 'react-i18next';
import { useLoad } from '../../api/use-load';
import { DataTable, type Column } from '../../components/data-table';
import { Kpi, Section } from '../../components/layout';
import { Async } from '../../components/states';
import { useFormat } from '../../i18n/format';
import { entryLabel } from './labels';
import { loadBalance, loadHistory, type HistoryItem, type Me } from './queries';

/** `/member/points`: the balance in brief, then every entry, newest first, paged by the server. */
export function PointsPage({ me }: { me: Me }) {
  const { t } = useTranslation('web-member');
  const f = useFormat();
  const balance = useLoad(() => loadBalance(me), [me.programId, me.memberId]);
  const columns: Column<HistoryItem>[] = [
    { key: 'date', header: t('points.date'), cell: (e) => f.date(e.createdAt) },
    {
      key: 'what',
      header: t('points.what'),
      cell: (e) => {
        const { label, note } = entryLabel(t, e);
        return (
          <span className="entry-what">
            <span>{label}</span>
            {note && <span className="muted small">{note}</span>}
          </span>
        );
      },
    },
    { key: 'status', header: t('points.status'), cell: (e) => <LotStatus entry={e} /> },
    {
      key: 'points',
      header: t('points.points'),
      numeric: true,
      cell: (e) => <span className={e.amount > 0 ? 'points-plus' : 'points-minus'}>{f.number(e.amount, { signDisplay: 'always' })}</span>,
    },
  ];
  return (
    <>
      <Async state={balance}>
        {(b) => (
          <div className="kpis">
            <Kpi label={t('balance.available')} value={f.number(b.available)} />
            <Kpi label={t('balance.pending')} value={f.number(b.pending)} />
            <Kpi
              label={t('expiring.title')}
              value={f.number(b.expiringSoon.reduce((sum, e) => sum + e.points, 0))}
              hint={b.expiringSoon[0] ? t('expiring.next', { date: f.date(b.expiringSoon[0].expiresAt) }) : t('expiring.noneShort')}
            />
          </div>
        )}
      </Async>
      <Section title={t('points.history')}>
        <DataTable
          caption={t('points.history')}
          columns={columns}
          load={(page) => loadHistory(me, page)}
          deps={[me.programId, me.memberId]}
          rowKey={(e) => e.id}
          empty={<p>{t('points.empty')}</p>}
        />
      </Section>
    </>
  );
}

/** What is left of a credit: expiring soon (marked), waiting to unlock, or nothing to say. */
function LotStatus({ entry }: { entry: HistoryItem }) {
  const { t } = useTranslation('web-member');
  const f = useFormat();
  const lot = entry.lot;
  if (!lot) return null;
  if (lot.expiringSoon && lot.expiresAt) {
    return (
      <span className="badge warn" data-testid="entry-expiring">
        {t('points.expiresSoon', { count: lot.remaining, value: f.number(lot.remaining), date: f.date(lot.expiresAt) })}
      </span>
    );
  }
  if (lot.state === 'pending') return <span className="badge">{t('points.pendingUntil', { date: f.date(lot.availableAt) })}</span>;
  if (lot.state === 'available' && lot.remaining > 0 && lot.expiresAt) return <span className="muted small">{t('points.expiresOn', { date: f.date(lot.expiresAt) })}</span>;
  if (lot.remaining === 0) return <span className="muted small">{t('points.used')}</span>;
  return null;
}
