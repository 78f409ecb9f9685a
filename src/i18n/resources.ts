import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUPPORTED_LOCALES, type Locale } from './locales.js';

/** A namespace's texts: nested objects of strings, as i18next reads them. */
export interface TextTree {
  [key: string]: string | TextTree;
}

export type Resources = Record<Locale, Record<string, TextTree>>;

const LOCALES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'locales');

let loaded: Resources | undefined;

/**
 * Every shipped text: `locales/<lng>/<namespace>.json`, read once per process. The files are part
 * of the release, never changed at runtime (managers' changes are overrides in the database).
 */
export function shippedResources(): Resources {
  if (loaded) return loaded;
  const resources = {} as Resources;
  for (const locale of SUPPORTED_LOCALES) {
    const dir = join(LOCALES_DIR, locale);
    const namespaces: Record<string, TextTree> = {};
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      namespaces[file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(join(dir, file), 'utf8')) as TextTree;
    }
    resources[locale] = namespaces;
  }
  loaded = resources;
  return resources;
}

/** The namespaces English ships; every other locale must ship the same ones (test/unit/i18n). */
export function shippedNamespaces(): string[] {
  return Object.keys(shippedResources().en);
}

/** Flattens a namespace to dotted keys: `{ a: { b: 'x' } }` -> `{ 'a.b': 'x' }`. */
export function flattenTexts(tree: TextTree, prefix = ''): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') flat[path] = value;
    else Object.assign(flat, flattenTexts(value, path));
  }
  return flat;
}

/** The shipped text of one key (dotted path) in one locale, or undefined. */
export function shippedText(locale: Locale, namespace: string, key: string): string | undefined {
  const tree = shippedResources()[locale]?.[namespace];
  return tree ? flattenTexts(tree)[key] : undefined;
}
