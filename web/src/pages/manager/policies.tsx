import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { useSessionUser } from '../../api/session';
import { useLoad } from '../../api/use-load';
import { DataTable } from '../../components/data-table';
import { Section } from '../../components/layout';
import { Async } from '../../components/states';
import { useFormat } from '../../i18n/format';
import { PolicyEditor } from './policy-editor';
import type { PolicyVersion } from './policy-draft';
import { Labelled } from './field';
import { useScope } from './scope';

const DEFAULT_MARKET = 'default';

/** Pick a market; see its terms in force and their history; change them with a preview. */
export function PoliciesPage() {
  const { t } = useTranslation('web-manager');
  const f = useFormat();
  const user = useSessionUser()!;
  const { program, markets } = useScope();
  const [market, setMarket] = useState(markets[0]?.country ?? DEFAULT_MARKET);
  const [saved, setSaved] = useState<{ version: PolicyVersion; changed: boolean } | null>(null);
  const [tick, setTick] = useState(0);
  const param = { programId: program.id, market };
  const current = useLoad(async () => {
    const page = await call(api.v1.programs[':programId']['commission-policies'].$get({ param: { programId: program.id }, query: { limit: '100' } }));
    return page.data.find((p) => p.market === market) ?? null;
  }, [program.id, market, tick]);
  const info = markets.find((m) => m.country === market) ?? null;
  const currency = info?.currency ?? program.payoutCurrency;
  // The default policy pays markets without their own; only admins change it (managers may read it).
  const options = user.role === 'admin' ? [...markets.map((m) => m.country), DEFAULT_MARKET] : markets.map((m) => m.country);
  const marketName = (code: string) => (code === DEFAULT_MARKET ? t('policies.defaultMarket') : f.country(code));

  return (
    <>
      <div className="row">
        <Labelled label={t('policies.market')}>
          {(id) => (
            <select
              id={id}
              value={market}
              onChange={(e) => {
                setMarket(e.target.value);
                setSaved(null);
              }}
            >
              {options.map((code) => (
                <option key={code} value={code}>
                  {marketName(code)}
                </option>
              ))}
            </select>
          )}
        </Labelled>
      </div>
      {saved && (
        <p className="notice" role="status" data-testid="policy-saved">
          {saved.changed ? t('policies.saved', { version: saved.version.version, date: f.dateTime(saved.version.effectiveFrom) }) : t('policies.unchanged')}
        </p>
      )}
      <div className="grid manager-policy">
        <Section title={t('policies.edit', { market: marketName(market) })}>
          <Async state={current}>
            {(policy) => (
              <>
                <CurrentTerms version={policy?.current ?? null} upcoming={policy?.upcoming ?? []} />
                <PolicyEditor
                  key={`${market}:${policy?.current?.id ?? 'none'}:${policy?.upcoming.length ?? 0}`}
                  programId={program.id}
                  market={market}
                  stage={info?.stage ?? null}
                  currency={currency}
                  bounds={info?.commissionBounds ?? null}
                  current={policy?.upcoming.at(-1) ?? policy?.current ?? null}
                  onSaved={(version, changed) => {
                    setSaved({ version, changed });
                    setTick((n) => n + 1);
                  }}
                />
              </>
            )}
          </Async>
        </Section>
        <Section title={t('policies.history')}>
          <DataTable<PolicyVersion>
            caption={t('policies.history')}
            deps={[program.id, market, tick]}
            load={({ cursor, limit }) =>
              call(api.v1.programs[':programId']['commission-policies'][':market'].versions.$get({ param, query: { limit: String(limit), ...(cursor ? { cursor } : {}) } }))
            }
            rowKey={(v) => v.id}
            empty={t('policies.noVersions')}
            columns={[
              { key: 'version', header: t('history.version'), cell: (v) => <span data-testid="policy-version">v{v.version}</span> },
              { key: 'from', header: t('history.effectiveFrom'), cell: (v) => f.dateTime(v.effectiveFrom) },
              { key: 'terms', header: t('history.terms'), cell: (v) => <TermsSummary version={v} /> },
              { key: 'hold', header: t('history.hold'), cell: (v) => t('history.days', { count: v.holdDays }) },
              { key: 'note', header: t('history.note'), cell: (v) => v.note ?? '—' },
            ]}
          />
        </Section>
      </div>
    </>
  );
}

/** "R$ 15,00 per signup" or "10 % of each sale (min. €2.00)". */
export function TermsSummary({ version: v }: { version: PolicyVersion }) {
  const { t } = useTranslation('web-manager');
  const f = useFormat();
  const sale = v.percentBps === null ? null : t('terms.percent', { percent: f.number(v.percentBps / 10_000, { style: 'percent', maximumFractionDigits: 2 }) });
  const extras = [
    v.flatAmount ? t('terms.flat', { amount: f.money(v.flatAmount, v.currency) }) : null,
    v.minAmount !== null ? t('terms.min', { amount: f.money(v.minAmount, v.currency) }) : null,
    v.maxAmount !== null ? t('terms.max', { amount: f.money(v.maxAmount, v.currency) }) : null,
  ].filter(Boolean);
  const saleText = sale ? [sale, ...extras].join(' · ') : null;
  if (v.mode === 'per_signup') {
    const signup = t('terms.signup', { amount: f.money(v.signupAmount ?? 0, v.currency) });
    return (
      <span>
        {signup}
        {v.switchToPerTransactionAt && saleText && <span className="muted small"> — {t('terms.switch', { date: f.date(v.switchToPerTransactionAt), terms: saleText })}</span>}
      </span>
    );
  }
  return <span>{saleText}</span>;
}

function CurrentTerms({ version, upcoming }: { version: PolicyVersion | null; upcoming: PolicyVersion[] }) {
  const { t } = useTranslation('web-manager');
  const f = useFormat();
  return (
    <div className="current-terms" data-testid="policy-current">
      {version ? (
        <p>
          <span className="badge ok">{t('policies.inForce', { version: version.version })}</span> <TermsSummary version={version} />
          <span className="muted small"> · {t('policies.since', { date: f.date(version.effectiveFrom) })}</span>
        </p>
      ) : (
        <p className="muted">{t('policies.none')}</p>
      )}
      {upcoming.map((u) => (
        <p key={u.id}>
          <span className="badge warn">{t('policies.scheduled', { version: u.version, date: f.dateTime(u.effectiveFrom) })}</span> <TermsSummary version={u} />
        </p>
      ))}
    </div>
  );
}
