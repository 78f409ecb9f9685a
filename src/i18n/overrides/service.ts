import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import { translationOverrides } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { actorId } from '../../core/auth/actor.js';
import { loadProgramInScope } from '../../core/auth/scope.js';
import { recordAudit } from '../../core/audit.js';
import { parseInput } from '../../core/validation.js';
import { NotFoundError, ValidationError, type FieldIssue } from '../../errors.js';
import type { Locale } from '../locales.js';
import { editableNamespaces, findEditableText, placeholdersOf, type EditableText } from './catalogue.js';
import { OverrideScopeSchema, OverrideTargetSchema, OverrideValueInputSchema, type OverrideScope, type OverrideTarget, type OverrideValueInput } from './input.js';
import { loadOverrideMap } from './load.js';
import { loadEditableCountry } from './scope.js';
import { toOverrideView, type OverrideMap, type OverrideView } from './views.js';

/**
 * Regional managers' translation overrides (issue 7): local copy for one country and language,
 * replacing a shipped text; removing it brings the shipped text back. Every change is audited.
 */

const sameText = (t: ReturnType<typeof parseTarget>) =>
  and(
    eq(translationOverrides.programId, t.programId),
    eq(translationOverrides.country, t.country),
    eq(translationOverrides.locale, t.locale),
    eq(translationOverrides.namespace, t.namespace),
    eq(translationOverrides.key, t.key),
  );

function parseTarget(programId: string, raw: OverrideTarget) {
  return { programId, ...parseInput(OverrideTargetSchema, raw) } as { programId: string; country: string; locale: Locale; namespace: string; key: string };
}

/** The shipped text being overridden; 400 naming `namespace` or `key` when nothing ships under them. */
function shippedTextOf(locale: Locale, namespace: string, key: string): EditableText {
  if (!editableNamespaces().includes(namespace)) {
    throw new ValidationError([{ field: 'namespace', reason: `${namespace} is not a shipped namespace (${editableNamespaces().join(', ')})` }]);
  }
  const text = findEditableText(locale, namespace, key);
  if (!text) throw new ValidationError([{ field: 'key', reason: `${namespace}:${key} is not a shipped text` }]);
  return text;
}

/** The override must interpolate exactly what the shipped text does, no variable more or less. */
function checkPlaceholders(value: string, shipped: string): void {
  const expected = placeholdersOf(shipped);
  const used = placeholdersOf(value);
  const missing = [...expected].filter((p) => !used.has(p));
  const extra = [...used].filter((p) => !expected.has(p));
  if (!missing.length && !extra.length) return;
  const issues: FieldIssue[] = [
    ...missing.map((p) => ({ field: 'value', reason: `is missing the placeholder {{${p}}} of the shipped text` })),
    ...extra.map((p) => ({ field: 'value', reason: `uses the placeholder {{${p}}}, which the shipped text does not provide` })),
  ];
  const allowed = expected.size ? [...expected].map((p) => `{{${p}}}`).join(', ') : 'none';
  throw new ValidationError(issues, `value: must use exactly the placeholders of the shipped text (${allowed})`);
}

/** Sets (creates or replaces) the override of one text; `created` tells which. Writing the same value again changes nothing. */
export async function setTranslationOverride(
  ctx: ServiceContext,
  programId: string,
  rawTarget: OverrideTarget,
  rawInput: OverrideValueInput,
): Promise<{ override: OverrideView; created: boolean }> {
  const target = parseTarget(programId, rawTarget);
  const { value } = parseInput(OverrideValueInputSchema, rawInput);
  return withTransaction(ctx, async (tx) => {
    const program = await loadEditableCountry(tx, programId, target.country);
    const text = shippedTextOf(target.locale, target.namespace, target.key);
    checkPlaceholders(value, text.shipped);

    const [current] = await tx.db.select().from(translationOverrides).where(sameText(target)).for('update');
    if (current && current.value === value) return { override: toOverrideView(current), created: false };
    const updatedBy = actorId(tx.actor);
    const [row] = await tx.db
      .insert(translationOverrides)
      .values({ ...target, value, updatedBy })
      .onConflictDoUpdate({
        target: [translationOverrides.programId, translationOverrides.country, translationOverrides.locale, translationOverrides.namespace, translationOverrides.key],
        set: { value, updatedBy, updatedAt: tx.clock() },
      })
      // xmax = 0 only on a freshly inserted row: tells a create from an update made by a concurrent writer.
      .returning({ ...getTableColumns(translationOverrides), inserted: sql<boolean>`(xmax = 0)` });
    const { inserted, ...written } = row!;
    const after = toOverrideView(written);
    const before = current ? toOverrideView(current) : null;
    await recordAudit(tx, {
      tenantId: program.tenantId,
      programId: program.id,
      action: inserted ? 'translation_override.created' : 'translation_override.updated',
      entityType: 'translation_override',
      entityId: after.id,
      before,
      after,
    });
    return { override: after, created: inserted };
  });
}

/** Removes an override, so the shipped text applies again; 404 when there is none. */
export async function removeTranslationOverride(ctx: ServiceContext, programId: string, rawTarget: OverrideTarget): Promise<OverrideView> {
  const target = parseTarget(programId, rawTarget);
  return withTransaction(ctx, async (tx) => {
    const program = await loadEditableCountry(tx, programId, target.country);
    // No check that the key still ships: an override of a text a release dropped must stay removable.
    const [row] = await tx.db.delete(translationOverrides).where(sameText(target)).returning();
    if (!row) throw new NotFoundError('Translation override', `${target.country}/${target.locale}/${target.namespace}:${target.key}`);
    const before = toOverrideView(row);
    await recordAudit(tx, {
      tenantId: program.tenantId,
      programId: program.id,
      action: 'translation_override.deleted',
      entityType: 'translation_override',
      entityId: row.id,
      before,
      after: null,
    });
    return before;
  });
}

/**
 * A country's overrides in one language, `{ namespace: { key: value } }`, for anyone in the
 * program: the web app lays them over its shipped texts. Not secret, so not scoped by country.
 */
export async function readTranslationOverrides(ctx: ServiceContext, programId: string, raw: OverrideScope): Promise<OverrideMap> {
  const scope = parseInput(OverrideScopeSchema, raw, 'query');
  const program = await loadProgramInScope(ctx, programId);
  return loadOverrideMap(ctx.db, { programId: program.id, ...scope });
}
