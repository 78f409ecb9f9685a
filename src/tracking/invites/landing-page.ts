import { escapeHtml } from '../../html-escape.js';
import { formatNumber } from '../../i18n/format.js';
import type { Locale } from '../../i18n/locales.js';
import type { Translate } from '../../i18n/translate.js';
import type { InviteLanding } from './landing.js';

/**
 * A member's invite page, in the friend's language, with the inviter's market's own texts where its
 * managers wrote them. The button goes through `/r/{slug}`, so the click is counted and attributed
 * exactly as a direct visit to the invite link would be.
 */
export function renderInviteLanding(invite: InviteLanding, t: Translate, locale: Locale): string {
  const name = invite.inviterFirstName || t('invite:someone');
  const title = t('invite:title', { name, program: invite.programName });
  const offers = [
    invite.friendSignupPoints > 0 ? t('invite:offer.signup', { count: invite.friendSignupPoints, points: formatNumber(invite.friendSignupPoints, locale) }) : null,
    invite.friendFirstPurchasePoints > 0
      ? t('invite:offer.firstPurchase', { count: invite.friendFirstPurchasePoints, points: formatNumber(invite.friendFirstPurchasePoints, locale) })
      : null,
  ].filter((o): o is string => o !== null);
  const href = `/r/${encodeURIComponent(invite.slug)}`;
  return (
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${INVITE_PAGE_STYLE}</style></head><body><main>` +
    `<p class="program">${escapeHtml(invite.programName)}</p>` +
    `<h1>${escapeHtml(title)}</h1>` +
    `<p class="lead">${escapeHtml(t('invite:lead', { name, program: invite.programName }))}</p>` +
    (offers.length ? `<ul class="offers">${offers.map((o) => `<li>${escapeHtml(o)}</li>`).join('')}</ul>` : '') +
    `<a class="cta" href="${escapeHtml(href)}">${escapeHtml(t('invite:accept'))}</a>` +
    `<p class="fine">${escapeHtml(t('invite:fine', { program: invite.programName }))}</p>` +
    `</main></body></html>`
  );
}

/** The page for an invite link that does not exist (any more). */
export function renderInviteNotFound(t: Translate, locale: Locale): string {
  const title = t('invite:notFound.title');
  return (
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${INVITE_PAGE_STYLE}</style></head><body><main>` +
    `<h1>${escapeHtml(title)}</h1><p class="lead">${escapeHtml(t('invite:notFound.message'))}</p></main></body></html>`
  );
}

/** The invite pages' one stylesheet; their Content-Security-Policy allows exactly it (by hash). */
export const INVITE_PAGE_STYLE =
  'body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","Hiragino Sans",sans-serif;background:#f5f6f8;color:#1d2129}' +
  'main{max-width:30rem;margin:10vh auto;padding:2rem 1.5rem;background:#fff;border:1px solid #dde1e7;border-radius:14px}' +
  '.program{color:#5d6472;margin:0 0 .5rem;font-weight:600}h1{font-size:1.6rem;margin:0 0 1rem}.lead{font-size:1.05rem;line-height:1.5}' +
  '.offers{padding-left:1.2rem;line-height:1.7}.cta{display:block;text-align:center;background:#2f6fdf;color:#fff;text-decoration:none;' +
  'padding:.8rem 1rem;border-radius:10px;font-weight:600;margin:1.5rem 0 1rem}.cta:focus-visible{outline:3px solid #8fb3ff;outline-offset:2px}' +
  '.fine{color:#5d6472;font-size:.85rem}@media (max-width:480px){main{margin:0;border-radius:0;min-height:100vh}}';
