import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { BarChart } from '../../components/charts';
import { DataTable } from '../../components/data-table';
import { Kpi, Section } from '../../components/layout';
import { Async } from '../../components/states';
import { useFormat } from '../../i18n/format';
import { useCurrentProgram, type Program } from './program-context';
import { ProgramForm } from './program-form';
import { useDisplayNames } from './pickers';

type Editing = { mode: 'create' } | { mode: 'edit'; program: Program } | null;

export function ProgramsPage() {
  const { t } = useTranslation('web-admin');
  const { program, select, reload } = useCurrentProgram();
  const names = useDisplayNames();
  const fmt = useFormat();
  const [editing, setEditing] = useState<Editing>(null);
  const [version, setVersion] = useState(0);
  const saved = (p: Program) => {
    setEditing(null);
    setVersion((v) => v + 1);
    select(p.id);
    reload();
  };

  return (
    <>
      {program && <ProgramOverview program={program} />}
      {editing && (
        <Section title={editing.mode === 'create' ? t('programs.createTitle') : t('programs.editTitle', { name: editing.program.name })}>
          <ProgramForm key={editing.mode === 'edit' ? editing.program.id : 'new'} program={editing.mode === 'edit' ? editing.program : null} onSaved={saved} onCancel={() => setEditing(null)} />
        </Section>
      )}
      <Section
        title={t('programs.title')}
        actions={
          !editing && (
            <button type="button" onClick={() => setEditing({ mode: 'create' })}>
              {t('programs.create')}
            </button>
          )
        }
      >
        <DataTable<Program>
          caption={t('programs.title')}
          deps={[version]}
          load={({ cursor, limit }) => call(api.v1.programs.$get({ query: { limit: String(limit), ...(cursor ? { cursor } : {}) } }))}
          rowKey={(p) => p.id}
          empty={t('programs.empty')}
          columns={[
            {
              key: 'name',
              header: t('programs.name'),
              cell: (p) => (
                <span>
                  <strong>{p.name}</strong> {p.id === program?.id && <span className="badge ok">{t('programs.currentBadge')}</span>}
                </span>
              ),
            },
            { key: 'currency', header: t('programs.payoutCurrency'), cell: (p) => `${p.payoutCurrency} · ${names.currency(p.payoutCurrency)}` },
            { key: 'locale', header: t('programs.defaultLocale'), cell: (p) => names.language(p.defaultLocale) },
            { key: 'created', header: t('programs.created'), cell: (p) => fmt.date(p.createdAt) },
            {
              key: 'actions',
              header: t('table.actions'),
              cell: (p) => (
                <div className="actions">
                  {p.id !== program?.id && (
                    <button type="button" className="secondary" onClick={() => select(p.id)} aria-label={t('programs.useNamed', { name: p.name })}>
                      {t('programs.use')}
                    </button>
                  )}
                  <button type="button" className="secondary" onClick={() => setEditing({ mode: 'edit', program: p })} aria-label={t('programs.editNamed', { name: p.name })}>
                    {t('form.edit')}
                  </button>
                </div>
              ),
            },
          ]}
        />
      </Section>
    </>
  );
}

/** The current program at a glance: the last 30 days, and how its markets compare. */
function ProgramOverview({ program }: { program: Program }) {
  const { t } = useTranslation('web-admin');
  const fmt = useFormat();
  const names = useDisplayNames();
  const state = useLoad(async () => {
    const programId = program.id;
    const [kpis, markets] = await Promise.all([
      call(api.v1.programs[':programId'].kpis.$get({ param: { programId }, query: {} })),
      call(api.v1.programs[':programId'].markets.$get({ param: { programId }, query: { limit: '20' } })),
    ]);
    const byMarket = await Promise.all(
      markets.data.map(async (m) => {
        const k = await call(api.v1.programs[':programId'].kpis.$get({ param: { programId }, query: { country: m.country } }));
        return { country: m.country, newMembers: k.members.newMembers, revenue: k.traffic.attributedRevenue };
      }),
    );
    return { kpis, byMarket };
  }, [program.id]);

  return (
    <Section title={t('overview.title', { name: program.name })}>
      <Async state={state}>
        {({ kpis, byMarket }) => (
          <>
            <div className="kpis">
              <Kpi label={t('overview.clicks')} value={fmt.number(kpis.traffic.clicks)} />
              <Kpi label={t('overview.sales')} value={fmt.number(kpis.traffic.attributedSales)} />
              <Kpi label={t('overview.commissionCost')} value={fmt.money(kpis.money.commissionCost, kpis.currency)} />
              <Kpi label={t('overview.newMembers')} value={fmt.number(kpis.members.newMembers)} />
            </div>
            <p className="muted small">{t('overview.period', { from: fmt.day(kpis.from), to: fmt.day(kpis.to) })}</p>
            {byMarket.length > 0 ? (
              <div className="grid">
                <div>
                  <h3 className="chart-title">{t('overview.membersByMarket')}</h3>
                  <BarChart label={t('overview.membersByMarket')} items={byMarket.map((m) => ({ label: names.country(m.country), value: m.newMembers }))} formatValue={(n) => fmt.number(n)} />
                </div>
                <div>
                  <h3 className="chart-title">{t('overview.revenueByMarket')}</h3>
                  <BarChart label={t('overview.revenueByMarket')} items={byMarket.map((m) => ({ label: names.country(m.country), value: m.revenue }))} formatValue={(n) => fmt.money(n, kpis.currency)} />
                </div>
              </div>
            ) : (
              <p className="muted">{t('markets.empty')}</p>
            )}
          </>
        )}
      </Async>
    </Section>
  );
}
