import type { Actor } from './actor.js';

/**
 * Which staff user did something is for staff to know. Affiliates and members read records that
 * staff wrote (points adjustments, commission decisions, manual payouts, affiliate approvals); to
 * them an action by staff names the role "staff", never the user: a staff user id is a target
 * (a forged token names one) and tells partners who reviews them. Every view that shows who acted
 * takes its reader and goes through actorSeenBy, so no view can forget.
 */

/** How a record names who acted: the actor's kind or role (`admin`, `api_key`, `system`...) and id. */
export interface ActorRef {
  type: string;
  id: string | null;
}

/** Admins, regional managers, merchant servers (API keys) and jobs see who acted; affiliates and members do not. */
export function seesStaffIdentities(reader: Actor): boolean {
  return reader.kind !== 'user' || reader.role === 'admin' || reader.role === 'regional_manager';
}

/**
 * Who acted, as `reader` may see it. A partner reader sees an admin or regional manager as
 * `{ type: 'staff', id: null }`, other actors by their kind without an id, and only their own
 * user id.
 */
export function actorSeenBy(reader: Actor, acted: ActorRef): ActorRef {
  if (seesStaffIdentities(reader)) return acted;
  const type = acted.type === 'admin' || acted.type === 'regional_manager' ? 'staff' : acted.type;
  const own = reader.kind === 'user' && acted.id !== null && acted.id === reader.userId;
  return { type, id: own ? acted.id : null };
}

/** A column that holds the staff user who acted (decidedBy, paidBy), as `reader` may see it: null for partners. */
export function staffUserSeenBy(reader: Actor, staffUserId: string | null): string | null {
  return actorSeenBy(reader, { type: 'staff', id: staffUserId }).id;
}
