import { i18n } from './instance.js';
import type { Locale } from './locales.js';

/**
 * Texts a regional manager wrote for one locale, per namespace, keyed by the flattened dotted key
 * including any plural or context suffix (`statement.lines_one`). See src/i18n/overrides/.
 */
export type Overrides = Record<string /* namespace */, Record<string /* flattened dotted key */, string>>;

/** A text by `'namespace:dotted.key'`, interpolating `{{name}}` placeholders from options. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

const NS_SEPARATOR = ':';

/**
 * A translate function fixed to one locale. Overrides win over the shipped text for that call
 * alone; without a matching override the shipped text (or its English fallback) is used.
 */
export function translator(locale: Locale, overrides?: Overrides): Translate {
  const instance = i18n();
  const t = instance.getFixedT(locale);
  if (!overrides || Object.keys(overrides).length === 0) {
    return (key, options) => t(key, options ?? {}) as string;
  }
  return (key, options = {}) => {
    const override = findOverride(locale, overrides, key, options);
    if (override === undefined) return t(key, options) as string;
    // Values come as options or, as i18next also accepts, under `replace`.
    const values = { ...options, ...(typeof options.replace === 'object' ? options.replace : {}) };
    // The call's options go last, as i18next passes them (per-call `interpolation` settings).
    return instance.services.interpolator.interpolate(override, values, locale, options);
  };
}

/**
 * The override for a key, looked up the way i18next looks up shipped texts: context and plural
 * variants before the plain key, so `key_one` / `key_other` overrides resolve by count.
 */
function findOverride(locale: Locale, overrides: Overrides, fullKey: string, options: Record<string, unknown>): string | undefined {
  const separator = fullKey.indexOf(NS_SEPARATOR);
  const namespace = separator > 0 ? fullKey.slice(0, separator) : defaultNamespace();
  const key = separator > 0 ? fullKey.slice(separator + 1) : fullKey;
  const texts = overrides[namespace];
  if (!texts) return undefined;
  for (const candidate of lookupKeys(locale, key, options)) {
    const text = texts[candidate];
    if (text !== undefined) return text;
  }
  return undefined;
}

/** Most specific first, as i18next: key_context_zero, key_context_plural, key_context, key_zero, key_plural, key. */
function lookupKeys(locale: Locale, key: string, options: Record<string, unknown>): string[] {
  const { count, context } = options;
  const plural = typeof count === 'number';
  const suffix = plural ? `_${pluralRules(locale).select(count)}` : '';
  const zero = plural && count === 0;
  const bases = typeof context === 'string' && context !== '' ? [`${key}_${context}`, key] : [key];
  return bases.flatMap((base) => [...(zero ? [`${base}_zero`] : []), ...(plural ? [base + suffix] : []), base]);
}

const rulesCache = new Map<Locale, Intl.PluralRules>();
function pluralRules(locale: Locale): Intl.PluralRules {
  let rules = rulesCache.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    rulesCache.set(locale, rules);
  }
  return rules;
}

function defaultNamespace(): string {
  const ns = i18n().options.defaultNS;
  return typeof ns === 'string' ? ns : Array.isArray(ns) && ns[0] ? ns[0] : 'translation';
}
