import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

/**
 * The web app's texts are the server's shipped locale files (src/i18n/locales/<lng>/web-*.json),
 * one lazily loaded chunk per language, so the CI key check covers them with the rest. A regional
 * manager's overrides for the user's country are laid over them after login.
 */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'zh-CN', name: '简体中文' },
  { code: 'de', name: 'Deutsch' },
  { code: 'fr', name: 'Français' },
  { code: 'es', name: 'Español' },
  { code: 'ja', name: '日本語' },
  { code: 'pt-BR', name: 'Português (Brasil)' },
] as const;

export type Language = (typeof LANGUAGES)[number]['code'];
export const NAMESPACES = ['web-common', 'web-affiliate', 'web-verify', 'web-member', 'web-manager', 'web-admin'] as const;

const loaders = import.meta.glob<Record<string, unknown>>('../../../src/i18n/locales/*/web-*.json', { import: 'default' });

const COOKIE = 'trellis_lang';

function matchLanguage(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const lower = tag.toLowerCase();
  const exact = LANGUAGES.find((l) => l.code.toLowerCase() === lower);
  if (exact) return exact.code;
  const base = lower.split('-')[0];
  const byBase: Record<string, Language> = { en: 'en', zh: 'zh-CN', de: 'de', fr: 'fr', es: 'es', ja: 'ja', pt: 'pt-BR' };
  return (base && byBase[base]) || null;
}

/** The user's explicit choice (the cookie the API reads too), else the browser's languages. */
export function explicitLanguage(): Language | null {
  const fromQuery = matchLanguage(new URLSearchParams(location.search).get('lang'));
  if (fromQuery) return fromQuery;
  const cookie = document.cookie.split('; ').find((c) => c.startsWith(`${COOKIE}=`));
  return matchLanguage(cookie ? decodeURIComponent(cookie.slice(COOKIE.length + 1)) : null);
}

/** The first of the browser's languages (Accept-Language) that Trellis ships. */
function browserLanguage(): Language | null {
  return navigator.languages.map(matchLanguage).find((l) => l !== null) ?? null;
}

// The same order as the API (src/i18n/negotiate.ts): query, cookie, Accept-Language, market default.
function detectLanguage(): Language {
  return explicitLanguage() ?? browserLanguage() ?? 'en';
}

async function loadLanguage(lng: Language): Promise<void> {
  for (const ns of NAMESPACES) {
    if (i18next.hasResourceBundle(lng, ns)) continue;
    const load = loaders[`../../../src/i18n/locales/${lng}/${ns}.json`];
    const texts = load ? await load() : {};
    i18next.addResourceBundle(lng, ns, texts, true, false);
  }
}

export async function initI18n(): Promise<void> {
  const lng = detectLanguage();
  await i18next.use(initReactI18next).init({
    lng,
    fallbackLng: 'en',
    ns: [...NAMESPACES],
    defaultNS: 'web-common',
    resources: {},
    partialBundledLanguages: true,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  await loadLanguage('en');
  await loadLanguage(lng);
  document.documentElement.lang = lng;
}

/** Switches the UI language and remembers it for a year; the API answers in it too (same cookie). */
export async function changeLanguage(lng: Language): Promise<void> {
  await loadLanguage(lng);
  document.cookie = `${COOKIE}=${encodeURIComponent(lng)}; path=/; max-age=31536000; samesite=lax`;
  await i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
}

/** Without a choice and without a shipped browser language, the user's market default applies. */
export async function adoptMarketLanguage(marketLocale: string | null | undefined): Promise<void> {
  if (explicitLanguage() || browserLanguage()) return;
  const lng = matchLanguage(marketLocale);
  if (lng && lng !== i18next.language) {
    await loadLanguage(lng);
    await i18next.changeLanguage(lng);
    document.documentElement.lang = lng;
  }
}

/** Lays a manager's text overrides (namespace -> flattened key -> text) over the shipped texts. */
export function applyOverrides(lng: string, overrides: Record<string, Record<string, string>>): void {
  for (const [ns, texts] of Object.entries(overrides)) {
    if (!(NAMESPACES as readonly string[]).includes(ns)) continue;
    const nested: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(texts)) {
      const parts = key.split('.');
      let node = nested;
      for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
      node[parts[parts.length - 1]!] = value;
    }
    i18next.addResourceBundle(lng, ns, nested, true, true);
  }
}

export { i18next };
