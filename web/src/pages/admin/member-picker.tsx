import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { useLoad } from '../../api/use-load';
import { Async } from '../../components/states';
import { useDisplayNames } from './pickers';

/**
 * Finds the member record a member or affiliate login belongs to: a search by name or email
 * over the program's members (server-side), then one radio per match.
 */
export function MemberPicker({ programId, value, onChange, error }: { programId: string; value: string; onChange: (memberId: string) => void; error?: string | undefined }) {
  const { t } = useTranslation('web-admin');
  const names = useDisplayNames();
  const groupName = useId();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  // Search as the admin types, but not on every key press.
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);
  const state = useLoad(
    () => call(api.v1.programs[':programId'].members.$get({ param: { programId }, query: { limit: '8', ...(q ? { q } : {}) } })),
    [programId, q],
  );
  return (
    <fieldset className="member-picker">
      <legend>{t('users.member')}</legend>
      <label className="field">
        <span>{t('users.memberSearch')}</span>
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('users.memberSearchPlaceholder')} />
      </label>
      <Async state={state} empty={t('users.memberNone')} isEmpty={(page) => page.data.length === 0}>
        {(page) => (
          <ul className="member-results" aria-label={t('users.memberResults')}>
            {page.data.map((m) => (
              <li key={m.id}>
                <label>
                  <input type="radio" name={groupName} value={m.id} checked={value === m.id} onChange={() => onChange(m.id)} />
                  <span>
                    <strong>{m.name}</strong> <span className="muted small">{[m.email, m.country && names.country(m.country)].filter(Boolean).join(' · ')}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </Async>
      {value && <p className="small muted">{t('users.memberChosen', { id: value })}</p>}
      {error && (
        <span className="field-error" data-testid="field-error">
          {error}
        </span>
      )}
    </fieldset>
  );
}
