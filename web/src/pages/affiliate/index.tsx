import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { useSessionUser } from '../../api/session';
import { useLoad } from '../../api/use-load';
import { Layout } from '../../components/layout';
import { Async } from '../../components/states';
import { usePath } from '../../router';
import './affiliate.css';
import { CommissionsPage } from './commissions';
import { LinksPage } from './links';
import { OverviewPage } from './overview';
import { PayoutsPage } from './payouts';
import { AffiliateScopeProvider, type AffiliateScope } from './shared';
import { VerifiedPanel } from './verified';

/** The program's payout currency and the hosts links may point at (settings.links.allowedHosts). */
async function loadScope(programId: string, memberId: string): Promise<AffiliateScope> {
  const program = await call(api.v1.programs[':programId'].$get({ param: { programId } }));
  const links = program.settings['links'] as { allowedHosts?: unknown } | undefined;
  const hosts = Array.isArray(links?.allowedHosts) ? links.allowedHosts.filter((h): h is string => typeof h === 'string') : [];
  return { programId, memberId, payoutCurrency: program.payoutCurrency, allowedHosts: hosts };
}

function VerifiedPage() {
  const { programId, memberId } = useScopeFromSession();
  return <VerifiedPanel programId={programId} memberId={memberId} />;
}

function useScopeFromSession() {
  const user = useSessionUser()!;
  return { programId: user.programId ?? '', memberId: user.memberId ?? '' };
}

const PAGES: Record<string, () => React.JSX.Element> = {
  '/affiliate/links': LinksPage,
  '/affiliate/commissions': CommissionsPage,
  '/affiliate/payouts': PayoutsPage,
  '/affiliate/verified': VerifiedPage,
};

/**
 * The affiliate's dashboard: performance over time (overview), links and the link builder,
 * commissions with their reasons, payouts with statements, and the verified-log panel.
 */
export default function AffiliateDashboard() {
  const { t } = useTranslation('web-affiliate');
  const path = usePath();
  const { programId, memberId } = useScopeFromSession();
  const scope = useLoad(() => loadScope(programId, memberId), [programId, memberId]);
  const tabs = [
    { to: '/affiliate', label: t('nav.overview') },
    { to: '/affiliate/links', label: t('nav.links') },
    { to: '/affiliate/commissions', label: t('nav.commissions') },
    { to: '/affiliate/payouts', label: t('nav.payouts') },
    { to: '/affiliate/verified', label: t('nav.verified') },
  ];
  const Page = PAGES[path.replace(/\/+$/, '')] ?? OverviewPage;
  return (
    <Layout title={t('title')} tabs={tabs} testId="dashboard-affiliate">
      <Async state={scope}>
        {(s) => (
          <AffiliateScopeProvider value={s}>
            <Page />
          </AffiliateScopeProvider>
        )}
      </Async>
    </Layout>
  );
}
