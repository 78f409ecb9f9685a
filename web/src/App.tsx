import { lazy, Suspense, useEffect, type ComponentType, type LazyExoticComponent } from 'react';
import { HOME_BY_ROLE, useSessionUser, type SessionUser } from './api/session';
import { Loading } from './components/states';
import { useMarketTexts } from './i18n/market-texts';
import { LoginPage } from './pages/login';
import { navigate, usePath } from './router';

interface Area {
  /** Roles that may open this area. */
  roles: SessionUser['role'][];
  page: LazyExoticComponent<ComponentType>;
}

// One dashboard per role, each its own chunk. Admins can also open the manager's console.
const AREAS: Record<string, Area> = {
  affiliate: { roles: ['affiliate'], page: lazy(() => import('./pages/affiliate')) },
  member: { roles: ['member'], page: lazy(() => import('./pages/member')) },
  manager: { roles: ['regional_manager', 'admin'], page: lazy(() => import('./pages/manager')) },
  admin: { roles: ['admin'], page: lazy(() => import('./pages/admin')) },
};

export function App() {
  const path = usePath();
  const user = useSessionUser();
  useMarketTexts(user);
  const area = AREAS[path.split('/')[1] ?? ''];
  const allowed = user && area?.roles.includes(user.role);

  useEffect(() => {
    if (!user) {
      if (path !== '/login') navigate(`/login?next=${encodeURIComponent(path + location.search)}`, { replace: true });
    } else if (!allowed) {
      navigate(HOME_BY_ROLE[user.role], { replace: true });
    }
  }, [user, path, allowed]);

  if (!user) return <LoginPage />;
  if (!area || !allowed) return <Loading />;
  const Page = area.page;
  return (
    <Suspense fallback={<Loading />}>
      <Page />
    </Suspense>
  );
}
