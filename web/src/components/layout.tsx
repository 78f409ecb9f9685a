import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { session, useSessionUser } from '../api/session';
import { changeLanguage, LANGUAGES, type Language } from '../i18n';
import { Link, navigate, usePath } from '../router';
import { NotificationBell } from './notifications';

export interface Tab {
  to: string;
  label: string;
}

/** The language switcher; the choice is a cookie the API reads too, so errors come back in it. */
export function LanguageSelect() {
  const { t, i18n } = useTranslation('web-common');
  return (
    <label className="language">
      <span>{t('language.label')}</span>
      <select data-testid="language-select" value={i18n.language} onChange={(e) => void changeLanguage(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Header (brand, sections, language, user), then the page. One per dashboard. */
export function Layout({ title, tabs, testId, children }: { title: string; tabs: Tab[]; testId: string; children: ReactNode }) {
  const { t } = useTranslation('web-common');
  const user = useSessionUser();
  const path = usePath();
  return (
    <div className="app" data-testid={testId}>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ⟡
          </span>
          Trellis
        </div>
        <nav className="tabs" aria-label={t('nav.sections')}>
          {tabs.map((tab) => (
            <Link key={tab.to} to={tab.to} className={path === tab.to ? 'active' : undefined}>
              {tab.label}
            </Link>
          ))}
        </nav>
        <div className="account">
          <NotificationBell />
          <LanguageSelect />
          {user && (
            <span className="user" title={user.email}>
              {user.name}
            </span>
          )}
          <button
            type="button"
            className="secondary"
            onClick={() => {
              session.logout();
              navigate('/login', { replace: true });
            }}
          >
            {t('action.logout')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}

/** A titled block of a dashboard. */
export function Section({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <div className="card-head">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** A headline figure (clicks, EPC, balance...). */
export function Kpi({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="kpi">
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {hint && <div className="kpi-hint">{hint}</div>}
    </div>
  );
}
