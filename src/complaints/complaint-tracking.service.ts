import { Inject, Injectable } from '@nestjs/common';
import { PUBLIC_ACTOR } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { conflict, DomainError } from '../common/domain-errors';
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
import { TrackingCodeHasher } from './tracking-code';
import { TrackingFailure } from './tracking-failure.entity';

/** Wrong tracking codes allowed per reference and window before that reference answers 429. */
export const TRACK_MAX_FAILURES = 10;
export const TRACK_WINDOW_MS = 60 * 60 * 1000;

export const NO_MATCH = 'No complaint matches this reference and tracking code';

export interface TrackView {
  reference: string;
  status: ComplaintStatus;
  statusText: string;
  outcome: Outcome | null;
  outcomeText: string | null;
  receivedAt: string;
  /** The complainant's own verdict on the outcome: true, false, or null (not given). */
  complainantVerified: boolean | null;
  timeline: { at: string; type: string; text: string }[];
}

/** What the person who complained can see and do with their reference and tracking code. */
@Injectable()
export class ComplaintTrackingService {
  private readonly hasher: TrackingCodeHasher;

  constructor(
    private readonly db: Database,
    private readonly workflow: ComplaintWorkflowService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.hasher = new TrackingCodeHasher(config.appSecret);
  }

  async track(dto: TrackComplaintDto): Promise<TrackView> {
    const complaint = await this.verify(dto.reference, dto.trackingCode);
    return this.view(complaint);
  }

  /**
   * The complainant's verdict on a recorded outcome. One verdict per outcome: a second answers
   * 409; reopening the complaint clears it so the next outcome can be judged afresh.
   */
  async confirm(dto: ConfirmComplaintDto): Promise<TrackView> {
    const found = await this.verify(dto.reference, dto.trackingCode);
    await this.db.transaction(async (em) => {
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
      await this.workflow.addEvent(em, null, complaint.id, {
        type: dto.resolvedForMe ? 'confirmed' : 'disputed',
        public: true,
        // The comment is for the council only; the public timeline never shows notes.
        note: dto.comment?.trim() ? dto.comment : null,
      });
      await this.audit.record(em, PUBLIC_ACTOR, {
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
   * both count against the reference, so the limit reveals nothing about which references exist.
   */
  private async verify(referenceInput: string, code: string): Promise<Complaint> {
    const reference = referenceInput.trim().toUpperCase();
    const now = this.clock.now().getTime();
    const failure = await this.db.manager.findOne(TrackingFailure, { where: { reference } });
    if (failure && failure.count >= TRACK_MAX_FAILURES && now - failure.windowStart < TRACK_WINDOW_MS) {
      throw new DomainError('TOO_MANY_REQUESTS', 'Too many wrong tracking codes for this reference; try again in an hour');
    }
    const complaint = await this.db.manager.findOne(Complaint, { where: { reference } });
    if (complaint && this.hasher.matches(reference, code, complaint.trackingHash)) return complaint;
    await this.db.transaction((em) =>
      queryRows(
        em,
        `INSERT INTO tracking_failures (reference, count, window_start) VALUES ($1, 1, $2)
         ON CONFLICT (reference) DO UPDATE SET
           count = CASE WHEN tracking_failures.window_start <= $3 THEN 1 ELSE tracking_failures.count + 1 END,
           window_start = CASE WHEN tracking_failures.window_start <= $3 THEN $2 ELSE tracking_failures.window_start END`,
        [reference, now, now - TRACK_WINDOW_MS],
      ),
    );
    throw new DomainError('NOT_FOUND', NO_MATCH);
  }

  private async view(c: Complaint): Promise<TrackView> {
    const events = await this.db.manager.find(ComplaintEvent, { where: { complaintId: c.id, public: true }, order: { id: 'ASC' } });
    return {
      reference: c.reference,
      status: c.status,
      statusText: STATUS_TEXT[c.status],
      outcome: c.outcome,
      outcomeText: c.outcome ? OUTCOME_TEXT[c.outcome] : null,
      receivedAt: c.receivedAt.toISOString(),
      complainantVerified: c.complainantVerified,
      // Only when and what: no notes, no staff, no data.
      timeline: events.map((e) => ({ at: e.at.toISOString(), type: e.type, text: eventText(e.type, e.data) })),
    };
  }
}
