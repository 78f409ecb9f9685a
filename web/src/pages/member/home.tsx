import { useTranslation } from 'react-i18next';
import { useLoad } from '../../api/use-load';
import { Section } from '../../components/layout';
import { Async } from '../../components/states';
import { useFormat } from '../../i18n/format';
import { Link } from '../../router';
import { InviteCard } from './invite-card';
import { PointsChart } from './points-chart';
import { loadBalance, loadFriends, loadProgram, loadTier, loadTiers, type Balance, type Me } from './queries';
import { RecentFriends } from './recent-friends';
import { TierCard } from './tier-card';

/** `/member`: balance and what expires, tier progress, the invite card, recent friends. */
export function HomePage({ me, firstName }: { me: Me; firstName: string }) {
  const { t } = useTranslation('web-member');
  const overview = useLoad(async () => {
    const [program, balance, tier, tiers] = await Promise.all([loadProgram(me), loadBalance(me), loadTier(me), loadTiers(me)]);
    return { program, balance, tier, tiers: tiers.data };
  }, [me.programId, me.memberId]);
  const friends = useLoad(() => loadFriends(me, { limit: 3 }), [me.programId, me.memberId]);
  return (
    <Async state={overview}>
      {({ program, balance, tier, tiers }) => (
        <>
          <p className="member-greeting">{firstName ? t('home.greeting', { name: firstName, program: program.name }) : t('home.greetingAnonymous', { program: program.name })}</p>
          <BalanceHero balance={balance} tierName={tier.tier?.name ?? null} />
          <div className="grid">
            <TierCard status={tier} tiers={tiers} currency={program.payoutCurrency} />
            <InviteCard me={me} programName={program.name} />
          </div>
          <div className="grid">
            <Section title={t('chart.title')}>
              <PointsChart me={me} />
            </Section>
            <Section title={t('friends.recent')} actions={<Link to="/member/friends">{t('friends.seeAll')}</Link>}>
              <Async state={friends} empty={<p>{t('friends.empty')}</p>} isEmpty={(p) => p.data.length === 0}>
                {(page) => <RecentFriends friends={page.data} />}
              </Async>
            </Section>
          </div>
        </>
      )}
    </Async>
  );
}

function BalanceHero({ balance, tierName }: { balance: Balance; tierName: string | null }) {
  const { t } = useTranslation('web-member');
  const f = useFormat();
  const expiring = balance.expiringSoon;
  const expiringTotal = expiring.reduce((sum, e) => sum + e.points, 0);
  return (
    <section className="balance-hero" aria-label={t('balance.title')} data-testid="points-balance">
      <div>
        <div className="balance-label">{t('balance.available')}</div>
        <div className="balance-value">
          {f.number(balance.available)} <span className="balance-unit">{t('balance.unit', { count: balance.available })}</span>
        </div>
        {tierName && <div className="balance-tier">{t('balance.tier', { tier: tierName })}</div>}
      </div>
      <dl className="balance-facts">
        <div>
          <dt>{t('balance.pending')}</dt>
          <dd>{f.number(balance.pending)}</dd>
        </div>
        <div>
          <dt>{t('balance.lifetime')}</dt>
          <dd>{f.number(balance.lifetimeEarned)}</dd>
        </div>
      </dl>
      <div className={expiring.length ? 'expiring warn' : 'expiring'} data-testid="points-expiring">
        {expiring.length ? (
          <>
            <strong>{t('expiring.total', { count: expiringTotal, value: f.number(expiringTotal) })}</strong>
            <ul>
              {expiring.slice(0, 3).map((e) => (
                <li key={e.expiresAt}>{t('expiring.item', { count: e.points, value: f.number(e.points), date: f.date(e.expiresAt) })}</li>
              ))}
            </ul>
            <Link to="/member/points">{t('expiring.seeHistory')}</Link>
          </>
        ) : (
          <span>{t('expiring.none')}</span>
        )}
      </div>
    </section>
  );
}
