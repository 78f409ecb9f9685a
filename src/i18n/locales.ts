/** The languages Trellis ships, each written by a native speaker (docs/i18n.md). */
export const SUPPORTED_LOCALES = ['en', 'zh-CN', 'de', 'fr', 'es', 'ja', 'pt-BR'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'en';

const BY_LOWER = new Map<string, Locale>(SUPPORTED_LOCALES.map((l) => [l.toLowerCase(), l]));
// A language without its region still has one obvious shipped variant.
const BY_LANGUAGE: Record<string, Locale> = { en: 'en', zh: 'zh-CN', de: 'de', fr: 'fr', es: 'es', ja: 'ja', pt: 'pt-BR' };

export function isLocale(value: string): value is Locale {
  return (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/**
 * The shipped locale closest to a BCP-47 tag: exact match first (case-insensitive), else the
 * language alone (`de-AT` -> `de`, `pt-PT` -> `pt-BR`, `zh-Hant` -> `zh-CN`). Null when nothing fits.
 */
export function matchLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const lower = tag.trim().toLowerCase().replace(/_/g, '-');
  if (!lower || lower === '*') return null;
  const exact = BY_LOWER.get(lower);
  if (exact) return exact;
  const language = lower.split('-')[0]!;
  return BY_LANGUAGE[language] ?? null;
}
