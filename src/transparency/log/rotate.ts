import { withTransaction, type ServiceContext } from '../../context.js';
import { recordAudit } from '../../core/audit.js';
import { assertTenantAdmin } from '../../core/auth/scope.js';
import { LOG_KEY_OVERLAP_DAYS, type LogKeys } from './keys.js';

export interface LogKeyRotation {
  kid: string;
  /** The new key's C2SP vkey, as `GET /log/vkey` will show it. */
  vkey: string;
  retiredKid: string | null;
  /** Until when checkpoints also carry the retired key's signature. */
  overlapUntil: string;
}

/**
 * An administrator starts signing the log with a new key. The key is the deployment's, shared by
 * every tenant, like the access-token keys. The rotation entry, the key change and the audit row
 * commit together; checkpoints are co-signed by the old key for LOG_KEY_OVERLAP_DAYS, so a
 * verifier that pinned it learns the new vkey from the log itself.
 */
export async function rotateLogKey(ctx: ServiceContext, keys: LogKeys): Promise<LogKeyRotation> {
  const tenantId = assertTenantAdmin(ctx.actor);
  const rotation = await withTransaction(ctx, async (tx) => {
    const done = await keys.rotate(tx);
    await recordAudit(tx, { tenantId, action: 'log_key.rotated', entityType: 'signing_key', entityId: done.kid, before: { kid: done.retiredKid }, after: { kid: done.kid, vkey: done.vkey } });
    return done;
  });
  ctx.logger.info({ kid: rotation.kid, retiredKid: rotation.retiredKid }, 'log key rotated');
  const overlapUntil = new Date(ctx.clock().getTime() + LOG_KEY_OVERLAP_DAYS * 86_400_000).toISOString();
  return { ...rotation, overlapUntil };
}
