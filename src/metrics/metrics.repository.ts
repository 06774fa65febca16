import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { queryRows } from '../database/sql';

export interface MailSendCount {
  audience: string;
  step: string;
  state: string;
  count: number;
}

/** The figures /metrics reads from the database: the same in every process, whichever did the work. */
@Injectable()
export class MetricsRepository {
  constructor(private readonly db: Database) {}

  async outboxBacklog(): Promise<{ unrelayed: number; oldestCreatedAt: number | null }> {
    const [row] = await queryRows<{ n: number | string; oldest: number | string | null }>(
      this.db.manager,
      'SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE relayed_at IS NULL',
      [],
    );
    return { unrelayed: Number(row?.n ?? 0), oldestCreatedAt: row?.oldest == null ? null : Number(row.oldest) };
  }

  async mailSends(): Promise<MailSendCount[]> {
    const rows = await queryRows<{ audience: string; step: string; state: string; n: number | string }>(
      this.db.manager,
      'SELECT audience, step, state, COUNT(*) AS n FROM mail_sends GROUP BY audience, step, state',
      [],
    );
    return rows.map((r) => ({ audience: r.audience, step: r.step, state: r.state, count: Number(r.n) }));
  }

  /** Escalations by response state; `overdue` are the SLA breaches still unanswered. */
  async escalationsByResponse(): Promise<Record<string, number>> {
    const rows = await queryRows<{ state: string; n: number | string }>(
      this.db.manager,
      'SELECT response_state AS state, COUNT(*) AS n FROM escalations GROUP BY response_state',
      [],
    );
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }
}
