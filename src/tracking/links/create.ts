import type { links } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { recordAudit } from '../../core/audit.js';
import { parseInput } from '../../core/validation.js';
import { ValidationError, type FieldIssue } from '../../errors.js';
import { checkCountryDestinations, checkDestination } from './destination.js';
import { LinkCreateInputSchema, type LinkCreateInput } from './input.js';
import { linkSettingsOf } from './settings.js';
import { customSlugProblem, generateSlug } from './slug.js';
import { announceLinkChange, assertApprovedAffiliate, resolveLinkOwner, slugTaken, tryInsertLink } from './store.js';
import { linkAuditView, linkView, type LinkRow, type LinkView } from './views.js';

/** A clash of 8 random base62 characters is rare; several in a row means something else is wrong. */
const GENERATED_SLUG_ATTEMPTS = 5;

/**
 * Inserts a link under `slug` (custom) or a generated slug, retrying generated ones on a clash.
 * `onClash` may resolve a clash some other way (the existing invite link); undefined means retry.
 */
export async function insertWithSlug(
  ctx: ServiceContext,
  values: Omit<typeof links.$inferInsert, 'slug' | 'customSlug'>,
  slug: string | undefined,
  onClash: () => Promise<LinkRow | undefined> = async () => undefined,
): Promise<{ row: LinkRow; created: boolean }> {
  for (let attempt = 0; attempt < GENERATED_SLUG_ATTEMPTS; attempt++) {
    const row = await tryInsertLink(ctx, { ...values, slug: slug ?? generateSlug(), customSlug: slug !== undefined });
    if (row) return { row, created: true };
    const resolved = await onClash();
    if (resolved) return { row: resolved, created: false };
    if (slug !== undefined) throw slugTaken(slug, values.domain ?? '');
  }
  throw new Error(`no free generated slug after ${GENERATED_SLUG_ATTEMPTS} attempts`);
}

/**
 * Creates an affiliate link. The owner is the calling affiliate, or the approved affiliate that
 * staff or the API key name; the destination and every country override must be on the program's
 * allowed hosts. The link is served on the program's current `links.domain`.
 */
export async function createLink(ctx: ServiceContext, programId: string, raw: LinkCreateInput, baseUrl = ''): Promise<LinkView> {
  const input = parseInput(LinkCreateInputSchema, raw);
  return withTransaction(ctx, async (tx) => {
    const { program, owner } = await resolveLinkOwner(tx, programId, input.ownerMemberId, 'ownerMemberId');
    const settings = linkSettingsOf(program);
    const issues: FieldIssue[] = [];
    const destination = checkDestination(input.destinationUrl, settings.allowedHosts);
    if (!destination.ok) issues.push({ field: 'destinationUrl', reason: destination.reason });
    const countries = checkCountryDestinations(input.countryDestinations ?? {}, settings.allowedHosts);
    issues.push(...countries.issues);
    const slugProblem = input.slug === undefined ? null : customSlugProblem(input.slug);
    if (slugProblem) issues.push({ field: 'slug', reason: slugProblem });
    if (issues.length) throw new ValidationError(issues);
    await assertApprovedAffiliate(tx, owner);

    const { row } = await insertWithSlug(
      tx,
      {
        programId: program.id,
        ownerMemberId: owner.id,
        kind: 'affiliate',
        domain: settings.domain,
        title: input.title ?? null,
        destinationUrl: destination.ok ? destination.url : null,
        countryDestinations: countries.value,
        params: input.params ?? {},
      },
      input.slug,
    );
    await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'link.created', entityType: 'link', entityId: row.id, after: linkAuditView(row) });
    // The slug may have been looked up (and cached as unknown) before it existed.
    announceLinkChange(tx, row);
    return linkView(row, baseUrl);
  });
}
