import type { Actor } from '../../src/auth/actor';
import { ComplaintIntakeService } from '../../src/complaints/complaint-intake.service';
import type { Category, ComplaintStatus } from '../../src/complaints/complaint.constants';
import { Complaint } from '../../src/complaints/complaint.entity';
import { ComplaintsService } from '../../src/complaints/complaints.service';
import type { ContactDetails } from '../../src/complaints/contact-cipher';
import { User } from '../../src/users/user.entity';
import { cityByCode } from './fixtures';
import type { TestApp } from './test-app';

export interface GivenComplaint {
  /** in_review by default; received, in_review, resolved or rejected. */
  status?: Extract<ComplaintStatus, 'received' | 'in_review' | 'resolved' | 'rejected'>;
  contact?: ContactDetails;
  disclose?: boolean;
  category?: Category;
  /** The facility the complainant named (identity can only ever go to this one). */
  facilityId?: number | null;
  /** Defaults to true when there is a contact. */
  mayContact?: boolean;
  description?: string;
}

/**
 * A complaint as a council would have it: entered through the intake service (a paper form taken
 * by the admin), then taken to the wanted status through the workflow. Whatever the services
 * write, the test gets, so a new column needs no change here.
 */
export async function givenComplaint(t: TestApp, cityCode: string, opts: GivenComplaint = {}): Promise<Complaint> {
  const { city } = await cityByCode(t, cityCode);
  const admin = await t.db.manager.findOneByOrFail(User, { role: 'admin' });
  const actor: Actor = { kind: 'admin', userId: admin.id };
  const { id } = await t.app.get(ComplaintIntakeService).submitStaff(actor, {
    cityId: city.id,
    facilityId: opts.facilityId ?? undefined,
    category: opts.category ?? 'opening_hours',
    description: opts.description ?? 'The site closes at noon; I cannot get my dose after work.',
    keyPopulations: ['people_who_use_drugs'],
    responsiblePartyType: 'healthcare',
    contact: opts.contact,
    consents: { mayContact: opts.mayContact ?? !!opts.contact, discloseIdentityToFacility: opts.disclose ?? false },
  });
  const complaints = t.app.get(ComplaintsService);
  const status = opts.status ?? 'in_review';
  if (status === 'rejected') await complaints.triage(actor, id!, { decision: 'reject', reason: 'out_of_scope' });
  else if (status !== 'received') await complaints.triage(actor, id!, { decision: 'accept' });
  if (status === 'resolved') await complaints.resolve(actor, id!, { outcome: 'resolved_positive' });
  return t.db.manager.findOneByOrFail(Complaint, { id: id! });
}

/** The response-link token in a facility e-mail. */
export function linkToken(text: string): string {
  const m = text.match(/\/respond\/([A-Za-z0-9_-]{43})/);
  if (!m) throw new Error('no response link in the e-mail');
  return m[1];
}
