import type { AgeGroup, DeclineReason, Gender, KeyPopulation } from '../complaints/complaint.constants';
import { Bucket, IN_PROGRESS } from '../statistics/stats-dimensions';

/** REAct's published wording (seeds/react-tajikistan-2023-h1.txt), in its table order. */
export const REACT_STATUS_LABELS: [Bucket, string][] = [
  [IN_PROGRESS, 'In Progress'],
  ['resolved_positive', 'Resolved positively'],
  ['resolved_negative', 'Resolved negatively'],
  ['unresolved_no_assistance', 'Not resolved, no help provided'],
  ['unresolved_client_declined', 'Unresolved - Client did not want to resolve this case'],
  ['no_resolution_required', 'No resolution required'],
  ['unresolved_lost_contact', 'Unresolved - Lost contacts with a client'],
  ['resolved_partial', 'Partially resolved'],
  ['unresolved_client_deceased', 'Unresolved - Client passed away'],
];

export const REACT_KEY_POPULATION_LABELS: Record<KeyPopulation, string> = {
  plhiv: 'People living with HIV',
  affected_by_tb: 'Person affected by TB',
  former_prisoner: 'Former prisoner',
  people_who_use_drugs: 'People who use drugs',
  hepatitis_c: 'Person with HepC',
  sex_worker: 'Sex worker',
  lgbtiq: 'LGBTIQ',
  not_key_population: 'Client does not belong to any KPG',
  migrant: 'Migrant',
  alcohol_dependence: 'Person, addicted to alcohol',
  sexual_partner_of_pwid: 'Sexual partner of PWID',
  other: 'Other',
  disability: 'Person with disabilities',
  homeless: 'Homeless Person',
  prisoner: 'Prisoner',
  prefers_not_to_say: 'Client does not want to divulge KPG',
};

export const REACT_GENDER_LABELS: Record<Gender, string> = {
  female: 'Female',
  male: 'Male',
  transgender_female: 'Transgender female',
  transgender_male: 'Transgender male',
  unknown: 'Gender unknown',
};

export const REACT_AGE_LABELS: Record<AgeGroup, string> = {
  '0-15': 'aged 0-15',
  '16-18': 'aged 16-18',
  '19-35': 'aged 19-35',
  '36-55': 'aged 36-55',
  '56+': 'more than 55',
};

export const REACT_DECLINE_LABELS: Record<DeclineReason, string> = {
  fears_for_safety: 'The client worries about his life and safety',
  distrusts_police: 'The client is afraid / does not trust police, due to negative experiences in the past',
  self_stigma: 'The client experiences deep self-stigma',
  fears_sogi_disclosure: "The client is afraid / doesn't want to disclose their sexual orientation or gender identity",
  fears_hiv_disclosure: "The client is afraid / doesn't want to disclose HIV status",
  not_worth_effort: 'The client does not want to waste time and effort, as the process is likely to be difficult',
  no_faith_in_outcome: 'The client does not believe in a positive case solution',
  other: 'Other',
};
