import { useTranslation } from 'react-i18next';
import { DataTable, type Column } from '../../components/data-table';
import { Section } from '../../components/layout';
import { useFormat } from '../../i18n/format';
import { loadFriends, type Friend, type Me } from './queries';
import { FriendStatus, friendName } from './recent-friends';

/** `/member/friends`: everyone who joined through the member's invite link, paged by the server. */
export function FriendsPage({ me }: { me: Me }) {
  const { t } = useTranslation('web-member');
  const f = useFormat();
  const columns: Column<Friend>[] = [
    { key: 'name', header: t('friends.name'), cell: (x) => friendName(t, x) },
    { key: 'joined', header: t('friends.joined'), cell: (x) => f.date(x.joinedAt) },
    {
      key: 'status',
      header: t('friends.statusHeader'),
      cell: (x) => (
        <span className="entry-what">
          <FriendStatus friend={x} />
          {x.firstPurchaseAt && <span className="muted small">{f.date(x.firstPurchaseAt)}</span>}
        </span>
      ),
    },
    { key: 'points', header: t('friends.points'), numeric: true, cell: (x) => (x.pointsEarned > 0 ? f.number(x.pointsEarned, { signDisplay: 'always' }) : '—') },
  ];
  return (
    <>
      <p className="muted">{t('friends.lead')}</p>
      <Section title={t('friends.list')}>
        <DataTable
          caption={t('friends.list')}
          columns={columns}
          load={(page) => loadFriends(me, page)}
          deps={[me.programId, me.memberId]}
          rowKey={(x) => x.id}
          empty={<p>{t('friends.emptyLong')}</p>}
        />
      </Section>
    </>
  );
}
