import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { DataTable, type Column } from '../../components/data-table';
import { Section } from '../../components/layout';
import { useFormat } from '../../i18n/format';
import { StatusBadge, useAffiliate } from './shared';

const STATUSES = ['pending', 'held', 'approved', 'paid', 'reversed', 'rejected'] as const;
type Status = (typeof STATUSES)[number];

async function loadCommissions(programId: string, status: Status | '', page: { cursor?: string; limit: number }) {
  const query = { limit: String(page.limit), order: 'newest' as const, ...(status ? { status } : {}), ...(page.cursor ? { cursor: page.cursor } : {}) };
  return await call(api.v1.programs[':programId'].commissions.$get({ param: { programId }, query }));
}

type Commission = Awaited<ReturnType<typeof loadCommissions>>['data'][number];

/** Every commission, server-paginated, filterable by status; held and reversed ones say why. */
export function CommissionsPage() {
  const { t } = useTranslation('web-affiliate');
  const f = useFormat();
  const { programId } = useAffiliate();
  const [status, setStatus] = useState<Status | ''>('');

  const columns: Column<Commission>[] = [
    { key: 'date', header: t('commissions.date'), cell: (c) => f.date(c.createdAt) },
    // i18n-keys: kind.signup kind.sale kind.clawback
    { key: 'kind', header: t('commissions.kind'), cell: (c) => t(`kind.${c.kind}`) },
    { key: 'status', header: t('commissions.status'), cell: (c) => <StatusBadge status={c.status} /> },
    {
      key: 'amount',
      header: t('commissions.amount'),
      numeric: true,
      cell: (c) => (
        <span className="stack aff-money" data-testid="commission-amount">
          <strong>{f.money(c.netAmount, c.currency)}</strong>
          {c.reversedAmount !== 0 && <span className="muted small">{t('commissions.reversedPart', { amount: f.money(c.reversedAmount, c.currency) })}</span>}
          {c.payoutCurrency !== c.currency && <span className="muted small">{t('commissions.paidAs', { amount: f.money(c.payoutNetAmount, c.payoutCurrency) })}</span>}
        </span>
      ),
    },
    { key: 'reason', header: t('commissions.reason'), cell: (c) => <Reasons commission={c} /> },
    { key: 'due', header: t('commissions.due'), cell: (c) => <Due commission={c} /> },
  ];

  const filter = (
    <label className="aff-inline">
      {t('commissions.filter')}
      <select value={status} onChange={(e) => setStatus(e.target.value as Status | '')} data-testid="commission-status-filter">
        <option value="">{t('commissions.all')}</option>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`status.${s}`)}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <Section title={t('commissions.title')} actions={filter}>
      <p className="muted small">{t('commissions.intro')}</p>
      <DataTable
        caption={t('commissions.title')}
        columns={columns}
        load={(page) => loadCommissions(programId, status, page)}
        deps={[programId, status]}
        rowKey={(c) => c.id}
        empty={status ? t('commissions.emptyStatus', { status: t(`status.${status}`) }) : t('commissions.empty')}
      />
    </Section>
  );
}

/**
 * Why a commission is held (fraud reason codes, a missing exchange rate) or was reversed (the
 * order was refunded or cancelled), as words; the manager's own note when they decided.
 */
function Reasons({ commission: c }: { commission: Commission }) {
  const { t } = useTranslation('web-affiliate');
  // i18n-keys: reason.self_referral reason.duplicate_customer reason.click_injection reason.no_click
  // i18n-keys: reason.velocity_ip reason.velocity_link reason.bot_click reason.fx_rate_missing
  const labels = c.holdReasons.map((code) => (
    <span key={code} className="badge warn" title={code} data-reason={code}>
      {t(`reason.${code}`, { defaultValue: code })}
    </span>
  ));
  const showHold = c.status === 'held' || c.status === 'rejected' || (c.decidedAt !== null && labels.length > 0);
  return (
    <span className="stack aff-reasons">
      {showHold && labels.length > 0 && <span className="aff-reason-list">{labels}</span>}
      {c.status === 'reversed' && <ReversalReason conversionId={c.conversionId} />}
      {c.kind === 'clawback' && <span className="small">{t('reason.clawback')}</span>}
      {c.decisionReason && (
        <span className="small">
          {t('commissions.managerNote')} <q>{c.decisionReason}</q>
        </span>
      )}
      {!showHold && c.status !== 'reversed' && c.kind !== 'clawback' && !c.decisionReason && <span className="muted">–</span>}
    </span>
  );
}

/** A reversed commission's conversion tells whether the order was refunded or cancelled. */
function ReversalReason({ conversionId }: { conversionId: string }) {
  const { t } = useTranslation('web-affiliate');
  const conversion = useLoad(() => call(api.v1.conversions[':conversionId'].$get({ param: { conversionId } })), [conversionId]);
  const status = conversion.data?.status;
  // i18n-keys: reason.refunded reason.cancelled reason.reversed
  const code = status === 'refunded' || status === 'partially_refunded' ? 'refunded' : status === 'cancelled' ? 'cancelled' : 'reversed';
  return (
    <span className="badge danger" data-reason={code}>
      {t(`reason.${code}`)}
    </span>
  );
}

function Due({ commission: c }: { commission: Commission }) {
  const { t } = useTranslation('web-affiliate');
  const f = useFormat();
  if (c.status === 'paid' && c.paidAt) return <>{t('commissions.paidOn', { date: f.date(c.paidAt) })}</>;
  if (c.status === 'approved' && c.approvedAt) return <>{t('commissions.approvedOn', { date: f.date(c.approvedAt) })}</>;
  if (c.status === 'pending') {
    if (!c.holdUntil) return <>{t('commissions.awaitingCompletion')}</>;
    // Past the hold period, the next approval run picks it up.
    return <>{Date.parse(c.holdUntil) <= Date.now() ? t('commissions.approvalDue') : t('commissions.approvableFrom', { date: f.date(c.holdUntil) })}</>;
  }
  if (c.status === 'reversed' && c.reversedAt) return <>{f.date(c.reversedAt)}</>;
  return <span className="muted">–</span>;
}
