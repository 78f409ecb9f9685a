import { and, eq } from 'drizzle-orm';
import { links } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { recordAudit } from '../../core/audit.js';
import { parseInput } from '../../core/validation.js';
import { UnprocessableError } from '../../errors.js';
import { insertWithSlug } from './create.js';
import { InviteLinkInputSchema, type InviteLinkInput } from './input.js';
import { linkSettingsOf } from './settings.js';
import { announceLinkChange, resolveLinkOwner } from './store.js';
import { linkAuditView, linkView, type LinkView } from './views.js';

/**
 * A member's one invite link in a program, created on first request. It has no destination of its
 * own: it follows the program's `links.inviteDestinationUrl`, so the merchant can move every invite
 * link at once. Concurrent first requests all get the same link: the partial unique index
 * `links_one_invite_per_member_uq` lets one insert win and the others find its row.
 */
export async function getOrCreateInviteLink(
  ctx: ServiceContext,
  programId: string,
  raw: InviteLinkInput = {},
  baseUrl = '',
): Promise<{ link: LinkView; created: boolean }> {
  const input = parseInput(InviteLinkInputSchema, raw);
  return withTransaction(ctx, async (tx) => {
    const { program, owner } = await resolveLinkOwner(tx, programId, input.memberId, 'memberId');
    const settings = linkSettingsOf(program);
    if (!settings.inviteDestinationUrl) {
      throw new UnprocessableError('unprocessable', 'This program has no invite destination yet: an admin sets settings.links.inviteDestinationUrl.', {
        field: 'settings.links.inviteDestinationUrl',
      });
    }
    const findExisting = async () =>
      (await tx.db.select().from(links).where(and(eq(links.programId, program.id), eq(links.ownerMemberId, owner.id), eq(links.kind, 'invite'))))[0];
    const existing = await findExisting();
    if (existing) return { link: linkView(existing, baseUrl), created: false };

    const { row, created } = await insertWithSlug(
      tx,
      { programId: program.id, ownerMemberId: owner.id, kind: 'invite', domain: settings.domain, destinationUrl: null },
      undefined,
      findExisting,
    );
    if (created) {
      await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'link.created', entityType: 'link', entityId: row.id, after: linkAuditView(row) });
      announceLinkChange(tx, row);
    }
    return { link: linkView(row, baseUrl), created };
  });
}
