import { useEffect, useId, useRef, useState, type FormEvent, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';

/**
 * The admin forms' submit cycle: the API validates, and its field issues (`currency`,
 * `settings.links.allowedHosts.2`) are shown at the field that caused them.
 */
export function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [issues, setIssues] = useState<Record<string, string>>({});
  // Conflicts (a taken email, a country already open) carry the server's localised message.
  const [conflicts, setConflicts] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setIssues({});
    setConflicts({});
    setFormError(null);
    try {
      await action();
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(0, 'client_error', String(err));
      const fields = error.fieldIssues;
      // A conflict on a unique value (email, country) names its field in details.field.
      const conflictField = (error.details as { field?: string } | undefined)?.field;
      if (Object.keys(fields).length > 0) setIssues(fields);
      else if (conflictField) setConflicts({ [conflictField]: error.message });
      else setFormError(error.message);
    } finally {
      setBusy(false);
    }
  };

  /**
   * The issue for a field, or for anything inside it (`allowedHosts` catches `allowedHosts.3`).
   * The API words its validation reasons in English; where the form knows what the only possible
   * problem is (an empty field, a currency code), it passes `localized` to show instead.
   */
  const issueFor = (field: string, localized?: string): string | undefined => {
    if (conflicts[field]) return conflicts[field];
    const reason = issues[field] ?? Object.entries(issues).find(([key]) => key.startsWith(`${field}.`))?.[1];
    return reason && (localized ?? reason);
  };

  return { busy, submit, issueFor, formError, hasIssues: Object.keys(issues).length + Object.keys(conflicts).length > 0 };
}

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
}

/** A labelled input with its hint and its API error, wired with aria-invalid/aria-describedby. */
export function TextField({ label, error, hint, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input {...input} id={id} aria-invalid={error ? true : undefined} aria-describedby={error || hint ? `${id}-msg` : undefined} />
      <FieldMessage id={`${id}-msg`} error={error} hint={hint} />
    </div>
  );
}

export function SelectField({ label, error, hint, children, ...select }: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select {...select} id={id} aria-invalid={error ? true : undefined} aria-describedby={error || hint ? `${id}-msg` : undefined}>
        {children}
      </select>
      <FieldMessage id={`${id}-msg`} error={error} hint={hint} />
    </div>
  );
}

export function TextAreaField({ label, error, hint, value, onChange, rows = 3 }: FieldProps & { value: string; onChange: (v: string) => void; rows?: number }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={rows} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error || hint ? `${id}-msg` : undefined} />
      <FieldMessage id={`${id}-msg`} error={error} hint={hint} />
    </div>
  );
}

function FieldMessage({ id, error, hint }: { id: string; error?: string | undefined; hint?: ReactNode }) {
  if (error) {
    return (
      <span id={id} className="field-error" data-testid="field-error">
        {error}
      </span>
    );
  }
  return hint ? (
    <span id={id} className="muted small field-hint">
      {hint}
    </span>
  ) : null;
}

/** Save and cancel, with the form-level error (not tied to a field) announced above them. */
export function FormActions({ busy, formError, hasIssues, submitLabel, onCancel }: { busy: boolean; formError: string | null; hasIssues: boolean; submitLabel: string; onCancel?: () => void }) {
  const { t } = useTranslation('web-admin');
  return (
    <div className="form-footer">
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      {hasIssues && !formError && (
        <p className="form-error" role="alert">
          {t('form.fixFields')}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={busy}>
          {busy ? t('form.saving') : submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            {t('form.cancel')}
          </button>
        )}
      </div>
    </div>
  );
}

/** Lines of a textarea as a list, blank lines dropped. */
export const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** A whole number typed in a field, or undefined when the field is empty (the API then reports bad input). */
export const intOrUndefined = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

/** Moves focus into a form when it opens, so keyboard and screen reader users land on its first field. */
export function useFocusFirst() {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea')?.focus();
  }, []);
  return ref;
}
