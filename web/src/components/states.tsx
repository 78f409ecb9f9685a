import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import type { Loaded } from '../api/use-load';

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation('web-common');
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('state.loading')}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** The API's message (already in the user's language when the server has it), and a retry. */
export function ErrorState({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useTranslation('web-common');
  const message = error.code === 'network_error' ? t('state.networkError') : error.message;
  return (
    <div className="state state-error" role="alert">
      <strong>{t('state.errorTitle')}</strong>
      <p>{message}</p>
      {error.requestId && <p className="muted small">{t('state.requestId', { id: error.requestId })}</p>}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('action.retry')}
        </button>
      )}
    </div>
  );
}

/** Loading, error and ready in one place; `isEmpty` decides when `empty` shows instead. */
export function Async<T>({ state, children, empty, isEmpty }: { state: Loaded<T>; children: (data: T) => ReactNode; empty?: ReactNode; isEmpty?: (data: T) => boolean }) {
  if (state.status === 'error' && state.data === undefined) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  if (empty && isEmpty?.(state.data)) return <Empty>{empty}</Empty>;
  return (
    <>
      {state.status === 'error' && <ErrorState error={state.error} onRetry={state.reload} />}
      <div aria-busy={state.status === 'loading'}>{children(state.data)}</div>
    </>
  );
}
