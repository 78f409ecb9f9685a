import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { DataTable } from '../../components/data-table';
import { Section } from '../../components/layout';
import { useFormat } from '../../i18n/format';
import { FormActions, SelectField, useSubmit, useFocusFirst } from './form';
import { CountrySelect, CurrencyField, LocaleSelect, useDisplayNames } from './pickers';
import { NeedsProgram, ProgramPicker, type Program } from './program-context';

type MarketsPage_ = Awaited<ReturnType<typeof loadMarkets>>;
type Market = MarketsPage_['data'][number];
type Stage = Market['stage'];

const loadMarkets = (programId: string, page: { cursor?: string; limit: number }) =>
  call(api.v1.programs[':programId'].markets.$get({ param: { programId }, query: { limit: String(page.limit), ...(page.cursor ? { cursor: page.cursor } : {}) } }));

export function MarketsPage() {
  return (
    <>
      <ProgramPicker />
      <NeedsProgram>{(program) => <Markets program={program} />}</NeedsProgram>
    </>
  );
}

function Markets({ program }: { program: Program }) {
  const { t } = useTranslation('web-admin');
  const names = useDisplayNames();
  const fmt = useFormat();
  const [editing, setEditing] = useState<Market | 'new' | null>(null);
  const [version, setVersion] = useState(0);
  const saved = () => {
    setEditing(null);
    setVersion((v) => v + 1);
  };
  // i18n-keys: stage.new stage.mature
  const stageLabel = (s: Stage) => t(`stage.${s}`);

  return (
    <>
      {editing && (
        <Section title={editing === 'new' ? t('markets.createTitle') : t('markets.editTitle', { country: names.country(editing.country) })}>
          <MarketForm key={editing === 'new' ? 'new' : editing.id} program={program} market={editing === 'new' ? null : editing} onSaved={saved} onCancel={() => setEditing(null)} />
        </Section>
      )}
      <Section
        title={t('markets.title')}
        actions={
          !editing && (
            <button type="button" onClick={() => setEditing('new')}>
              {t('markets.create')}
            </button>
          )
        }
      >
        <DataTable<Market>
          caption={t('markets.title')}
          deps={[program.id, version]}
          load={(page) => loadMarkets(program.id, page)}
          rowKey={(m) => m.id}
          empty={t('markets.empty')}
          columns={[
            { key: 'country', header: t('markets.country'), cell: (m) => <strong>{`${names.country(m.country)} (${m.country})`}</strong> },
            { key: 'currency', header: t('markets.currency'), cell: (m) => `${m.currency} · ${names.currency(m.currency)}` },
            { key: 'locale', header: t('markets.defaultLocale'), cell: (m) => names.language(m.defaultLocale) },
            { key: 'stage', header: t('markets.stage'), cell: (m) => <span className={`badge ${m.stage === 'new' ? 'warn' : 'ok'}`}>{stageLabel(m.stage)}</span> },
            { key: 'created', header: t('programs.created'), cell: (m) => fmt.date(m.createdAt) },
            {
              key: 'actions',
              header: t('table.actions'),
              cell: (m) => (
                <div className="actions">
                  <button type="button" className="secondary" onClick={() => setEditing(m)} aria-label={t('markets.editNamed', { country: names.country(m.country) })}>
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

/** Opens a market (country, currency, language, stage) or changes one; the country is fixed once open. */
function MarketForm({ program, market, onSaved, onCancel }: { program: Program; market: Market | null; onSaved: () => void; onCancel: () => void }) {
  const { t } = useTranslation('web-admin');
  const [country, setCountry] = useState(market?.country ?? '');
  const [currency, setCurrency] = useState(market?.currency ?? program.payoutCurrency);
  const [locale, setLocale] = useState(market?.defaultLocale ?? program.defaultLocale);
  const [stage, setStage] = useState<Stage>(market?.stage ?? 'new');
  const focusRef = useFocusFirst();
  const form = useSubmit(async () => {
    const programId = program.id;
    if (market) {
      await call(api.v1.programs[':programId'].markets[':marketId'].$patch({ param: { programId, marketId: market.id }, json: { currency, defaultLocale: locale, stage } }));
    } else {
      await call(api.v1.programs[':programId'].markets.$post({ param: { programId }, json: { country, currency, defaultLocale: locale, stage } }));
    }
    onSaved();
  });
  return (
    <form ref={focusRef} className="admin-form" onSubmit={form.submit} noValidate data-testid="market-form">
      {!market && <CountrySelect label={t('markets.country')} value={country} onChange={setCountry} error={form.issueFor('country', country ? undefined : t('form.chooseCountry'))} />}
      <CurrencyField label={t('markets.currency')} value={currency} onChange={setCurrency} error={form.issueFor('currency', t('form.badCurrency'))} />
      <LocaleSelect label={t('markets.defaultLocale')} value={locale} onChange={setLocale} error={form.issueFor('defaultLocale')} />
      <SelectField label={t('markets.stage')} value={stage} onChange={(e) => setStage(e.target.value as Stage)} error={form.issueFor('stage')} hint={t('markets.stageHint')}>
        <option value="new">{t('stage.new')}</option>
        <option value="mature">{t('stage.mature')}</option>
      </SelectField>
      <FormActions busy={form.busy} formError={form.formError} hasIssues={form.hasIssues} submitLabel={market ? t('form.save') : t('markets.create')} onCancel={onCancel} />
    </form>
  );
}
