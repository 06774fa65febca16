import type { Role } from '../users/user.constants';
import type { ComplaintStatus } from './complaint.constants';

/**
 * The resolution workflow of DESIGN §3 as data: who may take which action from which state.
 * Pure, so it can be tested exhaustively; services consult it before touching a row.
 */
export const ACTIONS = ['accept', 'reject', 'escalate', 'respond', 'resolve', 'reopen'] as const;
export type ComplaintAction = (typeof ACTIONS)[number];

/** `system` covers sweeps; `facility_link` is a holder of a one-time response link. */
export type ActorKind = Role | 'system' | 'facility_link';

interface Rule {
  from: readonly ComplaintStatus[];
  to: ComplaintStatus;
  who: readonly ActorKind[];
}

const COUNCIL: readonly ActorKind[] = ['admin', 'kpac_member'];
const FACILITY: readonly ActorKind[] = ['facility_admin', 'facility_link', 'admin'];

export const TRANSITIONS: Record<ComplaintAction, Rule> = {
  accept: { from: ['received'], to: 'in_review', who: COUNCIL },
  reject: { from: ['received'], to: 'rejected', who: COUNCIL },
  // A complaint already escalated may go up another rung (the SLA ladder does this as `system`).
  escalate: { from: ['in_review', 'escalated', 'responded'], to: 'escalated', who: [...COUNCIL, 'system'] },
  respond: { from: ['escalated'], to: 'responded', who: FACILITY },
  resolve: { from: ['in_review', 'escalated', 'responded'], to: 'resolved', who: COUNCIL },
  reopen: { from: ['escalated', 'responded', 'resolved'], to: 'in_review', who: COUNCIL },
};

export type TransitionCheck =
  | { ok: true; to: ComplaintStatus }
  | { ok: false; reason: 'forbidden' | 'invalid_state'; message: string };

export function checkTransition(status: ComplaintStatus, action: ComplaintAction, actor: ActorKind): TransitionCheck {
  const rule = TRANSITIONS[action];
  if (!rule.who.includes(actor)) {
    return { ok: false, reason: 'forbidden', message: `A ${actor} may not ${action} a complaint` };
  }
  if (!rule.from.includes(status)) {
    return {
      ok: false,
      reason: 'invalid_state',
      message: `Cannot ${action} a complaint that is ${status}; allowed from: ${rule.from.join(', ')}`,
    };
  }
  return { ok: true, to: rule.to };
}

/** Actions an actor may take now (for UIs). */
export function allowedActions(status: ComplaintStatus, actor: ActorKind): ComplaintAction[] {
  return ACTIONS.filter((a) => checkTransition(status, a, actor).ok);
}
