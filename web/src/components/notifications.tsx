import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../api/client';
import { useSessionUser } from '../api/session';
import { useLoad } from '../api/use-load';
import { useFormat } from '../i18n/format';
import { Async } from './states';

const REFRESH_MS = 60_000;

/**
 * The bell in the header of affiliates and members: what happened to their money, written by the
 * server in their language (it re-renders when they switch). Opening it marks them read.
 */
export function NotificationBell() {
  const user = useSessionUser();
  if (!user?.programId || !user.memberId) return null;
  return <Bell programId={user.programId} memberId={user.memberId} />;
}

function Bell({ programId, memberId }: { programId: string; memberId: string }) {
  const { t, i18n } = useTranslation('web-common');
  const fmt = useFormat();
  const [open, setOpen] = useState(false);
  const [tick, setTick] = useState(0);
  const panel = useRef<HTMLDivElement>(null);
  const param = { programId, memberId };
  const state = useLoad(
    () => call(api.v1.programs[':programId'].members[':memberId'].notifications.$get({ param, query: { limit: '20' } })),
    [programId, memberId, i18n.language, tick],
  );

  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (!open) return;
    const close = (e: KeyboardEvent | MouseEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !panel.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', close);
    document.addEventListener('mousedown', close);
    return () => {
      document.removeEventListener('keydown', close);
      document.removeEventListener('mousedown', close);
    };
  }, [open]);

  const unread = state.data?.unreadCount ?? 0;
  const toggle = async () => {
    const opening = !open;
    setOpen(opening);
    if (opening && unread > 0) {
      await call(api.v1.programs[':programId'].members[':memberId'].notifications.read.$post({ param, json: {} })).catch(() => undefined);
      // Reload so the badge clears.
      setTick((n) => n + 1);
    }
  };

  return (
    <div className="notifications" ref={panel}>
      <button type="button" className="secondary bell" aria-expanded={open} aria-controls="notification-panel" onClick={() => void toggle()} data-testid="notification-bell">
        <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        <span className="visually-hidden">{t('notifications.title')}</span>
        {unread > 0 && <span className="count">{t('notifications.unread', { count: unread })}</span>}
      </button>
      {open && (
        <div id="notification-panel" className="notification-panel" role="region" aria-label={t('notifications.title')}>
          <h2>{t('notifications.title')}</h2>
          <Async state={state} empty={t('notifications.empty')} isEmpty={(page) => page.data.length === 0}>
            {(page) => (
              <ul>
                {page.data.map((n) => (
                  <li key={n.id} className={n.readAt ? undefined : 'unread'}>
                    <strong>{n.title}</strong>
                    <p>{n.body}</p>
                    <time dateTime={n.createdAt} className="muted small">
                      {fmt.dateTime(n.createdAt)}
                    </time>
                  </li>
                ))}
              </ul>
            )}
          </Async>
        </div>
      )}
    </div>
  );
}
