import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../src/common/crypto';
import { quarterInZone } from '../../src/common/dates';
import { Complaint } from '../../src/complaints/complaint.entity';
import { contactAad, contactCipher, ContactDetails } from '../../src/complaints/contact-cipher';
import { cityByCode } from './fixtures';
import type { TestApp } from './test-app';

let n = 0;

/** A complaint straight into the database (status in_review by default), with encrypted contact details. */
export async function seedComplaint(
  t: TestApp,
  cityCode: string,
  opts: {
    status?: Complaint['status'];
    contact?: ContactDetails;
    disclose?: boolean;
    category?: Complaint['category'];
    /** The facility the complainant named (identity can only ever go to this one). */
    facilityId?: number | null;
    mayContact?: boolean;
    description?: string;
  } = {},
): Promise<Complaint> {
  const { city } = await cityByCode(t, cityCode);
  const now = t.clock.now();
  const reference = `${cityCode}-26-${String(9000 + (n++ % 999)).padStart(4, '0')}${randomBytes(1).toString('hex')}`.slice(0, 20);
  return t.db.transaction(async ({ em }) => {
    const inserted = await em.insert(Complaint, {
      reference,
      trackingHash: sha256Hex(randomBytes(16).toString('hex')),
      channel: 'web',
      cityId: city.id,
      facilityId: opts.facilityId ?? null,
      category: opts.category ?? 'opening_hours',
      description: opts.description ?? 'The site closes at noon; I cannot get my dose after work.',
      desiredOutcome: null,
      incidentDate: null,
      keyPopulations: ['people_who_use_drugs'],
      gender: null,
      ageGroup: null,
      responsiblePartyType: 'healthcare',
      contactEnc: null,
      contactErasedAt: null,
      mayContact: opts.mayContact ?? !!opts.contact,
      discloseIdentityToFacility: opts.disclose ?? false,
      priority: 'normal',
      status: opts.status ?? 'in_review',
      rejectReason: null,
      outcome: null,
      declineReason: null,
      outcomeBy: null,
      outcomeAt: null,
      complainantVerified: null,
      complainantVerifiedAt: null,
      receivedAt: now,
      receivedQuarter: quarterInZone(now, t.config.timeZone),
      createdBy: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    const id = Number(inserted.identifiers[0].id);
    if (opts.contact) {
      await em.update(Complaint, { id }, { contactEnc: contactCipher(t.config).encrypt(JSON.stringify(opts.contact), contactAad(id)) });
    }
    return em.findOneOrFail(Complaint, { where: { id } });
  });
}

/** The response-link token in a facility e-mail. */
export function linkToken(text: string): string {
  const m = text.match(/\/respond\/([A-Za-z0-9_-]{43})/);
  if (!m) throw new Error('no response link in the e-mail');
  return m[1];
}
