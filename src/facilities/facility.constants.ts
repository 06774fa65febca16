export const FACILITY_TYPES = [
  'ost_site',
  'aids_centre',
  'tb_facility',
  'drug_treatment',
  'hospital',
  'clinic',
  'ngo_service',
  'social_services',
  'law_enforcement',
  'authority',
  'other',
] as const;
export type FacilityType = (typeof FACILITY_TYPES)[number];

export const LANGUAGES = ['tg', 'ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
