import { useTranslation } from 'react-i18next';
import { Layout } from '../../components/layout';
import { usePath } from '../../router';
import './admin.css';
import { MarketsPage } from './markets';
import { ProgramProvider } from './program-context';
import { ProgramsPage } from './programs';
import { TiersPage } from './tiers';
import { UsersPage } from './users';

/** The admin console: programs, then the current program's markets, tiers and its users. */
export default function AdminDashboard() {
  const { t } = useTranslation('web-admin');
  const path = usePath();
  const tabs = [
    { to: '/admin', label: t('nav.programs') },
    { to: '/admin/markets', label: t('nav.markets') },
    { to: '/admin/tiers', label: t('nav.tiers') },
    { to: '/admin/users', label: t('nav.users') },
    { to: '/manager', label: t('nav.managerConsole') },
  ];
  const page = path.replace(/\/+$/, '');
  const title = tabs.find((tab) => tab.to === page)?.label ?? t('nav.programs');
  return (
    <Layout title={title} tabs={tabs} testId="dashboard-admin">
      <ProgramProvider>
        {page === '/admin/markets' ? <MarketsPage /> : page === '/admin/tiers' ? <TiersPage /> : page === '/admin/users' ? <UsersPage /> : <ProgramsPage />}
      </ProgramProvider>
    </Layout>
  );
}
