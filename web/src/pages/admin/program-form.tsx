import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { FormActions, lines, TextAreaField, TextField, intOrUndefined, useSubmit, useFocusFirst } from './form';
import { CurrencyField, LocaleSelect } from './pickers';
import type { Program } from './program-context';

/** `settings.links` as stored; every key may be missing (the server fills defaults in). */
interface LinkSettings {
  domain?: string;
  allowedHosts?: string[];
  attributionWindowDays?: number;
  fallbackUrl?: string | null;
  inviteDestinationUrl?: string | null;
}

/** Creates a program, or edits one: name, currency, language, and where its links may go. */
export function ProgramForm({ program, onSaved, onCancel }: { program: Program | null; onSaved: (p: Program) => void; onCancel: () => void }) {
  const { t } = useTranslation('web-admin');
  const links = (program?.settings['links'] ?? {}) as LinkSettings;
  const [name, setName] = useState(program?.name ?? '');
  const [currency, setCurrency] = useState(program?.payoutCurrency ?? 'EUR');
  const [locale, setLocale] = useState(program?.defaultLocale ?? 'en');
  const [domain, setDomain] = useState(links.domain ?? '');
  const [hosts, setHosts] = useState((links.allowedHosts ?? []).join('\n'));
  const [windowDays, setWindowDays] = useState(String(links.attributionWindowDays ?? 30));
  const [fallbackUrl, setFallbackUrl] = useState(links.fallbackUrl ?? '');
  const [inviteUrl, setInviteUrl] = useState(links.inviteDestinationUrl ?? '');

  const focusRef = useFocusFirst();
  const form = useSubmit(async () => {
    const settings = {
      links: {
        domain: domain.trim(),
        allowedHosts: lines(hosts),
        attributionWindowDays: intOrUndefined(windowDays),
        fallbackUrl: fallbackUrl.trim() || null,
        inviteDestinationUrl: inviteUrl.trim() || null,
      },
    };
    const json = { name, payoutCurrency: currency, defaultLocale: locale, settings };
    const saved = program
      ? await call(api.v1.programs[':programId'].$patch({ param: { programId: program.id }, json }))
      : await call(api.v1.programs.$post({ json }));
    onSaved(saved);
  });
  const issue = form.issueFor;

  return (
    <form ref={focusRef} className="admin-form" onSubmit={form.submit} noValidate aria-label={program ? t('programs.editTitle', { name: program.name }) : t('programs.createTitle')}>
      <TextField label={t('programs.name')} value={name} onChange={(e) => setName(e.target.value)} error={issue('name', name.trim() ? undefined : t('form.required'))} required maxLength={200} />
      <CurrencyField label={t('programs.payoutCurrency')} value={currency} onChange={setCurrency} error={issue('payoutCurrency', t('form.badCurrency'))} />
      <LocaleSelect label={t('programs.defaultLocale')} value={locale} onChange={setLocale} error={issue('defaultLocale')} />
      <fieldset>
        <legend>{t('programs.linksLegend')}</legend>
        <div className="fieldset-grid">
          <TextField label={t('programs.domain')} value={domain} onChange={(e) => setDomain(e.target.value)} error={issue('settings.links.domain')} hint={t('programs.domainHint')} placeholder="go.example.com" />
          <TextField
            label={t('programs.attributionWindow')}
            type="number"
            inputMode="numeric"
            min={1}
            max={365}
            value={windowDays}
            onChange={(e) => setWindowDays(e.target.value)}
            error={issue('settings.links.attributionWindowDays')}
            hint={t('programs.attributionWindowHint')}
          />
          <TextAreaField label={t('programs.allowedHosts')} value={hosts} onChange={setHosts} rows={4} error={issue('settings.links.allowedHosts')} hint={t('programs.allowedHostsHint')} />
          <div className="stack">
            <TextField label={t('programs.fallbackUrl')} type="url" value={fallbackUrl} onChange={(e) => setFallbackUrl(e.target.value)} error={issue('settings.links.fallbackUrl')} placeholder="https://" />
            <TextField label={t('programs.inviteUrl')} type="url" value={inviteUrl} onChange={(e) => setInviteUrl(e.target.value)} error={issue('settings.links.inviteDestinationUrl')} placeholder="https://" />
          </div>
        </div>
      </fieldset>
      <FormActions busy={form.busy} formError={form.formError} hasIssues={form.hasIssues} submitLabel={program ? t('form.save') : t('programs.create')} onCancel={onCancel} />
    </form>
  );
}
