import { Inject, Injectable } from '@nestjs/common';
import { PUBLIC_ACTOR } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { conflict, DomainError } from '../common/domain-errors';
import { clientNetwork } from '../common/client-address';
import { deriveKey, hmacHex } from '../common/crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { ComplaintEvent } from './complaint-event.entity';
import { queryRows } from '../database/sql';
import { eventText, OUTCOME_TEXT, STATUS_TEXT } from './complaint-texts';
import { ComplaintWorkflowService } from './complaint-workflow.service';
import { Complaint } from './complaint.entity';
import { ComplaintStatus, Outcome } from './complaint.constants';
import { ConfirmComplaintDto, TrackComplaintDto } from './dto/track-complaint.dto';
import { normaliseReference } from './public-code';
import { TrackingCodeHasher, trackingCodeHasher } from './tracking-code';

/**
 * Tracking attempts are counted per reference AND client network, never per reference alone:
 * references are sequential, so a lock on the reference would let anyone lock a complainant out.
 * The first TRACK_FREE_ATTEMPTS wrong codes cost nothing; after that each further attempt from
 * that network for that reference waits a delay that doubles from TRACK_BASE_DELAY_MS up to
 * TRACK_MAX_DELAY_MS. A day after its last failure a count is forgotten (and its row purged).
 */
export const TRACK_FREE_ATTEMPTS = 5;
export const TRACK_BASE_DELAY_MS = 60 * 1000;
export const TRACK_MAX_DELAY_MS = 60 * 60 * 1000;
export const TRACK_FORGET_MS = 24 * 60 * 60 * 1000;

/** How long a client with `failures` wrong codes, the last at `lastAt`, must still wait at `now`. */
export function trackingWaitMs(failures: number, lastAt: number, now: number): number {
  if (failures < TRACK_FREE_ATTEMPTS) return 0;
  const delay = Math.min(TRACK_BASE_DELAY_MS * 2 ** (failures - TRACK_FREE_ATTEMPTS), TRACK_MAX_DELAY_MS);
  return Math.max(0, lastAt + delay - now);
}

export const NO_MATCH = 'No complaint matches this reference and tracking code';

export interface TrackView {
  reference: string;
  status: ComplaintStatus;
  statusText: string;
  outcome: Outcome | null;
  outcomeText: string | null;
  /** The member's words on what changed; the facility's own answer is never shown here. */
  outcomePublicNote: string | null;
  receivedAt: string;
  /** The complainant's own verdict on the outcome: true, false, or null (not given). */
  complainantVerified: boolean | null;
  timeline: { at: string; type: string; text: string }[];
}

/** What the person who complained can see and do with their reference and tracking code. */
@Injectable()
export class ComplaintTrackingService {
  private readonly hasher: TrackingCodeHasher;
  /** Client addresses are counted by a keyed hash, never stored. */
  private readonly clientKeyKey: Buffer;

  constructor(
    private readonly db: Database,
    private readonly workflow: ComplaintWorkflowService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.hasher = trackingCodeHasher(config);
    this.clientKeyKey = deriveKey(config.appSecret, 'tracking-client');
  }

  /** `client` is the request's address (req.ip: the socket, or what TRUST_PROXY allows). */
  async track(dto: TrackComplaintDto, client: string | undefined): Promise<TrackView> {
    const complaint = await this.verify(dto.reference, dto.trackingCode, client);
    return this.view(complaint);
  }

  /**
   * The complainant's verdict on a recorded outcome. One verdict per outcome: a second answers
   * 409; reopening the complaint clears it so the next outcome can be judged afresh.
   */
  async confirm(dto: ConfirmComplaintDto, client: string | undefined): Promise<TrackView> {
    const found = await this.verify(dto.reference, dto.trackingCode, client);
    await this.db.transaction(async (uow) => {
      const em = uow.em;
      const complaint = await em.findOneOrFail(Complaint, { where: { id: found.id } });
      if (complaint.status !== 'resolved') {
        throw conflict(`You can confirm or dispute only after the council records an outcome; your complaint is ${complaint.status.replace('_', ' ')}`);
      }
      if (complaint.complainantVerified !== null) throw conflict('You have already given your answer on this outcome');
      const now = this.clock.now();
      const result = await em
        .createQueryBuilder()
        .update(Complaint)
        .set({ complainantVerified: dto.resolvedForMe, complainantVerifiedAt: now, updatedAt: now, version: () => 'version + 1' })
        .where('id = :id AND version = :v', { id: complaint.id, v: complaint.version })
        .execute();
      if (!result.affected) throw conflict('Your complaint changed just now; check it again and retry');
      this.workflow.addEvent(uow, {
        actor: null,
        complaintId: complaint.id,
        // The comment is for the council only; the public timeline never shows notes.
        event: { type: dto.resolvedForMe ? 'confirmed' : 'disputed', public: true, note: dto.comment?.trim() ? dto.comment : null },
      });
      this.audit.record(uow, {
        actor: PUBLIC_ACTOR,
        action: 'complaint.confirm',
        entity: 'complaint',
        entityId: complaint.id,
        details: { resolvedForMe: dto.resolvedForMe },
      });
    });
    return this.view(await this.db.manager.findOneOrFail(Complaint, { where: { id: found.id } }));
  }

  /**
   * The complaint this pair opens. A wrong code and an unknown reference answer the same 404 and
   * count alike, so the limit reveals nothing about which references exist. The attempt is counted
   * before the code is checked (so parallel guesses cannot all slip under the limit) and the count
   * cleared when the code is right.
   */
  private async verify(referenceInput: string, code: string, client: string | undefined): Promise<Complaint> {
    const reference = normaliseReference(referenceInput) ?? referenceInput.trim().toUpperCase();
    const clientKey = hmacHex(this.clientKeyKey, clientNetwork(client));
    const wait = await this.claimAttempt(reference, clientKey, this.clock.now().getTime());
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60_000);
      throw new DomainError('TOO_MANY_REQUESTS', `Too many wrong tracking codes for this reference from your network; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`);
    }
    const complaint = await this.db.manager.findOne(Complaint, { where: { reference } });
    if (complaint && this.hasher.matches(reference, code, complaint.trackingHash)) {
      await this.db.transaction(({ em }) => queryRows(em, 'DELETE FROM tracking_failures WHERE reference = $1 AND client_key = $2', [reference, clientKey]));
      return complaint;
    }
    throw new DomainError('NOT_FOUND', NO_MATCH);
  }

  /**
   * Counts one attempt for this reference and client, unless the client must wait first (then the
   * wait in ms, and nothing is counted). A compare-and-set, retried when a parallel attempt got
   * there first, so each counted attempt passed the check on the count it saw.
   */
  private async claimAttempt(reference: string, clientKey: string, now: number): Promise<number> {
    for (let round = 0; round < 20; round++) {
      const outcome = await this.db.transaction(async (uow) => {
        const em = uow.em;
        const [row] = await queryRows<{ count: number | string; last_failure_at: number | string }>(
          em,
          'SELECT count, last_failure_at FROM tracking_failures WHERE reference = $1 AND client_key = $2',
          [reference, clientKey],
        );
        if (!row) {
          // A new pair: also the moment to forget pairs nobody has tried for a day.
          await queryRows(em, 'DELETE FROM tracking_failures WHERE last_failure_at < $1', [now - TRACK_FORGET_MS]);
          const inserted = await queryRows(
            em,
            'INSERT INTO tracking_failures (reference, client_key, count, last_failure_at) VALUES ($1, $2, 1, $3) ON CONFLICT (reference, client_key) DO NOTHING RETURNING count',
            [reference, clientKey, now],
          );
          return inserted.length ? 0 : null;
        }
        const lastAt = Number(row.last_failure_at);
        const failures = now - lastAt < TRACK_FORGET_MS ? Number(row.count) : 0;
        const wait = trackingWaitMs(failures, lastAt, now);
        if (wait > 0) return wait;
        const updated = await queryRows(
          em,
          'UPDATE tracking_failures SET count = $1, last_failure_at = $2 WHERE reference = $3 AND client_key = $4 AND count = $5 AND last_failure_at = $6 RETURNING count',
          [failures + 1, now, reference, clientKey, row.count, row.last_failure_at],
        );
        return updated.length ? 0 : null;
      });
      if (outcome !== null) return outcome;
    }
    throw new Error('Tracking attempt could not be counted');
  }

  private async view(c: Complaint): Promise<TrackView> {
    const events = await this.db.manager.find(ComplaintEvent, { where: { complaintId: c.id, public: true }, order: { id: 'ASC' } });
    return {
      reference: c.reference,
      status: c.status,
      statusText: STATUS_TEXT[c.status],
      outcome: c.outcome,
      outcomeText: c.outcome ? OUTCOME_TEXT[c.outcome] : null,
      outcomePublicNote: c.outcome ? c.outcomePublicNote : null,
      receivedAt: c.receivedAt.toISOString(),
      complainantVerified: c.complainantVerified,
      // Only when and what: no notes, no staff, no data.
      timeline: events.map((e) => ({ at: e.at.toISOString(), type: e.type, text: eventText(e.type, e.data) })),
    };
  }
}
