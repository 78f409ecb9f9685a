import { z } from '@hono/zod-openapi';
import { and, asc, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import { customFieldDefinitions, members } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../errors.js';
import { recordAudit } from '../audit.js';
import { assertStaff, loadProgramInScope } from '../auth/scope.js';
import { coerceCustomFieldValue, type CustomFieldDefinition } from './custom-fields.js';
import { customFieldDefinitionView, type CustomFieldDefinitionView } from './views.js';

export const CUSTOM_FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'enum'] as const;

export const CustomFieldKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 63 characters)')
  .openapi({ example: 'shoe_size' });

const LabelSchema = z.string().trim().min(1).max(200).openapi({ example: 'Shoe size' });
const EnumValuesSchema = z.array(z.string().trim().min(1).max(100)).min(1).max(500).openapi({ example: ['S', 'M', 'L'] });

export const CustomFieldCreateInputSchema = z
  .strictObject({ key: CustomFieldKeySchema, label: LabelSchema, type: z.enum(CUSTOM_FIELD_TYPES), required: z.boolean().optional(), enumValues: EnumValuesSchema.optional() })
  .openapi('CustomFieldCreateInput');

export const CustomFieldUpdateInputSchema = z
  .strictObject({ label: LabelSchema.optional(), type: z.enum(CUSTOM_FIELD_TYPES).optional(), required: z.boolean().optional(), enumValues: EnumValuesSchema.nullish() })
  .openapi('CustomFieldUpdateInput');

export type CustomFieldCreateInput = z.infer<typeof CustomFieldCreateInputSchema>;
export type CustomFieldUpdateInput = z.infer<typeof CustomFieldUpdateInputSchema>;

type Shape = Pick<CustomFieldDefinition, 'key' | 'type' | 'required' | 'enumValues'>;

/**
 * Serialises custom field definition changes against member writes in one program: member writes
 * hold the lock shared while they validate, a definition change holds it exclusively while it
 * checks stored values, so neither can slip past the other. An advisory lock keeps this off rows
 * other domains lock.
 */
export async function lockCustomFieldDefinitions(db: Db, programId: string, mode: 'shared' | 'exclusive'): Promise<void> {
  const key = `custom_fields:${programId}`;
  if (mode === 'shared') await db.execute(sql`select pg_advisory_xact_lock_shared(hashtext(${key}))`);
  else await db.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
}

/** The program's definitions, read under the shared lock; call inside the member write's transaction. */
export async function loadCustomFieldDefinitions(db: Db, programId: string): Promise<CustomFieldDefinition[]> {
  await lockCustomFieldDefinitions(db, programId, 'shared');
  return await db.select().from(customFieldDefinitions).where(eq(customFieldDefinitions.programId, programId)).orderBy(asc(customFieldDefinitions.key));
}

export async function listCustomFieldDefinitions(ctx: ServiceContext, programId: string): Promise<CustomFieldDefinitionView[]> {
  const program = await loadProgramInScope(ctx, programId);
  assertStaff(ctx.actor);
  const rows = await ctx.db.select().from(customFieldDefinitions).where(eq(customFieldDefinitions.programId, program.id)).orderBy(asc(customFieldDefinitions.key));
  return rows.map(customFieldDefinitionView);
}

function assertDefinitionShape(def: Shape): void {
  const issues: FieldIssue[] = [];
  if (def.type === 'enum' && !def.enumValues?.length) issues.push({ field: 'enumValues', reason: 'is required for enum fields' });
  if (def.type !== 'enum' && def.enumValues?.length) issues.push({ field: 'enumValues', reason: 'is only allowed for enum fields' });
  if (def.enumValues && new Set(def.enumValues).size !== def.enumValues.length) issues.push({ field: 'enumValues', reason: 'must not repeat a value' });
  if (issues.length) throw new ValidationError(issues);
}

/**
 * Checks every stored value against a new or changed definition. Values that only change form
 * (the text "42" becoming the number 42) are rewritten; values that cannot fit, or members missing
 * a newly required field, refuse the change with counts, so no stored data becomes silently invalid.
 */
async function reconcileStoredValues(db: Db, programId: string, def: Shape): Promise<void> {
  // Read as text: the drivers disagree on whether raw jsonb results arrive parsed.
  const stored = await queryRows<{ id: string; value: string }>(
    db,
    sql`select ${members.id} as id, (${members.customFields} -> ${def.key})::text as value from ${members}
        where ${members.programId} = ${programId} and ${members.customFields} -> ${def.key} is not null`,
  );
  const rewrites: { id: string; value: unknown }[] = [];
  let incompatibleValues = 0;
  for (const row of stored) {
    const current: unknown = JSON.parse(row.value);
    const coerced = coerceCustomFieldValue(def, current);
    if (!coerced.ok) incompatibleValues++;
    else if (JSON.stringify(coerced.value) !== JSON.stringify(current)) rewrites.push({ id: row.id, value: coerced.value });
  }
  let missingValues = 0;
  if (def.required) {
    const [row] = await queryRows<{ n: number | string }>(
      db,
      sql`select count(*) as n from ${members} where ${members.programId} = ${programId} and ${members.customFields} -> ${def.key} is null`,
    );
    missingValues = Number(row?.n ?? 0);
  }
  if (incompatibleValues || missingValues) {
    const parts = [
      incompatibleValues ? `${incompatibleValues} member(s) hold values that do not fit` : '',
      missingValues ? `${missingValues} member(s) have no value for a required field` : '',
    ].filter(Boolean);
    throw new ConflictError(`Custom field ${def.key}: ${parts.join('; ')}.`, 'conflict', { key: def.key, incompatibleValues, missingValues });
  }
  for (const r of rewrites) {
    await db
      .update(members)
      .set({ customFields: sql`jsonb_set(${members.customFields}, array[${def.key}::text], ${JSON.stringify(r.value)}::jsonb)` })
      .where(eq(members.id, r.id));
  }
}

export async function createCustomFieldDefinition(ctx: ServiceContext, programId: string, input: CustomFieldCreateInput): Promise<CustomFieldDefinitionView> {
  return await withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, programId);
    assertStaff(tx.actor);
    const def = { key: input.key, label: input.label, type: input.type, required: input.required ?? false, enumValues: input.enumValues ?? null };
    assertDefinitionShape(def);
    await lockCustomFieldDefinitions(tx.db, program.id, 'exclusive');
    const [existing] = await tx.db
      .select({ id: customFieldDefinitions.id })
      .from(customFieldDefinitions)
      .where(and(eq(customFieldDefinitions.programId, program.id), eq(customFieldDefinitions.key, def.key)));
    if (existing) throw new ConflictError(`Custom field ${def.key} already exists.`, 'conflict', { field: 'key' });
    await reconcileStoredValues(tx.db, program.id, def);
    const [row] = await tx.db.insert(customFieldDefinitions).values({ ...def, programId: program.id }).returning();
    const view = customFieldDefinitionView(row!);
    await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'custom_field.created', entityType: 'custom_field', entityId: row!.id, after: view });
    return view;
  });
}

async function loadDefinitionForUpdate(db: Db, programId: string, key: string): Promise<CustomFieldDefinition> {
  const [row] = await db
    .select()
    .from(customFieldDefinitions)
    .where(and(eq(customFieldDefinitions.programId, programId), eq(customFieldDefinitions.key, key)))
    .for('update');
  if (!row) throw new NotFoundError('Custom field', key);
  return row;
}

export async function updateCustomFieldDefinition(
  ctx: ServiceContext,
  programId: string,
  key: string,
  input: CustomFieldUpdateInput,
): Promise<CustomFieldDefinitionView> {
  return await withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, programId);
    assertStaff(tx.actor);
    await lockCustomFieldDefinitions(tx.db, program.id, 'exclusive');
    const before = await loadDefinitionForUpdate(tx.db, program.id, key);
    const type = input.type ?? before.type;
    // Leaving enum drops its values unless the caller sent new ones (which assertDefinitionShape refuses).
    const enumValues = input.enumValues !== undefined ? input.enumValues : type === 'enum' ? before.enumValues : null;
    const next = { key, label: input.label ?? before.label, type, required: input.required ?? before.required, enumValues };
    assertDefinitionShape(next);
    await reconcileStoredValues(tx.db, program.id, next);
    const [row] = await tx.db
      .update(customFieldDefinitions)
      .set({ label: next.label, type: next.type, required: next.required, enumValues: next.enumValues })
      .where(eq(customFieldDefinitions.id, before.id))
      .returning();
    const view = customFieldDefinitionView(row!);
    await recordAudit(tx, {
      tenantId: program.tenantId,
      programId: program.id,
      action: 'custom_field.updated',
      entityType: 'custom_field',
      entityId: before.id,
      before: customFieldDefinitionView(before),
      after: view,
    });
    return view;
  });
}

/** Deletes a definition and the values members hold for it; returns how many values were cleared. */
export async function deleteCustomFieldDefinition(ctx: ServiceContext, programId: string, key: string): Promise<{ key: string; clearedValues: number }> {
  return await withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, programId);
    assertStaff(tx.actor);
    await lockCustomFieldDefinitions(tx.db, program.id, 'exclusive');
    const before = await loadDefinitionForUpdate(tx.db, program.id, key);
    const cleared = await tx.db
      .update(members)
      .set({ customFields: sql`${members.customFields} - ${key}::text` })
      .where(and(eq(members.programId, program.id), sql`${members.customFields} -> ${key} is not null`))
      .returning({ id: members.id });
    await tx.db.delete(customFieldDefinitions).where(eq(customFieldDefinitions.id, before.id));
    await recordAudit(tx, {
      tenantId: program.tenantId,
      programId: program.id,
      action: 'custom_field.deleted',
      entityType: 'custom_field',
      entityId: before.id,
      before: { ...customFieldDefinitionView(before), clearedValues: cleared.length },
    });
    return { key, clearedValues: cleared.length };
  });
}
