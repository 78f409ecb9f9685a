import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call, type ApiError } from '../../api/client';
import { CopyButton } from '../../components/copy-button';
import { DataTable, type Column } from '../../components/data-table';
import { Section } from '../../components/layout';
import { downloadQr, QrCode } from '../../components/qr-code';
import { useFormat } from '../../i18n/format';
import { LinkBuilder } from './link-builder';
import { StatusBadge, useAffiliate } from './shared';

type LinkStatus = 'active' | 'archived';

async function loadLinks(programId: string, status: LinkStatus, page: { cursor?: string; limit: number }) {
  // Newest first: the link just built is at the top.
  const query = { kind: 'affiliate' as const, status, order: 'newest' as const, limit: String(page.limit), ...(page.cursor ? { cursor: page.cursor } : {}) };
  return await call(api.v1.programs[':programId'].links.$get({ param: { programId }, query }));
}

export type LinkRow = Awaited<ReturnType<typeof loadLinks>>['data'][number];

/** The link builder, then the affiliate's links, each with its short URL, QR code and sub-ids. */
export function LinksPage() {
  const { t } = useTranslation('web-affiliate');
  const { programId } = useAffiliate();
  const [status, setStatus] = useState<LinkStatus>('active');
  // Bumped after a create, archive or restore so the list reloads.
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);

  const filter = (
    <label className="aff-inline">
      {t('links.show')}
      <select value={status} onChange={(e) => setStatus(e.target.value as LinkStatus)}>
        <option value="active">{t('links.showActive')}</option>
        <option value="archived">{t('links.showArchived')}</option>
      </select>
    </label>
  );
  return (
    <>
      <LinkBuilder onCreated={changed} />
      <Section title={t('links.title')} actions={filter}>
        <DataTable
          caption={t('links.title')}
          columns={useLinkColumns(changed)}
          load={(page) => loadLinks(programId, status, page)}
          deps={[programId, status, version]}
          rowKey={(l) => l.id}
          empty={status === 'active' ? t('links.empty') : t('links.emptyArchived')}
          pageSize={10}
        />
      </Section>
    </>
  );
}

function useLinkColumns(changed: () => void): Column<LinkRow>[] {
  const { t } = useTranslation('web-affiliate');
  const f = useFormat();
  return [
    {
      key: 'link',
      header: t('links.link'),
      cell: (l) => (
        <div className="stack aff-link-cell" data-testid="link-row" data-slug={l.slug}>
          <strong>{l.title ?? `/${l.slug}`}</strong>
          <a className="mono small" href={l.shortUrl} target="_blank" rel="noreferrer">
            {l.shortUrl}
          </a>
          <span className="muted small aff-ellipsis" title={l.destinationUrl ?? ''}>
            → {l.destinationUrl}
          </span>
        </div>
      ),
    },
    { key: 'params', header: t('links.params'), cell: (l) => <Params params={l.params} /> },
    { key: 'created', header: t('links.created'), cell: (l) => f.date(l.createdAt) },
    {
      key: 'qr',
      header: t('links.qr'),
      cell: (l) => (
        <div className="stack aff-qr-cell">
          <QrCode value={l.shortUrl} label={t('links.qrFor', { url: l.shortUrl })} size={88} />
          <button type="button" className="secondary" onClick={() => void downloadQr(l.shortUrl, `qr-${l.slug}.png`)}>
            {t('links.downloadQr')}
          </button>
        </div>
      ),
    },
    { key: 'actions', header: t('links.actions'), cell: (l) => <LinkActions link={l} onChanged={changed} /> },
  ];
}

/** UTM and sub-id parameters as small `key=value` chips. */
export function Params({ params }: { params: Record<string, string | undefined> }) {
  const entries = Object.entries(params).filter((e): e is [string, string] => Boolean(e[1]));
  if (entries.length === 0) return <span className="muted">–</span>;
  return (
    <span className="aff-params">
      {entries.map(([k, v]) => (
        <code key={k}>
          {k}={v}
        </code>
      ))}
    </span>
  );
}

function LinkActions({ link, onChanged }: { link: LinkRow; onChanged: () => void }) {
  const { t } = useTranslation('web-affiliate');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      const param = { linkId: link.id };
      await call(link.status === 'active' ? api.v1.links[':linkId'].archive.$post({ param }) : api.v1.links[':linkId'].restore.$post({ param }));
      onChanged();
    } catch (e) {
      setError((e as ApiError).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="stack aff-actions">
      {link.status === 'archived' && <StatusBadge status="archived" />}
      <CopyButton text={link.shortUrl} label={t('links.copy')} />
      <button type="button" className="secondary" disabled={busy} onClick={() => void toggle()}>
        {link.status === 'active' ? t('links.archive') : t('links.restore')}
      </button>
      {error && (
        <p className="form-error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
