import { useEffect } from 'react';
import { api, call } from '../api/client';
import type { SessionUser } from '../api/session';
import { adoptMarketLanguage, applyOverrides, i18next } from '.';

/**
 * The user's market: its default language (used when neither the user nor the browser names one we
 * ship) and the texts its regional managers wrote for it, laid over the shipped ones in every
 * language the user switches to. Affiliates and members belong to one country; staff see the
 * shipped texts.
 */
export function useMarketTexts(user: SessionUser | null): void {
  useEffect(() => {
    if (!user?.programId || !user.memberId) return;
    const programId = user.programId;
    const memberId = user.memberId;
    let live = true;
    let country: string | null = null;

    const overlay = async (lng: string) => {
      if (!country) return;
      try {
        const overrides = await call(api.v1.programs[':programId'].translations.overrides.$get({ param: { programId }, query: { country, locale: lng } }));
        if (live) applyOverrides(lng, overrides);
      } catch {
        // The shipped texts are complete on their own; overrides are a local refinement.
      }
    };

    void (async () => {
      try {
        const member = await call(api.v1.programs[':programId'].members[':memberId'].$get({ param: { programId, memberId } }));
        country = member.country;
        if (!country || !live) return;
        const markets = await call(api.v1.programs[':programId'].markets.$get({ param: { programId }, query: { limit: '100' } }));
        const market = markets.data.find((m) => m.country === country);
        // The member's own language, where their profile has one, before their market's.
        await adoptMarketLanguage(member.locale ?? market?.defaultLocale);
        await overlay(i18next.language);
      } catch {
        // As above: without the market, the shipped texts in the negotiated language stand.
      }
    })();

    const onChange = (lng: string) => void overlay(lng);
    i18next.on('languageChanged', onChange);
    return () => {
      live = false;
      i18next.off('languageChanged', onChange);
    };
  }, [user?.programId, user?.memberId]);
}
