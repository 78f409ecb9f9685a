import { auditLog } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { actorId } from './auth/actor.js';

/** Appends an audit row; call it inside the transaction that makes the change. */
export async function recordAudit(
  ctx: ServiceContext,
  entry: {
    tenantId: string;
    programId?: string | null;
    action: string;
    entityType: string;
    entityId: string;
    before?: unknown;
    after?: unknown;
  },
): Promise<void> {
  await ctx.db.insert(auditLog).values({
    tenantId: entry.tenantId,
    programId: entry.programId ?? null,
    actorType: ctx.actor.kind === 'user' ? ctx.actor.role : ctx.actor.kind,
    actorId: actorId(ctx.actor),
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: (entry.before ?? null) as object | null,
    after: (entry.after ?? null) as object | null,
    requestId: ctx.requestId ?? null,
  });
}
