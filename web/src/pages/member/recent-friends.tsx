import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import type { Friend } from './queries';

/** A friend's status as a badge: joined, or made a first purchase. */
export function FriendStatus({ friend }: { friend: Friend }) {
  const { t } = useTranslation('web-member');
  return friend.status === 'purchased' ? <span className="badge ok">{t('friends.status.purchased')}</span> : <span className="badge">{t('friends.status.joined')}</span>;
}

export function friendName(t: (key: string) => string, friend: Friend): string {
  return friend.displayName ?? t('friends.unnamed');
}

/** The last few friends who joined, on the home page. */
export function RecentFriends({ friends }: { friends: Friend[] }) {
  const { t } = useTranslation('web-member');
  const f = useFormat();
  return (
    <ul className="friend-list">
      {friends.map((friend) => (
        <li key={friend.id}>
          <span className="avatar" aria-hidden="true">
            {friendName(t, friend).slice(0, 1).toUpperCase()}
          </span>
          <span className="friend-main">
            <strong>{friendName(t, friend)}</strong>
            <span className="muted small">{t('friends.joinedOn', { date: f.date(friend.joinedAt) })}</span>
          </span>
          <FriendStatus friend={friend} />
        </li>
      ))}
    </ul>
  );
}
