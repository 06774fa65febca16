import type { Actor } from '../auth/actor';
import { DomainError, forbidden, notFound } from '../common/domain-errors';

/**
 * The one access policy: every scope question of every service and page is answered here, by
 * pure functions of the actor and the record. Out of scope answers exactly like missing (404), so
 * ids reveal nothing about other cities' or facilities' records.
 *
 * - admin: national scope.
 * - kpac_member: complaints, escalations, council and facilities of their council's city (plus
 *   authorities, to read the ladder); escalates only to their city's facilities, never to police.
 * - facility_admin: their facility and the escalations addressed to it, never a complaint itself.
 */

type ComplaintScoped = { cityId: number };
type FacilityScoped = { id: number; cityId: number; type: string };
type EscalationScoped = { cityId: number; facilityId: number };

/** Facility types that never receive a complainant's identity (DESIGN §4). */
export const NO_IDENTITY_TYPES: readonly string[] = ['law_enforcement', 'authority'];

const isMember = (a: Actor): a is Actor & { cityId: number } => a.kind === 'kpac_member' && a.cityId !== undefined;

export function canSeeComplaint(actor: Actor, complaint: ComplaintScoped): boolean {
  if (actor.kind === 'admin') return true;
  return isMember(actor) && complaint.cityId === actor.cityId;
}

/** The complaint, or the same 404 as a missing one. */
export function assertComplaintVisible<T extends ComplaintScoped>(actor: Actor, complaint: T | null): T {
  if (!complaint || !canSeeComplaint(actor, complaint)) throw notFound('Complaint');
  return complaint;
}

/** Staff intake: a member enters complaints of their own city only. */
export function assertMayEnterComplaintFor(actor: Actor, cityId: number): void {
  if (actor.kind === 'admin') return;
  if (isMember(actor) && actor.cityId === cityId) return;
  throw forbidden("You may enter complaints only for your council's city");
}

/**
 * Printing complaint-box slips (issue 15): an admin for any city, a member for their council's
 * city. Another city answers like a missing one.
 */
export function canIssueSlipsFor(actor: Actor, cityId: number): boolean {
  return actor.kind === 'admin' || (isMember(actor) && actor.cityId === cityId);
}

export function assertMayIssueSlipsFor(actor: Actor, cityId: number): void {
  if (!canIssueSlipsFor(actor, cityId)) throw notFound('City');
}

/** Staff intake binding a slip: the slip's city must be one the actor may enter complaints for; otherwise it is unknown. */
export function canUseSlip(actor: Actor, slip: { cityId: number }, cityId: number): boolean {
  if (slip.cityId !== cityId) return false;
  return actor.kind === 'admin' || (isMember(actor) && actor.cityId === slip.cityId);
}

/** Filter a complaint list is held to; null: no complaint at all (other roles). */
export function complaintListScope(actor: Actor): { cityId?: number } | null {
  if (actor.kind === 'admin') return {};
  if (isMember(actor)) return { cityId: actor.cityId };
  return null;
}

export function canSeeFacility(actor: Actor, facility: FacilityScoped): boolean {
  if (actor.kind === 'admin') return true;
  // Members read the authorities too: the ladder above their city's facilities often leads to a national body.
  if (isMember(actor)) return facility.cityId === actor.cityId || facility.type === 'authority';
  if (actor.kind === 'facility_admin') return facility.id === actor.facilityId;
  return false;
}

export function assertFacilityVisible<T extends FacilityScoped>(actor: Actor, facility: T | null): T {
  if (!facility || !canSeeFacility(actor, facility)) throw notFound('Facility');
  return facility;
}

/** Filter a facility list is held to; null: none. */
export function facilityListScope(actor: Actor): { cityOrAuthority?: number; facilityId?: number } | null {
  if (actor.kind === 'admin') return {};
  if (isMember(actor)) return { cityOrAuthority: actor.cityId };
  if (actor.kind === 'facility_admin' && actor.facilityId !== undefined) return { facilityId: actor.facilityId };
  return null;
}

/**
 * Where a complaint may be escalated by this actor. A member: a facility of their council's city
 * (the complaint's city, since they only see those), never law enforcement. An admin: anywhere.
 * The SLA ladder (system) follows the parent chain the admins set up.
 */
export function canEscalateTo(actor: Actor, complaint: ComplaintScoped, facility: FacilityScoped): boolean {
  if (actor.kind === 'admin' || actor.kind === 'system') return true;
  if (!isMember(actor) || !canSeeComplaint(actor, complaint)) return false;
  return facility.cityId === actor.cityId && facility.type !== 'law_enforcement';
}

export function assertMayEscalateTo<T extends FacilityScoped>(actor: Actor, complaint: ComplaintScoped, facility: T | null): T {
  if (!facility || !canEscalateTo(actor, complaint, facility)) throw notFound('Facility');
  return facility;
}

/**
 * Whether an escalation carries the complainant's identity and contact: only with their consent,
 * only to the facility they named, only on the first rung, and never to police or an authority.
 */
export function mayDiscloseIdentity(
  complaint: { facilityId: number | null; discloseIdentityToFacility: boolean },
  facility: { id: number; type: string },
  rung: number,
): boolean {
  return complaint.discloseIdentityToFacility && complaint.facilityId === facility.id && rung === 1 && !NO_IDENTITY_TYPES.includes(facility.type);
}

export function canSeeEscalation(actor: Actor, escalation: EscalationScoped): boolean {
  if (actor.kind === 'admin') return true;
  if (isMember(actor)) return escalation.cityId === actor.cityId;
  if (actor.kind === 'facility_admin') return escalation.facilityId === actor.facilityId;
  return false;
}

export function assertEscalationVisible<T extends EscalationScoped>(actor: Actor, escalation: T | null): T {
  if (!escalation || !canSeeEscalation(actor, escalation)) throw notFound('Escalation');
  return escalation;
}

/** Who may answer an escalation through an account: its facility's administrators, or an admin. */
export function assertMayRespond<T extends EscalationScoped>(actor: Actor, escalation: T | null): T {
  const ok = escalation && (actor.kind === 'admin' || (actor.kind === 'facility_admin' && actor.facilityId === escalation.facilityId));
  if (!ok) throw notFound('Escalation');
  return escalation;
}

/** Filter an escalation list is held to; null: none. */
export function escalationListScope(actor: Actor): { cityId?: number; facilityId?: number } | null {
  if (actor.kind === 'admin') return {};
  if (isMember(actor)) return { cityId: actor.cityId };
  if (actor.kind === 'facility_admin' && actor.facilityId !== undefined) return { facilityId: actor.facilityId };
  return null;
}

/**
 * Which mail steps of an escalation an actor may read. A facility sees only the mails addressed
 * to it; council notices go to council members, whose addresses are theirs alone.
 */
export function canSeeMailStep(actor: Actor, step: { audience: string }): boolean {
  if (actor.kind === 'admin' || isMember(actor)) return true;
  return actor.kind === 'facility_admin' && step.audience === 'facility';
}

export function canSeeCouncil(actor: Actor, councilId: number): boolean {
  if (actor.kind === 'admin') return true;
  return actor.kind === 'kpac_member' && actor.councilId === councilId;
}

export function assertCouncilVisible(actor: Actor, councilId: number, what = 'Council'): void {
  if (!canSeeCouncil(actor, councilId)) throw notFound(what);
}

/** Who seats members, ends terms and records trainings: the network coordinators. */
export function canManageCouncils(actor: Actor): boolean {
  return actor.kind === 'admin';
}

/** Filter a council or city list is held to. */
export function councilListScope(actor: Actor): { councilId?: number; cityId?: number } {
  if (actor.kind === 'kpac_member') return { councilId: actor.councilId ?? -1, cityId: actor.cityId ?? -1 };
  return {};
}

/**
 * Revealing contact details. The complainant's `mayContact` is the permission: without it a
 * member may not reveal them at all, and an admin only with a written reason (audited).
 */
export function contactRevealAccess(actor: Actor, complaint: ComplaintScoped & { mayContact: boolean }): 'allowed' | 'with_reason' | 'refused' {
  if (!canSeeComplaint(actor, complaint)) return 'refused';
  if (complaint.mayContact) return 'allowed';
  return actor.kind === 'admin' ? 'with_reason' : 'refused';
}

export function contactRevealRule(actor: Actor, complaint: ComplaintScoped & { mayContact: boolean }, reason: string | undefined): void {
  assertComplaintVisible(actor, complaint);
  const access = contactRevealAccess(actor, complaint);
  if (access === 'allowed') return;
  if (access === 'refused') {
    throw forbidden('The complainant did not allow being contacted; only a network coordinator can reveal these details, with a written reason');
  }
  if (!reason || reason.trim().length < 10) {
    throw new DomainError('VALIDATION', 'reason is required (at least 10 characters): the complainant did not allow being contacted, so say why the details must be revealed');
  }
}

/** What one viewer of statistics may see: forced filters and the suppression threshold (null = none). */
export interface StatsScope {
  cityId: number | null;
  facilityId: number | null;
  minCell: number | null;
  /**
   * Periods widen to whole calendar months (first of the month of `from` to the last of the month
   * of `to`), so two overlapping windows cannot be differenced down to a day's complaints.
   */
  wholeMonths: boolean;
}

/** Profile groupings a facility must never see: they describe the people who complained about it. */
export const PROFILE_GROUPINGS: readonly string[] = ['keyPopulation', 'gender', 'ageGroup'];

/**
 * Admins see everything unsuppressed, for any period. Everyone else gets groups and cells below
 * `minCell` suppressed and whole-month periods. A member is held to their council's city and a
 * facility admin to their facility; asking for another one explicitly is a 403 rather than
 * silently answering for a different scope than the one requested. A facility admin may not group
 * by a profile attribute at all.
 */
export function statsScope(actor: Actor, query: { city?: number; facility?: number; groupBy?: string }, minCell: number): StatsScope {
  switch (actor.kind) {
    case 'admin':
      return { cityId: query.city ?? null, facilityId: query.facility ?? null, minCell: null, wholeMonths: false };
    case 'kpac_member':
      if (!actor.cityId) throw forbidden('Your account is not linked to a council');
      if (query.city !== undefined && query.city !== actor.cityId) throw forbidden('KPAC members see statistics of their own city only');
      return { cityId: actor.cityId, facilityId: query.facility ?? null, minCell, wholeMonths: true };
    case 'facility_admin':
      if (!actor.facilityId) throw forbidden('Your account is not linked to a facility');
      if (query.facility !== undefined && query.facility !== actor.facilityId) throw forbidden('Facility administrators see statistics of their own facility only');
      if (query.groupBy && PROFILE_GROUPINGS.includes(query.groupBy)) {
        throw forbidden(`Facility administrators cannot group statistics by ${query.groupBy}: it would describe the people who complained`);
      }
      return { cityId: query.city ?? null, facilityId: actor.facilityId, minCell, wholeMonths: true };
    default:
      throw forbidden();
  }
}

/** Council statistics (seats, turnover) are for councils and coordinators. */
export function assertMaySeeCouncilStats(actor: Actor): void {
  if (actor.kind === 'facility_admin') throw forbidden('Council statistics are for council members and coordinators');
}
