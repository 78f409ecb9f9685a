import { useTranslation } from 'react-i18next';
import { useSessionUser } from '../../api/session';
import { Layout } from '../../components/layout';
import { usePath } from '../../router';
import { FriendsPage } from './friends-page';
import { HomePage } from './home';
import { PointsPage } from './points-page';
import './member.css';

/** The member's rewards app: balance, tier, invite link (home), points history and friends. */
export default function MemberDashboard() {
  const { t } = useTranslation('web-member');
  const user = useSessionUser();
  const path = usePath();
  const tabs = [
    { to: '/member', label: t('nav.home') },
    { to: '/member/points', label: t('nav.points') },
    { to: '/member/friends', label: t('nav.friends') },
  ];
  const me = user?.programId && user.memberId ? { programId: user.programId, memberId: user.memberId } : null;
  const page = path.replace(/\/+$/, '');
  const title = page === '/member/points' ? t('points.title') : page === '/member/friends' ? t('friends.title') : t('home.title');
  return (
    <Layout title={title} tabs={tabs} testId="dashboard-member">
      {!me ? (
        <p className="notice">{t('home.noMembership')}</p>
      ) : page === '/member/points' ? (
        <PointsPage me={me} />
      ) : page === '/member/friends' ? (
        <FriendsPage me={me} />
      ) : (
        <HomePage me={me} firstName={user?.name.trim().split(/\s+/)[0] ?? ''} />
      )}
    </Layout>
  );
}
