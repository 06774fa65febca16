export const ROLES = ['admin', 'kpac_member', 'facility_admin'] as const;
export type Role = (typeof ROLES)[number];
