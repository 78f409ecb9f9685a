import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/api/errors.js';
import { SUPPORTED_LOCALES } from '../../../src/i18n/locales.js';
import { flattenTexts, shippedResources } from '../../../src/i18n/resources.js';

/**
 * The CI key check (docs/i18n.md): every locale ships exactly English's keys with the same
 * placeholders and its own plural forms, and every English key is used somewhere. Namespaces are
 * discovered from the files, so a new `web-*.json` is covered the day it lands.
 */

const ROOT = join(import.meta.dirname, '../../..');
const resources = shippedResources();
const namespaces = [...new Set(SUPPORTED_LOCALES.flatMap((l) => Object.keys(resources[l])))].sort();

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const baseKey = (key: string) => key.replace(PLURAL_SUFFIX, '');
const textsOf = (locale: string, ns: string): Record<string, string> => {
  const tree = resources[locale as (typeof SUPPORTED_LOCALES)[number]][ns];
  return tree ? flattenTexts(tree) : {};
};
/** Base key -> its variants' texts (one entry for a plain key). */
function byBaseKey(texts: Record<string, string>): Map<string, Record<string, string>> {
  const grouped = new Map<string, Record<string, string>>();
  for (const [key, text] of Object.entries(texts)) {
    const base = baseKey(key);
    grouped.set(base, { ...grouped.get(base), [key]: text });
  }
  return grouped;
}
/** `{{name}}` and `{{name, number}}` both name `name`. */
const placeholders = (texts: string[]) =>
  [...new Set(texts.flatMap((t) => [...t.matchAll(/\{\{\s*([^},\s]+)[^}]*\}\}/g)].map((m) => m[1]!)))].sort();

function filesUnder(dir: string, exts: RegExp): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'locales') return [];
    return statSync(path).isDirectory() ? filesUnder(path, exts) : exts.test(name) ? [path] : [];
  });
}

/** The keys a body of source code uses: `t('key'`, `t("ns:key"`, `i18nKey="key"`, `// i18n-keys: a b`. */
function usedKeys(files: string[]): { qualified: Set<string>; bare: Set<string> } {
  const qualified = new Set<string>();
  const bare = new Set<string>();
  const add = (token: string) => (token.includes(':') ? qualified.add(token) : bare.add(token));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*(['"])([^'"\n]+)\1/g)) add(m[2]!);
    for (const m of text.matchAll(/\bi18nKey=(?:\{\s*)?(['"])([^'"\n]+)\1/g)) add(m[2]!);
    for (const m of text.matchAll(/i18n-keys:([^\n]*)/g)) for (const token of m[1]!.trim().split(/[\s,]+/)) if (token) add(token.replace(/\*\/$/, ''));
  }
  return { qualified, bare };
}

const webSources = filesUnder(join(ROOT, 'web/src'), /\.(ts|tsx)$/);
const serverSources = filesUnder(join(ROOT, 'src'), /\.ts$/);
const webKeys = usedKeys(webSources);
const serverKeys = usedKeys(serverSources);

describe('shipped locale files', () => {
  it('ship the same namespaces in every locale', () => {
    const problems = SUPPORTED_LOCALES.flatMap((locale) => namespaces.filter((ns) => !resources[locale][ns]).map((ns) => `${locale}: missing namespace ${ns}.json`));
    expect(problems).toEqual([]);
  });

  it('have exactly the English keys in every locale', () => {
    const problems: string[] = [];
    for (const ns of namespaces) {
      const english = byBaseKey(textsOf('en', ns));
      for (const locale of SUPPORTED_LOCALES.filter((l) => l !== 'en')) {
        const own = byBaseKey(textsOf(locale, ns));
        for (const key of english.keys()) if (!own.has(key)) problems.push(`${locale}/${ns}: missing key "${key}"`);
        for (const key of own.keys()) if (!english.has(key)) problems.push(`${locale}/${ns}: extra key "${key}" (not in English)`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('write every plural form a language has, and only those', () => {
    const problems: string[] = [];
    for (const ns of namespaces) {
      const english = byBaseKey(textsOf('en', ns));
      for (const locale of SUPPORTED_LOCALES) {
        const forms = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
        for (const [key, variants] of byBaseKey(textsOf(locale, ns))) {
          const plural = Object.keys(english.get(key) ?? variants).some((k) => PLURAL_SUFFIX.test(k));
          const has = Object.keys(variants).map((k) => PLURAL_SUFFIX.exec(k)?.[1]).filter(Boolean) as string[];
          if (!plural) continue;
          for (const form of forms) if (!has.includes(form)) problems.push(`${locale}/${ns}: "${key}" lacks its "${key}_${form}" form`);
          // i18next also reads `_zero` for a count of 0 in any language.
          for (const form of has) if (form !== 'zero' && !forms.includes(form as Intl.LDMLPluralRule)) problems.push(`${locale}/${ns}: "${key}_${form}" is not a plural form of ${locale}`);
          if (variants[key] !== undefined) problems.push(`${locale}/${ns}: "${key}" is plural in English; write its forms instead of a plain key`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('keep the English placeholders in every text', () => {
    const problems: string[] = [];
    for (const ns of namespaces) {
      const english = byBaseKey(textsOf('en', ns));
      for (const locale of SUPPORTED_LOCALES.filter((l) => l !== 'en')) {
        for (const [key, variants] of byBaseKey(textsOf(locale, ns))) {
          const expected = english.get(key);
          if (!expected) continue;
          const want = placeholders(Object.values(expected));
          const got = placeholders(Object.values(variants));
          // A singular may say "one" instead of {{count}}; every other placeholder must be there.
          const missing = want.filter((p) => !got.includes(p) && p !== 'count');
          const extra = got.filter((p) => !want.includes(p));
          if (missing.length || extra.length) problems.push(`${locale}/${ns}: "${key}" placeholders ${JSON.stringify(got)}, English has ${JSON.stringify(want)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('have no empty text and no leftover English in other locales', () => {
    const problems: string[] = [];
    for (const ns of namespaces) {
      const english = textsOf('en', ns);
      for (const locale of SUPPORTED_LOCALES) {
        for (const [key, text] of Object.entries(textsOf(locale, ns))) {
          if (!text.trim()) problems.push(`${locale}/${ns}: "${key}" is empty`);
          // Long sentences identical to English were not translated (brands and codes are short).
          if (locale !== 'en' && text === english[key] && text.split(' ').length > 3) problems.push(`${locale}/${ns}: "${key}" is still English`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('every English key is used', () => {
  const unused = (ns: string, used: { qualified: Set<string>; bare: Set<string> }) =>
    [...byBaseKey(textsOf('en', ns)).keys()].filter((key) => !used.qualified.has(`${ns}:${key}`) && !used.bare.has(key)).map((key) => `en/${ns}: unused key "${key}"`);

  it('web-* namespaces: by the web app (web/src)', () => {
    const webNamespaces = namespaces.filter((ns) => ns.startsWith('web-'));
    expect(webNamespaces.flatMap((ns) => unused(ns, webKeys))).toEqual([]);
  });

  it('server namespaces: by src/ (statements, pages, ...)', () => {
    const server = namespaces.filter((ns) => !ns.startsWith('web-') && ns !== 'errors');
    expect(server.flatMap((ns) => unused(ns, serverKeys))).toEqual([]);
  });

  it('errors: one text per known error code, no more, no less', () => {
    const keys = [...byBaseKey(textsOf('en', 'errors')).keys()].sort();
    const missing = ERROR_CODES.filter((code) => !keys.includes(code)).map((code) => `en/errors: missing key "${code}"`);
    const extra = keys.filter((key) => !ERROR_CODES.includes(key)).map((key) => `en/errors: unused key "${key}" (not in ERROR_CODES)`);
    expect([...missing, ...extra]).toEqual([]);
  });

  it('src/ throws no error code outside ERROR_CODES', () => {
    // The argument that carries the code, per error class of src/errors.ts.
    const CODE_ARG: Record<string, number> = { DomainError: 0, UnprocessableError: 0, BadRequestError: 1, UnauthorizedError: 1, ForbiddenError: 1, ConflictError: 1 };
    const problems: string[] = [];
    for (const file of serverSources) {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text in CODE_ARG) {
          const arg = node.arguments?.[CODE_ARG[node.expression.text]!];
          if (arg && ts.isStringLiteralLike(arg) && !ERROR_CODES.includes(arg.text)) {
            problems.push(`${relative(ROOT, file)}: code "${arg.text}" is not in ERROR_CODES (src/api/errors.ts)`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(problems).toEqual([]);
  });
});
