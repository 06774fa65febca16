import type { Role } from '../users/user.constants';

/** Who is acting, with the scope their role grants. Attached to each authenticated request. */
export interface Actor {
  kind: Role | 'public' | 'facility_link' | 'system';
  userId: number | null;
  /** kpac_member: the council and city they serve. */
  councilId?: number;
  cityId?: number;
  memberId?: number;
  /** facility_admin: their facility. */
  facilityId?: number;
}

export const SYSTEM_ACTOR: Actor = { kind: 'system', userId: null };
export const PUBLIC_ACTOR: Actor = { kind: 'public', userId: null };
