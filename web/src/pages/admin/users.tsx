import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api/client';
import { useSessionUser } from '../../api/session';
import { DataTable } from '../../components/data-table';
import { Section } from '../../components/layout';
import { useFormat } from '../../i18n/format';
import { SelectField } from './form';
import { useDisplayNames } from './pickers';
import { useCurrentProgram } from './program-context';
import { ROLES, UserForm, type Role, type User } from './user-form';

export function UsersPage() {
  const { t } = useTranslation('web-admin');
  const fmt = useFormat();
  const names = useDisplayNames();
  const me = useSessionUser();
  const { program, programs } = useCurrentProgram();
  const [role, setRole] = useState<Role | ''>('');
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [version, setVersion] = useState(0);
  const [actionError, setActionError] = useState<string | null>(null);
  const refresh = () => setVersion((v) => v + 1);

  const setStatus = async (user: User, status: User['status']) => {
    setActionError(null);
    try {
      await call(api.v1.users[':userId'].$patch({ param: { userId: user.id }, json: { status } }));
      refresh();
    } catch (err) {
      setActionError(err instanceof ApiError ? err.message : String(err));
    }
  };

  // i18n-keys: role.admin role.regional_manager role.affiliate role.member status.active status.disabled
  const scopeOf = (u: User) =>
    u.role === 'regional_manager' ? (
      u.countries.map(names.country).join(', ')
    ) : u.memberId ? (
      <span>
        {programs.find((p) => p.id === u.programId)?.name ?? u.programId}
        <br />
        <span className="mono small muted">{u.memberId}</span>
      </span>
    ) : (
      <span className="muted">{t('users.allPrograms')}</span>
    );

  return (
    <>
      {editing && (
        <Section title={editing === 'new' ? t('users.createTitle') : t('users.editTitle', { name: editing.name })}>
          <UserForm
            key={editing === 'new' ? 'new' : editing.id}
            program={program}
            user={editing === 'new' ? null : editing}
            onSaved={() => {
              setEditing(null);
              refresh();
            }}
            onCancel={() => setEditing(null)}
          />
        </Section>
      )}
      <Section
        title={t('users.title')}
        actions={
          !editing && (
            <button type="button" onClick={() => setEditing('new')}>
              {t('users.create')}
            </button>
          )
        }
      >
        <div className="toolbar">
          <SelectField label={t('users.filterRole')} value={role} onChange={(e) => setRole(e.target.value as Role | '')}>
            <option value="">{t('users.allRoles')}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </SelectField>
        </div>
        {actionError && (
          <p className="form-error" role="alert">
            {actionError}
          </p>
        )}
        <DataTable<User>
          caption={t('users.title')}
          deps={[role, version]}
          load={({ cursor, limit }) => call(api.v1.users.$get({ query: { limit: String(limit), ...(cursor ? { cursor } : {}), ...(role ? { role } : {}) } }))}
          rowKey={(u) => u.id}
          empty={t('users.empty')}
          columns={[
            {
              key: 'name',
              header: t('users.name'),
              cell: (u) => (
                <span>
                  <strong>{u.name}</strong>
                  <br />
                  <span className="muted small">{u.email}</span>
                </span>
              ),
            },
            { key: 'role', header: t('users.role'), cell: (u) => <span className="badge">{t(`role.${u.role}`)}</span> },
            { key: 'scope', header: t('users.scope'), cell: scopeOf },
            { key: 'status', header: t('users.status'), cell: (u) => <span className={`badge ${u.status === 'active' ? 'ok' : 'danger'}`}>{t(`status.${u.status}`)}</span> },
            { key: 'lastLogin', header: t('users.lastLogin'), cell: (u) => (u.lastLoginAt ? fmt.dateTime(u.lastLoginAt) : <span className="muted">{t('users.never')}</span>) },
            {
              key: 'actions',
              header: t('table.actions'),
              cell: (u) => (
                <div className="actions">
                  <button type="button" className="secondary" onClick={() => setEditing(u)} aria-label={t('users.editNamed', { name: u.name })}>
                    {t('form.edit')}
                  </button>
                  {u.id !== me?.id &&
                    (u.status === 'active' ? (
                      <button type="button" className="secondary" onClick={() => void setStatus(u, 'disabled')} aria-label={t('users.disableNamed', { name: u.name })}>
                        {t('users.disable')}
                      </button>
                    ) : (
                      <button type="button" className="secondary" onClick={() => void setStatus(u, 'active')} aria-label={t('users.enableNamed', { name: u.name })}>
                        {t('users.enable')}
                      </button>
                    ))}
                </div>
              ),
            },
          ]}
        />
      </Section>
    </>
  );
}
