import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Database } from '../database/database.service';
import { OutboxRelay } from '../queue/outbox-relay.service';
import { EscalationsService } from './escalations.service';

const BATCH = 500;

/**
 * The periodic job `sla.sweep`. The database holds every due date: awaiting escalations past due
 * become overdue (and go up the ladder); those whose complaint moved on are superseded. Each one
 * in its own transaction, and idempotent, so a repeated or concurrent sweep changes nothing more.
 */
@Injectable()
export class SlaSweep {
  private readonly logger = new Logger('SlaSweep');

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly escalations: EscalationsService,
    private readonly relay: OutboxRelay,
  ) {}

  async run(): Promise<{ breached: number; superseded: number }> {
    const report = { breached: 0, superseded: 0 };
    const rows: { id: number; status: string }[] = await this.db.manager
      .createQueryBuilder()
      .select(['e.id AS id', 'c.status AS status'])
      .from('escalations', 'e')
      .innerJoin('complaints', 'c', 'c.id = e.complaint_id')
      .where("e.response_state = 'awaiting'")
      .andWhere("(e.due_at <= :now OR c.status <> 'escalated')", { now: this.clock.now().getTime() })
      .orderBy('e.id', 'ASC')
      .limit(BATCH)
      .getRawMany();
    for (const row of rows) {
      const id = Number(row.id);
      try {
        if (row.status !== 'escalated') {
          if (await this.db.transaction((uow) => this.escalations.supersede(uow, id))) report.superseded++;
        } else if (await this.db.transaction((uow) => this.escalations.breach(uow, id))) {
          report.breached++;
        }
      } catch (err) {
        this.logger.warn(`Escalation ${id} could not be settled: ${(err as Error).name}`);
      }
    }
    if (report.breached) this.relay.nudge();
    return report;
  }
}
