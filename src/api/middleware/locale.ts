import type { MiddlewareHandler } from 'hono';
import { i18n } from '../../i18n/instance.js';
import { negotiateLocale } from '../../i18n/negotiate.js';
import type { AppEnv } from '../env.js';

/**
 * Negotiates every request's locale (`?lang=`, `trellis_lang` cookie, Accept-Language) into
 * `c.get('locale')`. Header parsing only, no i18next call: cheap enough for every request. Routes
 * that know the market pass its default to negotiateLocale themselves.
 */
export function locale(): MiddlewareHandler<AppEnv> {
  // The shipped texts are read from disk here, when the app is built, not by a first request.
  i18n();
  return async (c, next) => {
    c.set(
      'locale',
      negotiateLocale({ query: c.req.query('lang'), cookie: c.req.header('cookie'), acceptLanguage: c.req.header('accept-language') }),
    );
    await next();
  };
}
