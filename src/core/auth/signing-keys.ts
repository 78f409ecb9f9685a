import type { ServiceContext } from '../../context.js';
import { recordAudit } from '../audit.js';
import { assertTenantAdmin } from './scope.js';
import type { TokenService } from './tokens.js';

/**
 * Starts signing access tokens with a fresh key. Tokens signed by the retired key keep verifying
 * until they expire (at most the token TTL after the rotation), so nobody is logged out. Keys are
 * shared by every tenant of the deployment.
 */
export async function rotateSigningKey(ctx: ServiceContext, tokens: TokenService): Promise<{ kid: string; retired: string[] }> {
  const tenantId = assertTenantAdmin(ctx.actor);
  const result = await tokens.rotate();
  await recordAudit(ctx, { tenantId, action: 'signing_key.rotated', entityType: 'signing_key', entityId: result.kid, after: result });
  ctx.logger.info(result, 'signing key rotated');
  return result;
}
