import type { Locale } from '../locales.js';
import { flattenTexts, shippedResources, type Resources } from '../resources.js';

/**
 * What a manager may override: every text English ships, by namespace and dotted key, plus the
 * plural forms a language has and English lacks (French `_many`, say). English is the reference
 * because every locale must ship its keys (test/unit/i18n); a key it does not ship is a typo.
 */

export interface EditableText {
  namespace: string;
  /** Dotted key with its plural suffix as shipped (`caption_one`). */
  key: string;
  /** The text shipped in the requested locale (English where that locale misses it). */
  shipped: string;
  english: string;
}

type Flat = Record<string, Record<string, string>>;

// Shipped files never change within a process (resources.ts reads them once), so neither do these.
const flatByResources = new WeakMap<Resources, Map<Locale, Flat>>();

function flatTexts(locale: Locale): Flat {
  const resources = shippedResources();
  let byLocale = flatByResources.get(resources);
  if (!byLocale) flatByResources.set(resources, (byLocale = new Map()));
  let flat = byLocale.get(locale);
  if (!flat) {
    flat = {};
    for (const [namespace, tree] of Object.entries(resources[locale] ?? {})) flat[namespace] = flattenTexts(tree);
    byLocale.set(locale, flat);
  }
  return flat;
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** A plural form English does not ship, but `locale` needs: `base_many` where English ships `base_other`. */
function isLocalePluralForm(locale: Locale, english: Record<string, string>, key: string): boolean {
  const match = PLURAL_SUFFIX.exec(key);
  if (!match) return false;
  const base = key.slice(0, match.index);
  if (english[`${base}_other`] === undefined) return false;
  return new Intl.PluralRules(locale).resolvedOptions().pluralCategories.includes(match[1] as Intl.LDMLPluralRule);
}

/** The namespaces shipped in English, sorted. */
export function editableNamespaces(): string[] {
  return Object.keys(flatTexts('en')).sort();
}

/** The text of (namespace, key) a manager may override in `locale`, or undefined if there is none. */
export function findEditableText(locale: Locale, namespace: string, key: string): EditableText | undefined {
  const english = flatTexts('en')[namespace];
  if (!english) return undefined;
  const local = flatTexts(locale)[namespace] ?? {};
  const englishText = english[key] ?? (isLocalePluralForm(locale, english, key) ? english[key.replace(PLURAL_SUFFIX, '_other')] : undefined);
  if (englishText === undefined) return undefined;
  return { namespace, key, shipped: local[key] ?? englishText, english: englishText };
}

/** Every text a manager may override in `locale` (optionally one namespace), ordered by namespace then key. */
export function editableTexts(locale: Locale, namespace?: string): EditableText[] {
  const namespaces = namespace === undefined ? editableNamespaces() : editableNamespaces().filter((n) => n === namespace);
  const out: EditableText[] = [];
  for (const ns of namespaces) {
    const english = flatTexts('en')[ns]!;
    const local = flatTexts(locale)[ns] ?? {};
    const keys = new Set(Object.keys(english));
    for (const key of Object.keys(local)) if (isLocalePluralForm(locale, english, key)) keys.add(key);
    for (const key of [...keys].sort()) out.push(findEditableText(locale, ns, key)!);
  }
  return out;
}

/**
 * The interpolation variables a text uses, by name: `{{amount}}`, `{{- name}}` (unescaped) and
 * `{{amount, currency}}` (formatted) all name one variable. A text's formatting may change; its
 * variables may not, or the value would show a raw `{{...}}` or lose a number.
 */
export function placeholdersOf(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/\{\{\s*-?\s*([^,}\s]+)[^}]*\}\}/g)) names.add(match[1]!);
  return names;
}
