import { Actor } from '../auth/actor';
import { notFound } from '../common/domain-errors';
import { Complaint } from './complaint.entity';

/** Admins see every city; a council member only their council's city; nobody else any complaint. */
export function canSeeComplaint(actor: Actor, complaint: Pick<Complaint, 'cityId'>): boolean {
  if (actor.kind === 'admin') return true;
  if (actor.kind === 'kpac_member') return actor.cityId !== undefined && complaint.cityId === actor.cityId;
  return false;
}

/** Out of scope answers exactly like missing, so ids reveal nothing. */
export function assertInScope(actor: Actor, complaint: Complaint | null): Complaint {
  if (!complaint || !canSeeComplaint(actor, complaint)) throw notFound('Complaint');
  return complaint;
}
