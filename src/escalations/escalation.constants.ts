export const DELIVERY_STATES = ['queued', 'sent', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const RESPONSE_STATES = ['awaiting', 'responded', 'overdue', 'superseded'] as const;
export type ResponseState = (typeof RESPONSE_STATES)[number];

/** Mails to the facility for one escalation, in the order they may happen. */
export const FACILITY_STEPS = ['initial', 'reminder1', 'reminder2', 'overdue'] as const;
export type FacilityStep = (typeof FACILITY_STEPS)[number];

/** Notices to the council about one escalation. */
export const COUNCIL_ESCALATION_STEPS = ['council-responded', 'council-overdue', 'council-failed'] as const;
export type CouncilEscalationStep = (typeof COUNCIL_ESCALATION_STEPS)[number];

export const SUMMARY_MAX = 4000;
export const RESPONSE_MAX = 8000;
