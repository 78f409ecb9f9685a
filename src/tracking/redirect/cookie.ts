const SECONDS_PER_DAY = 86_400;

/** The first-party cookie's name for a program: `trellis_<programId>`. */
export const clickCookieName = (programId: string) => `trellis_${programId}`;

/**
 * `trellis_<programId>=<clickId>` for the program's attribution window. Host-only (no Domain), so
 * it belongs to the host that served the short link: the program's own link domain when it has one.
 * The merchant's server reads it there (HttpOnly: page scripts cannot) and passes the click id to
 * the conversion API, so a purchase days later is attributed even when the landing page dropped
 * `trellis_click` from the URL. Lax, so it travels on top-level navigations back to that host.
 */
export function clickCookie(programId: string, clickId: string, attributionWindowDays: number, secure: boolean): string {
  const cookie = `${clickCookieName(programId)}=${clickId}; Path=/; Max-Age=${attributionWindowDays * SECONDS_PER_DAY}; SameSite=Lax; HttpOnly`;
  return secure ? `${cookie}; Secure` : cookie;
}
