import i18next, { type i18n } from 'i18next';
import { DEFAULT_LOCALE, SUPPORTED_LOCALES } from './locales.js';
import { shippedResources } from './resources.js';

let instance: i18n | undefined;

/**
 * The one server-side i18next instance, built on first use from the shipped JSON (read once from
 * disk by resources.ts). Init is synchronous: every resource is already in memory.
 */
export function i18n(): i18n {
  if (instance) return instance;
  const created = i18next.createInstance();
  const resources = shippedResources();
  void created.init({
    resources,
    supportedLngs: [...SUPPORTED_LOCALES],
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    ns: [...new Set(Object.values(resources).flatMap((namespaces) => Object.keys(namespaces)))],
    defaultNS: 'errors',
    // Exact locale codes only: 'zh-CN' and 'pt-BR' are resources of their own, not 'zh' or 'pt'.
    load: 'currentOnly',
    initAsync: false,
    returnNull: false,
    // Callers escape for their output (HTML renderers escape, JSON needs nothing).
    interpolation: { escapeValue: false },
  });
  instance = created;
  return created;
}
