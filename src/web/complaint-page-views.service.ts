import { Injectable } from '@nestjs/common';
import { canEscalateTo, contactRevealAccess } from '../access/access-policy';
import type { Actor } from '../auth/actor';
import { CATEGORIES, DECLINE_REASONS, OUTCOMES, PRIORITIES, REJECT_REASONS } from '../complaints/complaint.constants';
import { ComplaintsService } from '../complaints/complaints.service';
import { CouncilsService } from '../councils/councils.service';
import { EscalationsRepository } from '../escalations/escalations.repository';
import { EscalationsService } from '../escalations/escalations.service';
import { FacilitiesService } from '../facilities/facilities.service';
import { formInt } from './web-forms';

/** View data of a complaint's page for council members and admins: the case, its escalations, the actions open now. */
@Injectable()
export class ComplaintPageViews {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly escalations: EscalationsService,
    private readonly escalationsRepo: EscalationsRepository,
    private readonly councils: CouncilsService,
    private readonly facilities: FacilitiesService,
  ) {}

  /** `values` is the form sent (its facility choice decides which facility's summary is prepared). */
  async page(actor: Actor, id: number, values: Record<string, unknown>) {
    const c = await this.complaints.detail(actor, id);
    const [{ items: escalations }, cities, facilities] = await Promise.all([
      this.escalationsRepo.list(actor, { complaintId: id, limit: 50 }),
      this.councils.listCities(actor),
      this.facilities.list(actor, {}),
    ]);
    const targets = facilities.filter((f) => canEscalateTo(actor, c, f));
    // The facility the summary is prepared for: the one chosen (Prepare), else the last one used, else the named one.
    const wanted = [formInt(values.facilityId), formInt(values.escalateTo), escalations[0]?.facilityId, c.facilityId ?? undefined, targets[0]?.id];
    const chosen = wanted.map((w) => targets.find((f) => f.id === w)).find((f) => f) ?? null;
    const draft = c.allowedActions.includes('escalate') && chosen ? await this.escalations.draft(actor, id, chosen.id) : null;
    const reveal = contactRevealAccess(actor, c);
    return {
      c,
      caseCity: cities.find((city) => city.id === c.cityId) ?? null,
      facilityName: (c.facilityId ? facilities.find((f) => f.id === c.facilityId)?.name : null) ?? null,
      escalations,
      escalationFacilities: targets,
      draft,
      allowed: new Set(c.allowedActions),
      canReveal: c.hasContact && !c.contactErasedAt,
      revealNeedsReason: reveal === 'with_reason',
      mayReveal: reveal !== 'refused',
      rejectReasons: REJECT_REASONS,
      outcomes: OUTCOMES,
      declineReasons: DECLINE_REASONS,
      priorities: PRIORITIES,
      categories: CATEGORIES,
    };
  }
}
