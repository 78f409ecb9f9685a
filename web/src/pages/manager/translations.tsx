import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { DataTable } from '../../components/data-table';
import { Section } from '../../components/layout';
import { LANGUAGES } from '../../i18n';
import { useFormat } from '../../i18n/format';
import { OverrideEditor, type EditableText } from './translation-row';
import { Labelled } from './field';
import { useScope } from './scope';

// The shipped namespaces, from the English files' names (nothing is loaded: only the paths are used).
const NAMESPACES = Object.keys(import.meta.glob('../../../../src/i18n/locales/en/*.json'))
  .map((path) => path.slice(path.lastIndexOf('/') + 1, -'.json'.length))
  .sort();

/** `web-affiliate` -> `webAffiliate`: a namespace's label key (keys are dotted words, no dashes). */
const areaKey = (ns: string) => ns.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
// i18n-keys: translations.areas.errors translations.areas.statements translations.areas.pages translations.areas.invite
// i18n-keys: translations.areas.notifications translations.areas.webCommon translations.areas.webAffiliate
// i18n-keys: translations.areas.webVerify translations.areas.webMember translations.areas.webManager translations.areas.webAdmin

/** A search box that waits for a pause in typing before it asks the API. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * Local copy per country: every shipped text with its English original and the country's
 * override, which readers there see instead. Overrides keep the shipped placeholders.
 */
export function TranslationsPage() {
  const { t } = useTranslation('web-manager');
  const f = useFormat();
  const { program, markets } = useScope();
  const [country, setCountry] = useState(markets[0]!.country);
  const [locale, setLocale] = useState<string>(markets[0]!.defaultLocale);
  const [namespace, setNamespace] = useState('');
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);

  return (
    <>
      <p className="muted">{t('translations.intro', { example: '{{name}}' })}</p>
      <div className="row translation-filters">
        <Labelled label={t('translations.country')}>
          {(id) => (
            <select
              id={id}
              value={country}
              onChange={(e) => {
                setCountry(e.target.value);
                setLocale(markets.find((m) => m.country === e.target.value)?.defaultLocale ?? locale);
              }}
            >
              {markets.map((m) => (
                <option key={m.country} value={m.country}>
                  {f.country(m.country)}
                </option>
              ))}
            </select>
          )}
        </Labelled>
        <Labelled label={t('translations.language')}>
          {(id) => (
            <select id={id} value={locale} onChange={(e) => setLocale(e.target.value)}>
              {LANGUAGES.map((l) => (
                <option key={l.code} value={l.code} lang={l.code}>
                  {l.name}
                </option>
              ))}
            </select>
          )}
        </Labelled>
        <Labelled label={t('translations.namespace')}>
          {(id) => (
            <select id={id} value={namespace} onChange={(e) => setNamespace(e.target.value)}>
              <option value="">{t('translations.allNamespaces')}</option>
              {NAMESPACES.map((ns) => (
                <option key={ns} value={ns}>
                  {t(`translations.areas.${areaKey(ns)}`, { defaultValue: ns })}
                </option>
              ))}
            </select>
          )}
        </Labelled>
        <Labelled label={t('translations.search')} className="grow">
          {(id) => (
            <input id={id} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('translations.searchPlaceholder')} />
          )}
        </Labelled>
      </div>
      <Section title={t('translations.title', { country: f.country(country), language: LANGUAGES.find((l) => l.code === locale)?.name ?? locale })}>
        <div className="translations-table">
          <DataTable<EditableText>
            caption={t('translations.caption')}
            deps={[program.id, country, locale, namespace, q]}
            load={({ cursor, limit }) =>
              call(
                api.v1.programs[':programId'].translations.$get({
                  param: { programId: program.id },
                  query: { country, locale, limit: String(limit), ...(namespace ? { namespace } : {}), ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) },
                }),
              )
            }
            rowKey={(row) => `${country}:${locale}:${row.id}`}
            empty={t('translations.empty')}
            columns={[
              {
                key: 'key',
                header: t('translations.col.key'),
                cell: (row) => (
                  <span className="stack-tight mono small text-key">
                    <span className="muted">{t(`translations.areas.${areaKey(row.namespace)}`, { defaultValue: row.namespace })}</span>
                    <span>{row.key}</span>
                  </span>
                ),
              },
              { key: 'english', header: t('translations.col.english'), cell: (row) => <span lang="en">{row.english}</span> },
              { key: 'shipped', header: t('translations.col.shipped'), cell: (row) => <span lang={locale}>{row.shipped}</span> },
              {
                key: 'override',
                header: t('translations.col.override'),
                cell: (row) => <OverrideEditor key={`${country}:${locale}:${row.id}`} programId={program.id} country={country} locale={locale} text={row} />,
              },
            ]}
          />
        </div>
      </Section>
    </>
  );
}
