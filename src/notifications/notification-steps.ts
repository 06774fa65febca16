/**
 * Every mail the service sends, by step. A step of one subject is sent at most once: the pair
 * (subjectKey, step) is unique, and its Message-ID is derived from it.
 */

/** Mails to a facility about one escalation, in the order they may happen. */
export const FACILITY_STEPS = ['initial', 'reminder1', 'reminder2', 'overdue'] as const;
export type FacilityStep = (typeof FACILITY_STEPS)[number];

/** Notices to a council about one escalation. */
export const COUNCIL_ESCALATION_STEPS = ['council-responded', 'council-overdue', 'council-failed'] as const;
export type CouncilEscalationStep = (typeof COUNCIL_ESCALATION_STEPS)[number];

/** Reminders to a council about its seats: a term ending soon, or seats vacant. */
export const COUNCIL_SEAT_STEPS = ['ends60', 'ends30', 'vacancy'] as const;
export type CouncilSeatStep = (typeof COUNCIL_SEAT_STEPS)[number];

export type MailStep = FacilityStep | CouncilEscalationStep | CouncilSeatStep;

/** The reminders a facility stops getting once its escalation is answered, overdue or superseded. */
export const FACILITY_REMINDERS: FacilityStep[] = ['reminder1', 'reminder2'];

export type MailAudience = 'facility' | 'council';

/** What a mail is about, so the feature that knows the subject composes it. */
export type MailSubject = 'escalation' | 'term' | 'vacancy';

/** BullMQ job id and mail key of a step: `esc-12-initial`, `term-7-ends60`. */
export const sendKey = (subjectKey: string, step: MailStep) => `${subjectKey}-${step}`;

export const escalationKey = (escalationId: number) => `esc-${escalationId}`;

/** A mail that must go out exactly once, not before `dueAt`. */
export interface NewSend {
  subjectKey: string;
  step: MailStep;
  audience: MailAudience;
  escalationId?: number | null;
  councilId?: number | null;
  termId?: number | null;
  dueAt: Date;
}
