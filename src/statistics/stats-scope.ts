import { Actor } from '../auth/actor';
import { forbidden } from '../common/domain-errors';

/** What one viewer may see: forced filters and the suppression threshold (null = none). */
export interface StatsScope {
  cityId: number | null;
  facilityId: number | null;
  minCell: number | null;
}

/**
 * Admins see everything unsuppressed. A KPAC member is held to their council's city and a facility
 * admin to their facility; asking for another one explicitly is a 403 rather than silently
 * answering for a different scope than the one requested.
 */
export function statsScope(actor: Actor, query: { city?: number; facility?: number }, minCell: number): StatsScope {
  switch (actor.kind) {
    case 'admin':
      return { cityId: query.city ?? null, facilityId: query.facility ?? null, minCell: null };
    case 'kpac_member':
      if (!actor.cityId) throw forbidden('Your account is not linked to a council');
      if (query.city !== undefined && query.city !== actor.cityId) throw forbidden('KPAC members see statistics of their own city only');
      return { cityId: actor.cityId, facilityId: query.facility ?? null, minCell };
    case 'facility_admin':
      if (!actor.facilityId) throw forbidden('Your account is not linked to a facility');
      if (query.facility !== undefined && query.facility !== actor.facilityId) throw forbidden('Facility administrators see statistics of their own facility only');
      return { cityId: query.city ?? null, facilityId: actor.facilityId, minCell };
    default:
      throw forbidden();
  }
}
