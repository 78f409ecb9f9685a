import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { DataTable, type Column } from '../../components/data-table';
import { Kpi, Section } from '../../components/layout';
import { Async } from '../../components/states';
import { useFormat } from '../../i18n/format';
import { PayoutAccountPanel } from './payout-account';
import { StatusBadge, useAffiliate } from './shared';
import { Statement } from './statement';

async function loadBalance(programId: string, memberId: string) {
  return await call(api.v1.programs[':programId'].affiliates[':memberId'].balance.$get({ param: { programId, memberId } }));
}

async function loadPayouts(programId: string, memberId: string, page: { cursor?: string; limit: number }) {
  const query = { limit: String(page.limit), ...(page.cursor ? { cursor: page.cursor } : {}) };
  return await call(api.v1.programs[':programId'].affiliates[':memberId'].payouts.$get({ param: { programId, memberId }, query }));
}

type Payout = Awaited<ReturnType<typeof loadPayouts>>['data'][number];

/** What the affiliate is owed per currency, how they get paid, and every payout with its statement. */
export function PayoutsPage() {
  const { t } = useTranslation('web-affiliate');
  const f = useFormat();
  const { programId, memberId } = useAffiliate();
  const balance = useLoad(() => loadBalance(programId, memberId), [programId, memberId]);
  const [open, setOpen] = useState<Payout | null>(null);

  const columns: Column<Payout>[] = [
    { key: 'date', header: t('payouts.date'), cell: (p) => f.date(p.createdAt) },
    { key: 'amount', header: t('payouts.amount'), numeric: true, cell: (p) => <strong>{f.money(p.amount, p.currency)}</strong> },
    { key: 'count', header: t('payouts.commissions'), numeric: true, cell: (p) => f.number(p.commissionCount) },
    // i18n-keys: method.stripe method.manual
    { key: 'method', header: t('payouts.method'), cell: (p) => t(`method.${p.method}`) },
    {
      key: 'status',
      header: t('payouts.status'),
      cell: (p) => (
        <span className="stack">
          <StatusBadge status={p.status} />
          {p.paidAt && <span className="muted small">{f.date(p.paidAt)}</span>}
          {p.failureCode && <span className="small">{p.failureMessage ?? p.failureCode}</span>}
        </span>
      ),
    },
    {
      key: 'statement',
      header: t('payouts.statement'),
      cell: (p) => (
        <button type="button" className="secondary" onClick={() => setOpen(p)} aria-expanded={open?.id === p.id}>
          {t('payouts.viewStatement')}
        </button>
      ),
    },
  ];

  return (
    <>
      <Async state={balance}>
        {(b) => (
          <>
            <Section title={t('payouts.balance')}>
              {b.balances.length === 0 ? (
                <p className="muted">{t('payouts.noBalance')}</p>
              ) : (
                b.balances.map((bal) => (
                  <div key={bal.currency} className="aff-balance" data-testid={`balance-${bal.currency}`}>
                    <h3>{bal.currency}</h3>
                    <div className="kpis">
                      <Kpi label={t('payouts.approved')} value={f.money(bal.approved, bal.currency)} hint={t('payouts.approvedHint')} />
                      <Kpi label={t('payouts.inPayout')} value={f.money(bal.inPayout, bal.currency)} />
                      <Kpi label={t('payouts.pending')} value={f.money(bal.pending, bal.currency)} hint={t('payouts.pendingHint')} />
                      <Kpi label={t('payouts.held')} value={f.money(bal.held, bal.currency)} hint={t('payouts.heldHint')} />
                    </div>
                    <p className={bal.nextRunPays ? 'notice' : 'muted small'}>
                      {bal.nextRunPays
                        ? t('payouts.nextRunPays', { amount: f.money(bal.approved, bal.currency) })
                        : // i18n-keys: carry.below_minimum carry.not_positive carry.affiliate_not_approved carry.payout_account_missing carry.payout_account_not_ready
                          t(`carry.${bal.carryReason ?? 'not_positive'}`, { minimum: f.money(bal.minimum, bal.currency) })}
                    </p>
                  </div>
                ))
              )}
              {b.method === 'manual' && <p className="muted small">{t('payouts.manualMode')}</p>}
            </Section>
            {b.method === 'stripe' && <PayoutAccountPanel />}
          </>
        )}
      </Async>
      <Section title={t('payouts.title')}>
        <DataTable caption={t('payouts.title')} columns={columns} load={(page) => loadPayouts(programId, memberId, page)} deps={[programId, memberId]} rowKey={(p) => p.id} empty={t('payouts.empty')} />
      </Section>
      {open && <Statement key={open.id} payout={open} onClose={() => setOpen(null)} />}
    </>
  );
}

