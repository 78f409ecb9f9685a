import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../../i18n';
import { SelectField, TextField } from './form';

// Officially assigned ISO 3166-1 alpha-2 codes, the same list the API accepts
// (src/core/members/member-input.ts); Intl knows names but has no list of regions.
const COUNTRY_CODES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO ' +
  'JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
  'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO ' +
  'RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV ' +
  'TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

/** Names in the UI language, sorted the way that language sorts. */
function useNames(type: 'region' | 'currency' | 'language', codes: readonly string[]) {
  const { i18n } = useTranslation();
  const locale = i18n.language;
  return useMemo(() => {
    const names = new Intl.DisplayNames([locale], { type });
    const collator = new Intl.Collator(locale);
    return codes.map((code) => ({ code, name: names.of(code) ?? code })).sort((a, b) => collator.compare(a.name, b.name));
  }, [locale, type, codes]);
}

export function useDisplayNames() {
  const { i18n } = useTranslation();
  const locale = i18n.language;
  return useMemo(() => {
    const region = new Intl.DisplayNames([locale], { type: 'region' });
    const currency = new Intl.DisplayNames([locale], { type: 'currency' });
    const language = new Intl.DisplayNames([locale], { type: 'language' });
    const safe = (f: () => string | undefined, code: string) => {
      try {
        return f() ?? code;
      } catch {
        return code;
      }
    };
    return {
      country: (code: string) => safe(() => region.of(code), code),
      currency: (code: string) => safe(() => currency.of(code), code),
      language: (code: string) => safe(() => language.of(code), code),
    };
  }, [locale]);
}

export function CountrySelect({ label, value, onChange, error, exclude = [] }: { label: string; value: string; onChange: (code: string) => void; error?: string | undefined; exclude?: string[] }) {
  const { t } = useTranslation('web-admin');
  const countries = useNames('region', COUNTRY_CODES);
  return (
    <SelectField label={label} value={value} onChange={(e) => onChange(e.target.value)} error={error} required>
      <option value="">{t('picker.chooseCountry')}</option>
      {countries
        .filter((c) => !exclude.includes(c.code) || c.code === value)
        .map((c) => (
          <option key={c.code} value={c.code}>
            {c.name} ({c.code})
          </option>
        ))}
    </SelectField>
  );
}

const CURRENCY_CODES: readonly string[] = Intl.supportedValuesOf('currency');

/**
 * A currency code with suggestions by name: typing "EUR" or picking "Euro" both work, and a code
 * the API refuses comes back as an error at this field.
 */
export function CurrencyField({ label, value, onChange, error }: { label: string; value: string; onChange: (code: string) => void; error?: string | undefined }) {
  const { t } = useTranslation('web-admin');
  const listId = useId();
  const currencies = useNames('currency', CURRENCY_CODES);
  const names = useDisplayNames();
  const known = CURRENCY_CODES.includes(value);
  return (
    <>
      <TextField
        label={label}
        value={value}
        onChange={(e) => onChange(e.target.value.trim().toUpperCase())}
        list={listId}
        autoComplete="off"
        spellCheck={false}
        maxLength={3}
        className="code-input"
        error={error}
        hint={known ? names.currency(value) : t('picker.currencyHint')}
        required
      />
      <datalist id={listId}>
        {currencies.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </datalist>
    </>
  );
}

/** One of the seven languages Trellis ships texts in, named in the UI language. */
export function LocaleSelect({ label, value, onChange, error }: { label: string; value: string; onChange: (code: string) => void; error?: string | undefined }) {
  const names = useDisplayNames();
  return (
    <SelectField label={label} value={value} onChange={(e) => onChange(e.target.value)} error={error}>
      {LANGUAGES.map((l) => (
        <option key={l.code} value={l.code} lang={l.code}>
          {names.language(l.code)} · {l.name}
        </option>
      ))}
    </SelectField>
  );
}

/** Several countries (a regional manager's scope): pick one to add it, each chip removes itself. */
export function CountriesPicker({ label, value, onChange, error }: { label: string; value: string[]; onChange: (codes: string[]) => void; error?: string | undefined }) {
  const { t } = useTranslation('web-admin');
  const names = useDisplayNames();
  const [pick, setPick] = useState('');
  return (
    <fieldset className="countries-picker">
      <legend>{label}</legend>
      {value.length > 0 ? (
        <ul className="chips" aria-label={t('picker.selectedCountries')}>
          {value.map((code) => (
            <li key={code} className="chip">
              {names.country(code)}
              <button type="button" className="chip-remove" aria-label={t('picker.removeCountry', { country: names.country(code) })} onClick={() => onChange(value.filter((c) => c !== code))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{t('picker.noCountries')}</p>
      )}
      <div className="row">
        <CountrySelect
          label={t('picker.addCountry')}
          value={pick}
          exclude={value}
          onChange={(code) => {
            setPick('');
            if (code && !value.includes(code)) onChange([...value, code]);
          }}
        />
      </div>
      {error && <span className="field-error" data-testid="field-error">{error}</span>}
    </fieldset>
  );
}
