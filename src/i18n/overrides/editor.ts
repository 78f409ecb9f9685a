import { and, eq } from 'drizzle-orm';
import { translationOverrides } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { pageLimit, toPage, type Page, type PageInput } from '../../core/pagination.js';
import { parseInput } from '../../core/validation.js';
import { ValidationError } from '../../errors.js';
import type { Locale } from '../locales.js';
import { editableNamespaces, editableTexts } from './catalogue.js';
import { EditableTextQuerySchema, type EditableTextQuery } from './input.js';
import { loadEditableCountry } from './scope.js';
import type { EditableTextView, OverrideRow } from './views.js';

/**
 * The manager's translation editor: every shipped text of a country and language with its English
 * original and the country's override, filtered by namespace and a search over keys and texts.
 * The texts live in files, not rows, so the page is cut here; the cursor is `namespace:key`.
 */
export async function listEditableTexts(ctx: ServiceContext, programId: string, raw: EditableTextQuery & PageInput): Promise<Page<EditableTextView>> {
  const { limit: rawLimit, cursor: rawCursor, ...rest } = raw;
  const query = parseInput(EditableTextQuerySchema, rest, 'query');
  const { limit, fetch, cursor } = pageLimit({ limit: rawLimit, cursor: rawCursor });
  const locale = query.locale as Locale;
  if (query.namespace !== undefined && !editableNamespaces().includes(query.namespace)) {
    throw new ValidationError([{ field: 'query.namespace', reason: `${query.namespace} is not a shipped namespace (${editableNamespaces().join(', ')})` }]);
  }
  const program = await loadEditableCountry(ctx, programId, query.country);

  const t = translationOverrides;
  const rows = await ctx.db
    .select()
    .from(t)
    .where(and(eq(t.programId, program.id), eq(t.country, query.country), eq(t.locale, locale), query.namespace === undefined ? undefined : eq(t.namespace, query.namespace)));
  const overrides = new Map<string, OverrideRow>(rows.map((r) => [`${r.namespace}:${r.key}`, r]));

  const needle = query.q?.toLocaleLowerCase();
  const matches = (v: EditableTextView) =>
    needle === undefined || [v.id, v.shipped, v.english, v.override?.value ?? ''].some((s) => s.toLocaleLowerCase().includes(needle));
  const after = cursor === undefined ? undefined : splitId(cursor);

  const page: EditableTextView[] = [];
  for (const text of editableTexts(locale, query.namespace)) {
    if (after && !isAfter(text, after)) continue;
    const id = `${text.namespace}:${text.key}`;
    const o = overrides.get(id);
    const view: EditableTextView = { id, ...text, override: o ? { id: o.id, value: o.value, updatedBy: o.updatedBy, updatedAt: o.updatedAt } : null };
    if (!matches(view)) continue;
    page.push(view);
    if (page.length === fetch) break;
  }
  return toPage(page, limit);
}

function splitId(id: string): { namespace: string; key: string } {
  const at = id.indexOf(':');
  return at < 0 ? { namespace: id, key: '' } : { namespace: id.slice(0, at), key: id.slice(at + 1) };
}

/** Texts are ordered by namespace, then key (plain code-unit order, as catalogue.ts sorts). */
const isAfter = (t: { namespace: string; key: string }, c: { namespace: string; key: string }) =>
  t.namespace > c.namespace || (t.namespace === c.namespace && t.key > c.key);
