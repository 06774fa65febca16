import { quarterInZone } from '../common/dates';
import type { Complaint } from './complaint.entity';

/** What a new complaint must be given; everything else starts empty. */
export type NewComplaint = Pick<Complaint, 'reference' | 'trackingHash' | 'channel' | 'cityId' | 'category' | 'description' | 'receivedAt'> &
  Partial<Omit<Complaint, 'id' | 'receivedQuarter' | 'version'>> & { id?: number };

/**
 * The row of a new complaint, every column set: the one place a new column gets its starting
 * value (the intake, the test builders, the benchmark and seed-load all write complaints through it).
 */
export function complaintRow(c: NewComplaint, timeZone: string): Partial<Complaint> {
  const status = c.status ?? 'received';
  return {
    facilityId: null,
    desiredOutcome: null,
    incidentDate: null,
    keyPopulations: [],
    gender: null,
    ageGroup: null,
    responsiblePartyType: null,
    contactEnc: null,
    contactErasedAt: null,
    notifyChatEnc: null,
    notifyChatKey: null,
    notifyLanguage: null,
    mayContact: false,
    discloseIdentityToFacility: false,
    priority: 'normal',
    rejectReason: null,
    outcome: null,
    declineReason: null,
    outcomeBy: null,
    outcomeAt: null,
    outcomePublicNote: null,
    complainantVerified: null,
    complainantVerifiedAt: null,
    createdBy: null,
    createdAt: c.receivedAt,
    updatedAt: c.receivedAt,
    ...c,
    status,
    receivedQuarter: quarterInZone(c.receivedAt, timeZone),
    version: 1,
  };
}
