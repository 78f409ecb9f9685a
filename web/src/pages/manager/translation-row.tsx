import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api/client';
import { useFormat } from '../../i18n/format';

export interface EditableText {
  id: string;
  namespace: string;
  key: string;
  shipped: string;
  english: string;
  override: { id: string; value: string; updatedBy: string | null; updatedAt: string } | null;
}

/** The override of one text, edited in place: save it, or reset to the shipped text. */
export function OverrideEditor({ programId, country, locale, text }: { programId: string; country: string; locale: string; text: EditableText }) {
  const { t } = useTranslation('web-manager');
  const f = useFormat();
  const id = useId();
  const [override, setOverride] = useState(text.override);
  const [value, setValue] = useState(text.override?.value ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<'saved' | 'reset' | null>(null);
  const param = { programId, country, locale, namespace: text.namespace, key: text.key };
  const dirty = value !== (override?.value ?? '');

  async function save() {
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      const saved = await call(api.v1.programs[':programId'].translations[':country'][':locale'][':namespace'][':key'].$put({ param, json: { value } }));
      setOverride({ id: saved.id, value: saved.value, updatedBy: saved.updatedBy, updatedAt: saved.updatedAt });
      setValue(saved.value);
      setStatus('saved');
    } catch (err) {
      setError(err instanceof ApiError ? (err.fieldIssues.value ?? err.message) : String(err));
    } finally {
      setBusy(false);
    }
  }

  async function reset() {
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      const res = await api.v1.programs[':programId'].translations[':country'][':locale'][':namespace'][':key'].$delete({ param });
      // 204 has no body, so it cannot go through `call`; a 404 means it was already gone.
      if (!res.ok && res.status !== 404) {
        const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
        throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? res.statusText);
      }
      setOverride(null);
      setValue('');
      setStatus('reset');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="override" data-testid="override-editor" data-key={`${text.namespace}:${text.key}`}>
      <label htmlFor={id} className="visually-hidden">
        {t('translations.overrideLabel', { key: `${text.namespace}:${text.key}` })}
      </label>
      <textarea
        id={id}
        rows={2}
        maxLength={2000}
        lang={locale}
        value={value}
        placeholder={t('translations.noOverride')}
        onChange={(e) => {
          setValue(e.target.value);
          setStatus(null);
        }}
        aria-invalid={!!error}
      />
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
      <div className="row override-actions">
        {override && (
          <span className="badge ok" data-testid="override-active" title={f.dateTime(override.updatedAt)}>
            {t('translations.overridden')}
          </span>
        )}
        {status && (
          <span className="muted small" role="status">
            {/* i18n-keys: translations.status.saved translations.status.reset */}
            {t(`translations.status.${status}`)}
          </span>
        )}
        {dirty && (
          <button type="button" disabled={busy || value.trim() === ''} onClick={() => void save()}>
            {t('translations.save')}
          </button>
        )}
        {override && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void reset()}>
            {t('translations.reset')}
          </button>
        )}
      </div>
    </div>
  );
}
