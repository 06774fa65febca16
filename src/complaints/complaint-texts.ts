import type { ComplaintStatus, DeclineReason, Outcome } from './complaint.constants';

/** Plain words for the person who complained; no codes, no staff names. */
export const STATUS_TEXT: Record<ComplaintStatus, string> = {
  received: 'Received. The council will look at it soon.',
  in_review: 'The council is working on your complaint.',
  escalated: 'The council has taken your complaint to the facility and is waiting for its answer.',
  responded: 'The facility has answered; the council is following up.',
  resolved: 'The council has finished working on your complaint.',
  rejected: 'The council closed this complaint without action (a duplicate, not a real complaint, or outside what the council can act on).',
};

/** REAct reaction statuses in the words of the REAct reports. */
export const OUTCOME_TEXT: Record<Outcome, string> = {
  resolved_positive: 'Resolved positively for you.',
  resolved_partial: 'Partly resolved: some of what was needed was done, some was not.',
  resolved_negative: 'Everything possible was done, but the result was not in your favour.',
  unresolved_no_assistance: 'Not resolved: no help could be provided.',
  unresolved_lost_contact: 'Not resolved: the council lost contact with you.',
  unresolved_client_deceased: 'Not resolved: the person concerned has passed away.',
  unresolved_client_declined: 'Not resolved: you chose not to take the case further.',
  no_resolution_required: 'No action was needed.',
};

export const DECLINE_REASON_TEXT: Record<DeclineReason, string> = {
  fears_for_safety: 'Worried about their life and safety',
  distrusts_police: 'Afraid of or does not trust the police',
  self_stigma: 'Deep self-stigma',
  fears_sogi_disclosure: 'Does not want to disclose sexual orientation or gender identity',
  fears_hiv_disclosure: 'Does not want to disclose HIV status',
  not_worth_effort: 'Does not want to spend the time and effort',
  no_faith_in_outcome: 'Does not believe in a positive outcome',
  other: 'Other',
};

const EVENT_TEXT: Record<string, string> = {
  submitted: 'Your complaint was received.',
  accepted: 'The council accepted your complaint for review.',
  rejected: 'The council closed your complaint without action.',
  escalated: 'The council took your complaint to the facility.',
  responded: 'The facility answered.',
  overdue: 'The facility did not answer in time; the council is following up.',
  resolved: 'The council recorded an outcome.',
  reopened: 'The council reopened your complaint to work on it further.',
  confirmed: 'You confirmed it was resolved for you.',
  disputed: 'You said it was not resolved for you.',
};

/** Text of a timeline entry; an outcome named in the entry's data is spelled out. */
export function eventText(type: string, data: Record<string, any> | null): string {
  const base = EVENT_TEXT[type] ?? 'The council updated your complaint.';
  const outcome = data?.outcome as Outcome | undefined;
  if (type === 'resolved' && outcome && OUTCOME_TEXT[outcome]) return `${base} ${OUTCOME_TEXT[outcome]}`;
  return base;
}
