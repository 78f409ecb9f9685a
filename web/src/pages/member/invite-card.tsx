import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLoad } from '../../api/use-load';
import { CopyButton } from '../../components/copy-button';
import { Section } from '../../components/layout';
import { downloadQr, QrCode } from '../../components/qr-code';
import { Async } from '../../components/states';
import { loadInviteLink, type Me } from './queries';

/** The member's invite link: copy it, share it (the phone's share sheet when there is one), or show the QR code. */
export function InviteCard({ me, programName }: { me: Me; programName: string }) {
  const { t } = useTranslation('web-member');
  const link = useLoad(() => loadInviteLink(me), [me.programId, me.memberId]);
  return (
    <Section title={t('invite.title')}>
      <p className="muted invite-lead">{t('invite.lead', { program: programName })}</p>
      <Async state={link}>{(l) => <InviteBody url={l.inviteUrl ?? l.shortUrl} programName={programName} />}</Async>
    </Section>
  );
}

function InviteBody({ url, programName }: { url: string; programName: string }) {
  const { t } = useTranslation('web-member');
  const [shareFailed, setShareFailed] = useState(false);
  const canShare = typeof navigator.share === 'function';
  const share = async () => {
    try {
      await navigator.share({ title: programName, text: t('invite.shareText', { program: programName }), url });
    } catch (err) {
      // Closing the share sheet is a choice, not a failure.
      if (!(err instanceof DOMException && err.name === 'AbortError')) setShareFailed(true);
    }
  };
  return (
    <div className="invite">
      <div className="invite-qr">
        <QrCode value={url} label={t('invite.qrLabel')} size={168} />
        <button type="button" className="secondary small-button" onClick={() => void downloadQr(url, 'invite-qr.png')}>
          {t('invite.downloadQr')}
        </button>
      </div>
      <div className="invite-link stack">
        <label>
          <span>{t('invite.linkLabel')}</span>
          <input data-testid="invite-link" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        </label>
        <div className="row">
          <CopyButton text={url} label={t('invite.copy')} />
          {canShare && (
            <button type="button" className="secondary" onClick={() => void share()}>
              {t('invite.share')}
            </button>
          )}
        </div>
        {shareFailed && <p className="muted small">{t('invite.shareFailed')}</p>}
      </div>
    </div>
  );
}
