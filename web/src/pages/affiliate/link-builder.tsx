import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api/client';
import { CopyButton } from '../../components/copy-button';
import { Section } from '../../components/layout';
import { downloadQr, QrCode } from '../../components/qr-code';
import type { LinkRow } from './links';
import { useAffiliate } from './shared';

const SUB_IDS = ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;
const UTM = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const;
type ParamKey = (typeof SUB_IDS)[number] | (typeof UTM)[number];

/** The program's open-redirect guard, mirrored so people hear about a wrong host before they submit. */
function hostAllowed(host: string, allowed: string[]): boolean {
  return allowed.some((p) => (p.startsWith('*.') ? host.length > p.length - 1 && host.endsWith(p.slice(1)) : host === p));
}

/** What visitors land on: the destination with the link's parameters (they replace same-named ones). */
function landingUrl(destination: string, params: Partial<Record<ParamKey, string>>): string | null {
  try {
    const url = new URL(destination);
    for (const [k, v] of Object.entries(params)) if (v) url.searchParams.set(k, v);
    return url.toString();
  } catch {
    return null;
  }
}

/** Builds a link: a destination on the program's hosts, an optional slug, sub-ids and UTM tags. */
export function LinkBuilder({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation('web-affiliate');
  const { programId, allowedHosts } = useAffiliate();
  const exactHost = allowedHosts.find((h) => !h.startsWith('*.'));
  const [destination, setDestination] = useState(exactHost ? `https://${exactHost}/` : 'https://');
  const [slug, setSlug] = useState('');
  const [title, setTitle] = useState('');
  const [params, setParams] = useState<Partial<Record<ParamKey, string>>>({});
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<LinkRow | null>(null);

  const landing = landingUrl(destination.trim(), params);
  const host = landing ? new URL(landing).hostname : null;
  const hostProblem = host && allowedHosts.length > 0 && !hostAllowed(host, allowedHosts) ? t('builder.hostNotAllowed', { host }) : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (hostProblem) return;
    setBusy(true);
    setIssues({});
    setFormError(null);
    const cleaned = Object.fromEntries(Object.entries(params).filter(([, v]) => v && v.trim() !== '').map(([k, v]) => [k, v!.trim()]));
    try {
      const json = { destinationUrl: destination.trim(), params: cleaned, ...(slug.trim() ? { slug: slug.trim() } : {}), ...(title.trim() ? { title: title.trim() } : {}) };
      const link = await call(api.v1.programs[':programId'].links.$post({ param: { programId }, json }));
      setCreated(link);
      setSlug('');
      setTitle('');
      setParams({});
      onCreated();
    } catch (err) {
      const apiError = err instanceof ApiError ? err : null;
      setIssues(apiError?.fieldIssues ?? {});
      // A taken slug is a conflict, not a validation issue: it belongs next to the slug field.
      if (apiError?.status === 409) setIssues({ slug: apiError.message });
      else setFormError(apiError?.message ?? String(err));
    } finally {
      setBusy(false);
    }
  };

  const field = (key: ParamKey, label: string) => (
    <label key={key}>
      {label}
      <input value={params[key] ?? ''} maxLength={200} name={key} onChange={(e) => setParams((p) => ({ ...p, [key]: e.target.value }))} aria-invalid={Boolean(issues[`params.${key}`])} />
      {issues[`params.${key}`] && <span className="field-error">{issues[`params.${key}`]}</span>}
    </label>
  );

  return (
    <Section title={t('builder.title')}>
      <form className="stack aff-builder" onSubmit={(e) => void submit(e)} noValidate>
        <label>
          {t('builder.destination')}
          <input type="url" required list="aff-host-list" value={destination} onChange={(e) => setDestination(e.target.value)} aria-invalid={Boolean(hostProblem || issues.destinationUrl)} aria-describedby="aff-hosts" />
          <datalist id="aff-host-list">
            {allowedHosts.filter((h) => !h.startsWith('*.')).map((h) => (
              <option key={h} value={`https://${h}/`} />
            ))}
          </datalist>
          <span id="aff-hosts" className="muted small">
            {t('builder.allowedHosts', { hosts: allowedHosts.join(', ') || '–' })}
          </span>
          {(hostProblem ?? issues.destinationUrl) && <span className="field-error">{hostProblem ?? issues.destinationUrl}</span>}
        </label>
        <div className="aff-fields">
          <label>
            {t('builder.slug')}
            <input value={slug} onChange={(e) => setSlug(e.target.value)} pattern="[A-Za-z0-9_-]{3,64}" placeholder={t('builder.slugPlaceholder')} aria-invalid={Boolean(issues.slug)} />
            <span className="muted small">{t('builder.slugHint')}</span>
            {issues.slug && <span className="field-error">{issues.slug}</span>}
          </label>
          <label>
            {t('builder.linkTitle')}
            <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} placeholder={t('builder.titlePlaceholder')} />
          </label>
        </div>
        <fieldset className="aff-fieldset">
          <legend>{t('builder.subIds')}</legend>
          <p className="muted small">{t('builder.subIdsHint')}</p>
          <div className="aff-fields">{SUB_IDS.map((k, i) => field(k, t('builder.subId', { n: i + 1 })))}</div>
        </fieldset>
        <fieldset className="aff-fieldset">
          <legend>{t('builder.utm')}</legend>
          <div className="aff-fields">
            {field('utm_source', t('builder.utmSource'))}
            {field('utm_medium', t('builder.utmMedium'))}
            {field('utm_campaign', t('builder.utmCampaign'))}
            {field('utm_term', t('builder.utmTerm'))}
            {field('utm_content', t('builder.utmContent'))}
          </div>
        </fieldset>
        <div className="aff-preview">
          <span className="muted small">{t('builder.landing')}</span>
          <code data-testid="landing-url">{landing ?? '–'}</code>
        </div>
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={busy || Boolean(hostProblem)}>
            {busy ? t('builder.creating') : t('builder.create')}
          </button>
        </div>
      </form>
      {created && <CreatedLink link={created} />}
    </Section>
  );
}

function CreatedLink({ link }: { link: LinkRow }) {
  const { t } = useTranslation('web-affiliate');
  return (
    <div className="aff-created" role="status" data-testid="created-link">
      <QrCode value={link.shortUrl} label={t('links.qrFor', { url: link.shortUrl })} />
      <div className="stack">
        <strong>{t('builder.created')}</strong>
        <code className="aff-short-url">{link.shortUrl}</code>
        <div className="row">
          <CopyButton text={link.shortUrl} label={t('links.copy')} />
          <button type="button" className="secondary" onClick={() => void downloadQr(link.shortUrl, `qr-${link.slug}.png`)}>
            {t('links.downloadQr')}
          </button>
        </div>
      </div>
    </div>
  );
}
