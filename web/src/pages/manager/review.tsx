import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { DataTable } from '../../components/data-table';
import { Section } from '../../components/layout';
import { useFormat } from '../../i18n/format';
import { Decision, Evidence, ReasonBadges, type HeldCommission } from './review-row';
import { Labelled } from './field';
import { useScope } from './scope';

/**
 * The fraud review queue: commissions held by the fraud rules (or a missing FX rate) in the
 * markets in scope, oldest first. A decision needs a reason, which the partner reads.
 */
export function ReviewPage() {
  const { t } = useTranslation('web-manager');
  const f = useFormat();
  const { program, markets } = useScope();
  const [country, setCountry] = useState('');
  const [tick, setTick] = useState(0);
  const [decided, setDecided] = useState<{ outcome: 'approved' | 'rejected'; amount: string } | null>(null);

  return (
    <>
      <p className="muted">{t('review.intro')}</p>
      {decided && (
        <p className="notice" role="status" data-testid="review-decided">
          {/* i18n-keys: review.done.approved review.done.rejected */}
          {t(`review.done.${decided.outcome}`, { amount: decided.amount })}
        </p>
      )}
      <Section
        title={t('review.title')}
        actions={
          markets.length > 1 && (
            <Labelled label={t('review.market')} className="inline-label">
              {(id) => (
                <select id={id} value={country} onChange={(e) => setCountry(e.target.value)}>
                  <option value="">{t('review.allMarkets')}</option>
                  {markets.map((m) => (
                    <option key={m.country} value={m.country}>
                      {f.country(m.country)}
                    </option>
                  ))}
                </select>
              )}
            </Labelled>
          )
        }
      >
        <DataTable<HeldCommission>
          caption={t('review.title')}
          deps={[program.id, country, tick]}
          pageSize={10}
          load={({ cursor, limit }) =>
            call(
              api.v1.programs[':programId'].commissions.$get({
                param: { programId: program.id },
                query: { status: 'held', limit: String(limit), ...(cursor ? { cursor } : {}), ...(country ? { country } : {}) },
              }),
            )
          }
          rowKey={(c) => c.id}
          empty={<span data-testid="review-empty">{t('review.empty')}</span>}
          columns={[
            {
              key: 'what',
              header: t('review.col.commission'),
              cell: (c) => (
                <div className="stack-tight">
                  {/* i18n-keys: kind.signup kind.sale kind.clawback */}
                  <strong>{t(`kind.${c.kind}`)}</strong>
                  <span className="muted small">
                    {c.country ? f.country(c.country) : '—'} · {f.dateTime(c.createdAt)}
                  </span>
                </div>
              ),
            },
            { key: 'partner', header: t('review.col.partner'), cell: (c) => (c.partnerName ? <span>{c.partnerName}</span> : <span className="mono small">{c.partnerMemberId}</span>) },
            {
              key: 'amount',
              header: t('review.col.amount'),
              numeric: true,
              cell: (c) => (
                <div className="stack-tight">
                  <strong>{f.money(c.amount, c.currency)}</strong>
                  {c.payoutCurrency !== c.currency && <span className="muted small">{f.money(c.payoutAmount, c.payoutCurrency)}</span>}
                </div>
              ),
            },
            {
              key: 'reasons',
              header: t('review.col.reasons'),
              cell: (c) => (
                <div className="stack-tight">
                  <ReasonBadges reasons={c.holdReasons} />
                  <Evidence conversionId={c.conversionId} />
                </div>
              ),
            },
            {
              key: 'decision',
              header: t('review.col.decision'),
              cell: (c) => (
                <Decision
                  commission={c}
                  onDecided={(outcome) => {
                    setDecided({ outcome, amount: f.money(c.amount, c.currency) });
                    setTick((n) => n + 1);
                  }}
                />
              ),
            },
          ]}
        />
      </Section>
    </>
  );
}
