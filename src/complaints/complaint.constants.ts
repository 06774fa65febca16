/** Vocabularies from DESIGN §2–§3 and the REAct Tajikistan tables (seeds/react-tajikistan-2023-h1.txt). */

export const CHANNELS = ['web', 'paper_form', 'hotline', 'outreach', 'other', 'telegram'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CATEGORIES = [
  'opening_hours',
  'waiting_time',
  'staff_attitude',
  'denial_of_service',
  'confidentiality_breach',
  'medication_stockout',
  'quality_of_care',
  'police_interference',
  'informal_payment',
  'violence_or_abuse',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const KEY_POPULATIONS = [
  'plhiv',
  'affected_by_tb',
  'former_prisoner',
  'people_who_use_drugs',
  'hepatitis_c',
  'sex_worker',
  'lgbtiq',
  'not_key_population',
  'migrant',
  'alcohol_dependence',
  'sexual_partner_of_pwid',
  'disability',
  'homeless',
  'prisoner',
  'prefers_not_to_say',
  'other',
] as const;
export type KeyPopulation = (typeof KEY_POPULATIONS)[number];

export const GENDERS = ['female', 'male', 'transgender_female', 'transgender_male', 'unknown'] as const;
export type Gender = (typeof GENDERS)[number];

export const AGE_GROUPS = ['0-15', '16-18', '19-35', '36-55', '56+'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

export const RESPONSIBLE_PARTY_TYPES = ['healthcare', 'individual', 'state_service', 'police', 'other'] as const;
export type ResponsiblePartyType = (typeof RESPONSIBLE_PARTY_TYPES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const STATUSES = ['received', 'in_review', 'escalated', 'responded', 'resolved', 'rejected'] as const;
export type ComplaintStatus = (typeof STATUSES)[number];

export const REJECT_REASONS = ['duplicate', 'spam', 'out_of_scope'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** REAct reaction statuses. */
export const OUTCOMES = [
  'resolved_positive',
  'resolved_partial',
  'resolved_negative',
  'unresolved_no_assistance',
  'unresolved_lost_contact',
  'unresolved_client_deceased',
  'unresolved_client_declined',
  'no_resolution_required',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** REAct: why the client did not want to solve the case. */
export const DECLINE_REASONS = [
  'fears_for_safety',
  'distrusts_police',
  'self_stigma',
  'fears_sogi_disclosure',
  'fears_hiv_disclosure',
  'not_worth_effort',
  'no_faith_in_outcome',
  'other',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];
