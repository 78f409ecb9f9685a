import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { FormActions, SelectField, TextField, useSubmit, useFocusFirst } from './form';
import { MemberPicker } from './member-picker';
import { CountriesPicker } from './pickers';
import type { Program } from './program-context';

type UsersPage = Awaited<ReturnType<typeof listUsers>>;
export type User = UsersPage['data'][number];
export type Role = User['role'];
const listUsers = () => call(api.v1.users.$get({ query: {} }));

export const ROLES: Role[] = ['admin', 'regional_manager', 'affiliate', 'member'];

/**
 * Creates a dashboard login or changes one. The role decides the scope: a regional manager gets
 * countries, an affiliate or member is tied to their member record in the current program.
 */
export function UserForm({ program, user, onSaved, onCancel }: { program: Program | null; user: User | null; onSaved: () => void; onCancel: () => void }) {
  const { t } = useTranslation('web-admin');
  const [name, setName] = useState(user?.name ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>(user?.role ?? 'regional_manager');
  const [countries, setCountries] = useState<string[]>(user?.countries ?? []);
  const [memberId, setMemberId] = useState(user?.memberId ?? '');
  const programId = user?.programId ?? program?.id ?? '';
  const linked = role === 'affiliate' || role === 'member';

  const focusRef = useFocusFirst();
  const form = useSubmit(async () => {
    const scope = role === 'regional_manager' ? { countries } : linked ? { programId, memberId } : {};
    if (user) {
      const json = { name, email, role, ...scope, ...(password ? { password } : {}) };
      await call(api.v1.users[':userId'].$patch({ param: { userId: user.id }, json }));
    } else {
      await call(api.v1.users.$post({ json: { name, email, password, role, ...scope } }));
    }
    onSaved();
  });
  const issue = form.issueFor;
  // i18n-keys: role.admin role.regional_manager role.affiliate role.member
  return (
    <form ref={focusRef} className="admin-form" onSubmit={form.submit} noValidate data-testid="user-form">
      <TextField label={t('users.name')} value={name} onChange={(e) => setName(e.target.value)} error={issue('name', name.trim() ? undefined : t('form.required'))} autoComplete="off" required />
      <TextField label={t('users.email')} type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={issue('email', email.trim() ? t('form.badEmail') : t('form.required'))} autoComplete="off" required />
      <TextField
        label={user ? t('users.newPassword') : t('users.password')}
        type="password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={issue('password', t('form.shortPassword'))}
        autoComplete="new-password"
        hint={user ? t('users.newPasswordHint') : t('users.passwordHint')}
        required={!user}
      />
      <SelectField label={t('users.role')} value={role} onChange={(e) => setRole(e.target.value as Role)} error={issue('role')}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`role.${r}`)}
          </option>
        ))}
      </SelectField>
      {role === 'regional_manager' && <CountriesPicker label={t('users.countries')} value={countries} onChange={setCountries} error={issue('countries', countries.length ? undefined : t('form.chooseCountries'))} />}
      {linked && (programId ? <MemberPicker programId={programId} value={memberId} onChange={setMemberId} error={issue('memberId', memberId ? undefined : t('form.chooseMember')) ?? issue('programId')} /> : <p className="notice wide">{t('programs.noneYet')}</p>)}
      <FormActions busy={form.busy} formError={form.formError} hasIssues={form.hasIssues} submitLabel={user ? t('form.save') : t('users.create')} onCancel={onCancel} />
    </form>
  );
}
