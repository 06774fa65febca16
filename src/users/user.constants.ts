export const ROLES = ['admin', 'kpac_member', 'facility_admin'] as const;
export type Role = (typeof ROLES)[number];

/** The shortest password an account may have (the DTOs and the pages state the same number). */
export const PASSWORD_MIN_LENGTH = 12;
