import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../api/client';
import { HOME_BY_ROLE, session, type SessionUser } from '../api/session';
import { LanguageSelect } from '../components/layout';
import { navigate, useSearchParam } from '../router';

export function LoginPage() {
  const { t } = useTranslation('web-common');
  const next = useSearchParam('next');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await call(api.v1.auth.login.$post({ json: { email, password } }));
      const user = result.user as SessionUser;
      session.start(result.accessToken, result.expiresAt, user);
      // Only a path of this app, never another origin.
      const target = next && next.startsWith('/') && !next.startsWith('//') ? next : HOME_BY_ROLE[user.role];
      navigate(target, { replace: true });
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'invalid_credentials' ? t('login.invalid') : err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <main className="login-card">
        <div className="brand big">
          <span className="logo" aria-hidden="true">
            ⟡
          </span>
          Trellis
        </div>
        <h1>{t('login.title')}</h1>
        <form onSubmit={submit} noValidate>
          <label>
            {t('login.email')}
            <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label>
            {t('login.password')}
            <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" disabled={busy || !email || !password}>
            {busy ? t('login.signingIn') : t('login.submit')}
          </button>
        </form>
        <LanguageSelect />
      </main>
    </div>
  );
}
