import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { dateInZone } from '../common/dates';
import { mayDiscloseIdentity } from '../access/access-policy';
import { ContactDetails } from '../complaints/contact-cipher';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { ContactReader } from './contact-reader';
import { EscalationsService } from './escalations.service';

export interface LinkView {
  escalationId: number;
  complaintReference: string;
  category: string;
  facility: { id: number; name: string; language: string };
  summary: string;
  dueAt: string;
  dueDate: string;
  linkExpiresAt: string;
  responseState: string;
  /** Only when the complainant consented to share it with the facility. */
  contact: ContactDetails | null;
}

/** What a facility sees through its link: the facility-safe case, never more. Read-only. */
@Injectable()
export class EscalationLinkService {
  constructor(
    private readonly db: Database,
    private readonly escalations: EscalationsService,
    private readonly contacts: ContactReader,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async view(token: string): Promise<LinkView> {
    const em = this.db.manager;
    const { esc, complaint, facility } = await this.escalations.findByToken(em, token);
    // Recorded when the escalation was made, and checked again against the facility as it is now.
    const contact = esc.identityDisclosed && mayDiscloseIdentity(complaint, facility, esc.rung) ? this.contacts.read(complaint) : null;
    if (contact) {
      // Opening the link changes nothing about the case, but every reveal of contact details is audited.
      await this.db.transaction((tx) =>
        this.audit.record(tx, { kind: 'facility_link', userId: null }, {
          action: 'complaint.contact_reveal',
          entity: 'complaint',
          entityId: complaint.id,
          details: { via: 'facility_link', escalationId: esc.id },
        }),
      );
    }
    return {
      escalationId: esc.id,
      complaintReference: complaint.reference,
      category: complaint.category,
      facility: { id: facility.id, name: facility.name, language: facility.language },
      summary: esc.summary,
      dueAt: esc.dueAt.toISOString(),
      dueDate: dateInZone(esc.dueAt, this.config.timeZone),
      linkExpiresAt: esc.tokenExpiresAt.toISOString(),
      responseState: esc.responseState,
      contact,
    };
  }
}
