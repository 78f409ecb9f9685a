import { api, call } from '../../api/client';

/** The member dashboard's reads, typed by the API's own route definitions. */

export interface Me {
  programId: string;
  memberId: string;
}

export const loadProgram = ({ programId }: Me) => call(api.v1.programs[':programId'].$get({ param: { programId } }));

export const loadBalance = (me: Me) => call(api.v1.programs[':programId'].members[':memberId'].points.$get({ param: me }));

export const loadTier = (me: Me) => call(api.v1.programs[':programId'].members[':memberId'].tier.$get({ param: me }));

export const loadTiers = ({ programId }: Me) => call(api.v1.programs[':programId'].tiers.$get({ param: { programId }, query: { limit: '50' } }));

/** The member's invite link; the first call creates it. */
export const loadInviteLink = ({ programId }: Me) => call(api.v1.programs[':programId']['invite-link'].$post({ param: { programId }, json: {} }));

export const loadHistory = (me: Me, page: { cursor?: string; limit: number }) =>
  call(
    api.v1.programs[':programId'].members[':memberId'].points.history.$get({
      param: me,
      query: { limit: String(page.limit), ...(page.cursor ? { cursor: page.cursor } : {}) },
    }),
  );

export const loadFriends = (me: Me, page: { cursor?: string; limit: number }) =>
  call(
    api.v1.programs[':programId'].members[':memberId'].referrals.$get({
      param: me,
      query: { limit: String(page.limit), ...(page.cursor ? { cursor: page.cursor } : {}) },
    }),
  );

export type Program = Awaited<ReturnType<typeof loadProgram>>;
export type Balance = Awaited<ReturnType<typeof loadBalance>>;
export type MemberTier = Awaited<ReturnType<typeof loadTier>>;
export type TierList = Awaited<ReturnType<typeof loadTiers>>['data'];
export type HistoryItem = Awaited<ReturnType<typeof loadHistory>>['data'][number];
export type Friend = Awaited<ReturnType<typeof loadFriends>>['data'][number];
