export const DELIVERY_STATES = ['queued', 'sent', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const RESPONSE_STATES = ['awaiting', 'responded', 'overdue', 'superseded'] as const;
export type ResponseState = (typeof RESPONSE_STATES)[number];

export const SUMMARY_MAX = 4000;
export const RESPONSE_MAX = 8000;
