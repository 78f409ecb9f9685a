import { and, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { notifications } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { ForbiddenError } from '../../errors.js';
import { loadMemberInScope } from '../auth/scope.js';
import { parseInput } from '../validation.js';

export const MarkNotificationsReadInputSchema = z.strictObject({
  ids: z.array(z.string().min(1).max(64)).min(1).max(200).optional().describe('The notifications to mark; all unread ones when left out.'),
});
export type MarkNotificationsReadInput = z.input<typeof MarkNotificationsReadInputSchema>;

/**
 * Marks the caller's own notifications read (all unread ones, or the listed ids). Only the
 * recipient can: staff reading a member's notifications must not make them disappear for them.
 * Marking twice changes nothing.
 */
export async function markNotificationsRead(ctx: ServiceContext, programId: string, memberId: string, raw: MarkNotificationsReadInput): Promise<{ marked: number }> {
  const input = parseInput(MarkNotificationsReadInputSchema, raw ?? {});
  const { member } = await loadMemberInScope(ctx, programId, memberId);
  const actor = ctx.actor;
  if (actor.kind !== 'user' || (actor.role !== 'affiliate' && actor.role !== 'member') || actor.memberId !== member.id) {
    throw new ForbiddenError('Only the recipient marks notifications read.');
  }
  const marked = await ctx.db
    .update(notifications)
    .set({ readAt: ctx.clock() })
    .where(and(eq(notifications.memberId, member.id), isNull(notifications.readAt), input.ids ? inArray(notifications.id, input.ids) : undefined))
    .returning({ id: notifications.id });
  return { marked: marked.length };
}
