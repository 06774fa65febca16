import { randomBytes } from 'node:crypto';
import { quarterInZone } from '../../src/common/dates';
import { complaintRow } from '../../src/complaints/complaint-row';
import { ComplaintKeyPopulation } from '../../src/complaints/complaint-key-population.entity';
import { Complaint } from '../../src/complaints/complaint.entity';
import type { AgeGroup, Category, ComplaintStatus, Gender, KeyPopulation, Outcome } from '../../src/complaints/complaint.constants';
import { Feedback } from '../../src/complaints/feedback.entity';
import type { TestApp } from './test-app';

/**
 * Complaints with exact instants and outcomes (statistics are about periods to the millisecond,
 * which the intake cannot backdate), written with the unit of work from the same row builder the
 * intake uses (src/complaints/complaint-row.ts), so a new column needs no change here. The intake
 * route itself is exercised in statistics.e2e-spec.ts.
 */
export interface ComplaintSpec {
  cityId: number;
  receivedAt: string;
  status?: ComplaintStatus;
  outcome?: Outcome | null;
  facilityId?: number | null;
  category?: Category;
  keyPopulations?: KeyPopulation[];
  gender?: Gender | null;
  ageGroup?: AgeGroup | null;
  description?: string;
  contactEnc?: string | null;
}

let seq = 0;

export async function insertComplaints(t: TestApp, specs: ComplaintSpec[]): Promise<number[]> {
  const ids: number[] = [];
  const tag = randomBytes(2).toString('hex').toUpperCase();
  for (let i = 0; i < specs.length; i += 200) {
    const chunk = specs.slice(i, i + 200);
    await t.db.transaction(async (uow) => {
      const reserved = await uow.reserveIds(Complaint, chunk.length);
      chunk.forEach((s, n) => {
        const at = new Date(s.receivedAt);
        const status = s.status ?? (s.outcome ? 'resolved' : 'received');
        uow.append(
          Complaint,
          complaintRow(
            {
              id: reserved[n],
              reference: `T${tag}-${(seq++).toString(36)}`,
              trackingHash: randomBytes(32).toString('hex'),
              channel: 'web',
              cityId: s.cityId,
              facilityId: s.facilityId ?? null,
              category: s.category ?? 'waiting_time',
              description: s.description ?? 'The site closes at noon and I cannot get there in time.',
              keyPopulations: s.keyPopulations ?? [],
              gender: s.gender ?? null,
              ageGroup: s.ageGroup ?? null,
              contactEnc: s.contactEnc ?? null,
              status,
              rejectReason: status === 'rejected' ? 'spam' : null,
              outcome: s.outcome ?? null,
              declineReason: s.outcome === 'unresolved_client_declined' ? 'self_stigma' : null,
              outcomeAt: s.outcome ? at : null,
              receivedAt: at,
            },
            t.config.timeZone,
          ),
        );
        uow.append(ComplaintKeyPopulation, (s.keyPopulations ?? []).map((k) => ({ complaintId: reserved[n], keyPopulation: k })));
      });
      ids.push(...reserved);
    });
  }
  return ids;
}

/** `n` copies of one spec. */
export const times = (n: number, spec: ComplaintSpec): ComplaintSpec[] => Array.from({ length: n }, () => ({ ...spec }));

export async function insertFeedback(
  t: TestApp,
  facilityId: number,
  at: string,
  ratings: { waitingTime: number; staffAttitude: number; openingHours: number; confidentiality: number; overall: number }[],
): Promise<void> {
  const when = new Date(at);
  await t.db.transaction(({ em }) =>
    em.insert(
      Feedback,
      ratings.map((r) => ({ facilityId, ...r, comment: null, createdAt: when, quarter: quarterInZone(when, t.config.timeZone) })),
    ),
  );
}
