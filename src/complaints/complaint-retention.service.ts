import { Inject, Injectable, Logger } from '@nestjs/common';
import { Brackets, IsNull, Not } from 'typeorm';
import { SYSTEM_ACTOR } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { ComplaintWorkflowService } from './complaint-workflow.service';
import { Complaint } from './complaint.entity';
import { Slip } from './slip.entity';

const BATCH = 200;

/**
 * Erases contact details once a complaint has been closed for the retention period; the complaint
 * itself stays, pseudonymous, for the statistics. Scheduled by the job queue.
 */
@Injectable()
export class ComplaintRetentionService {
  private readonly logger = new Logger(ComplaintRetentionService.name);

  constructor(
    private readonly db: Database,
    private readonly workflow: ComplaintWorkflowService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Returns how many complaints had their contact details erased. */
  async eraseExpiredContacts(): Promise<number> {
    const now = this.clock.now();
    const cutoff = now.getTime() - this.config.contactRetentionDays * 86_400_000;
    let total = 0;
    for (;;) {
      const erased = await this.db.transaction(async (uow) => {
        const em = uow.em;
        // Resolved: counted from the outcome; rejected is final, so its last update is the rejection.
        const due = await em
          .createQueryBuilder(Complaint, 'c')
          .select(['c.id'])
          .where(new Brackets((w) => w.where({ contactEnc: Not(IsNull()) }).orWhere({ notifyChatEnc: Not(IsNull()) })))
          .andWhere(
            new Brackets((w) =>
              w
                .where("c.status = 'resolved' AND c.outcomeAt < :cutoff", { cutoff })
                .orWhere("c.status = 'rejected' AND c.updatedAt < :cutoff", { cutoff }),
            ),
          )
          .orderBy('c.id')
          .take(BATCH)
          .getMany();
        for (const { id } of due) {
          // The Telegram chat to notify is contact data too: it goes with the rest.
          await em.update(Complaint, { id }, { contactEnc: null, contactErasedAt: now, notifyChatEnc: null, notifyChatKey: null, notifyLanguage: null });
          this.workflow.addEvent(uow, { actor: null, complaintId: id, event: { type: 'contact_erased', public: false } });
          this.audit.record(uow, {
            actor: SYSTEM_ACTOR,
            action: 'complaint.contact_erase',
            entity: 'complaint',
            entityId: id,
            details: { retentionDays: this.config.contactRetentionDays },
          });
        }
        return due.length;
      });
      total += erased;
      if (erased < BATCH) break;
    }
    if (total) this.logger.log(`Erased contact details of ${total} closed complaint(s)`);
    return total;
  }

  /**
   * Deletes complaint-box slips that expired unused: intake refuses them anyway, and their code
   * hashes then serve nothing. Used slips stay (they say which complaint came on paper). The
   * reference numbers are not reused: the city's counter moved on when the batch was printed.
   */
  async purgeExpiredSlips(): Promise<number> {
    return this.db.transaction(async (uow) => {
      const res = await uow.em
        .createQueryBuilder()
        .delete()
        .from(Slip)
        .where('used_at IS NULL AND expires_at <= :now', { now: uow.now.getTime() })
        .execute();
      const purged = res.affected ?? 0;
      if (purged) this.audit.record(uow, { actor: SYSTEM_ACTOR, action: 'slips.purge_expired', entity: 'slip', details: { count: purged } });
      return purged;
    });
  }
}
