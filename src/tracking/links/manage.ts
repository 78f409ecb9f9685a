import { eq } from 'drizzle-orm';
import { isUniqueViolation } from '../../../db/errors.js';
import { links } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { recordAudit } from '../../core/audit.js';
import { parseInput } from '../../core/validation.js';
import { UnprocessableError, ValidationError, type FieldIssue } from '../../errors.js';
import { checkCountryDestinations, checkDestination } from './destination.js';
import { LinkUpdateInputSchema, type LinkUpdateInput } from './input.js';
import { linkSettingsOf, type LinkSettings } from './settings.js';
import { customSlugProblem } from './slug.js';
import { announceLinkChange, loadLinkInScope, slugTaken } from './store.js';
import { linkAuditView, linkView, type LinkRow, type LinkView } from './views.js';

type LinkChanges = Partial<Pick<LinkRow, 'destinationUrl' | 'slug' | 'customSlug' | 'title' | 'countryDestinations' | 'params'>>;

export async function getLink(ctx: ServiceContext, linkId: string, baseUrl = ''): Promise<LinkView> {
  return linkView((await loadLinkInScope(ctx, linkId)).link, baseUrl);
}

/** The update as column values, every field checked the way creation checks it; issues name each field. */
function plannedChanges(link: LinkRow, input: LinkUpdateInput, settings: LinkSettings): LinkChanges {
  const issues: FieldIssue[] = [];
  const changes: LinkChanges = {};
  if (input.destinationUrl !== undefined) {
    if (link.kind === 'invite') {
      issues.push({ field: 'destinationUrl', reason: "an invite link follows the program's inviteDestinationUrl and has none of its own" });
    } else {
      const check = checkDestination(input.destinationUrl, settings.allowedHosts);
      if (check.ok) changes.destinationUrl = check.url;
      else issues.push({ field: 'destinationUrl', reason: check.reason });
    }
  }
  if (input.countryDestinations !== undefined) {
    const countries = checkCountryDestinations(input.countryDestinations, settings.allowedHosts);
    issues.push(...countries.issues);
    changes.countryDestinations = countries.value;
  }
  if (input.slug !== undefined && input.slug !== link.slug) {
    const problem = customSlugProblem(input.slug);
    if (problem) issues.push({ field: 'slug', reason: problem });
    changes.slug = input.slug;
    changes.customSlug = true;
  }
  if (input.title !== undefined) changes.title = input.title;
  if (input.params !== undefined) changes.params = input.params as Record<string, string>;
  if (issues.length) throw new ValidationError(issues);
  // Keep only real changes, so an idempotent PATCH neither audits nor drops caches.
  const current = link as Record<string, unknown>;
  return Object.fromEntries(Object.entries(changes).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(current[key]))) as LinkChanges;
}

/**
 * Changes a link's destination, country overrides, parameters, title or slug (which becomes a
 * custom slug). The link keeps its domain. Both the old and the new slug are announced, so no
 * process keeps redirecting the old one.
 */
export async function updateLink(ctx: ServiceContext, linkId: string, raw: LinkUpdateInput, baseUrl = ''): Promise<LinkView> {
  const input = parseInput(LinkUpdateInputSchema, raw);
  return withTransaction(ctx, async (tx) => {
    const { link, program } = await loadLinkInScope(tx, linkId, { forUpdate: true });
    const changes = plannedChanges(link, input, linkSettingsOf(program));
    if (Object.keys(changes).length === 0) return linkView(link, baseUrl);
    let row: LinkRow;
    try {
      [row] = (await tx.db.update(links).set(changes).where(eq(links.id, link.id)).returning()) as [LinkRow];
    } catch (err) {
      if (isUniqueViolation(err, 'links_domain_slug_uq')) throw slugTaken(changes.slug!, link.domain);
      throw err;
    }
    const before = linkAuditView(link) as Record<string, unknown>;
    const after = linkAuditView(row) as Record<string, unknown>;
    const changed = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    await recordAudit(tx, {
      tenantId: program.tenantId,
      programId: program.id,
      action: 'link.updated',
      entityType: 'link',
      entityId: link.id,
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, after[k]])),
    });
    announceLinkChange(tx, link);
    if (row.slug !== link.slug) announceLinkChange(tx, row);
    return linkView(row, baseUrl);
  });
}

/**
 * Archives a link: its redirect then sends visitors to the program's fallback URL. Archiving an
 * archived link changes nothing.
 */
export async function archiveLink(ctx: ServiceContext, linkId: string, baseUrl = ''): Promise<LinkView> {
  return setStatus(ctx, linkId, 'archived', baseUrl);
}

/**
 * Brings an archived link back, if it could be created today: its destination must still be on
 * the program's allowed hosts (they may have narrowed since), otherwise the redirect would refuse it.
 */
export async function restoreLink(ctx: ServiceContext, linkId: string, baseUrl = ''): Promise<LinkView> {
  return setStatus(ctx, linkId, 'active', baseUrl);
}

async function setStatus(ctx: ServiceContext, linkId: string, status: 'active' | 'archived', baseUrl: string): Promise<LinkView> {
  return withTransaction(ctx, async (tx) => {
    const { link, program } = await loadLinkInScope(tx, linkId, { forUpdate: true });
    if (link.status === status) return linkView(link, baseUrl);
    if (status === 'active') assertStillAllowed(link, linkSettingsOf(program));
    const archivedAt = status === 'archived' ? tx.clock() : null;
    const [row] = (await tx.db.update(links).set({ status, archivedAt }).where(eq(links.id, link.id)).returning()) as [LinkRow];
    await recordAudit(tx, {
      tenantId: program.tenantId,
      programId: program.id,
      action: status === 'archived' ? 'link.archived' : 'link.restored',
      entityType: 'link',
      entityId: link.id,
      before: { status: link.status },
      after: { status: row.status },
    });
    announceLinkChange(tx, row);
    return linkView(row, baseUrl);
  });
}

function assertStillAllowed(link: LinkRow, settings: LinkSettings): void {
  const destination = link.kind === 'invite' ? settings.inviteDestinationUrl : link.destinationUrl;
  const field = link.kind === 'invite' ? 'settings.links.inviteDestinationUrl' : 'destinationUrl';
  const check = destination ? checkDestination(destination, settings.allowedHosts) : { ok: false as const, reason: 'is not set' };
  if (!check.ok) {
    throw new UnprocessableError('unprocessable', `The link cannot be restored while its destination ${check.reason}.`, { field });
  }
}
