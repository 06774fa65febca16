import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { queryRows } from '../database/sql';

export interface MailSendCount {
  audience: string;
  step: string;
  state: string;
  /** The class of the last SMTP failure (rejected, tempfail, connection), `none` without one. */
  errorClass: string;
  count: number;
}

const MAIL_ERROR_CLASSES = ['rejected', 'tempfail', 'connection'];

/** `550 rejected` → `rejected`: the summary the sender stores is a code and a class, never the server's text. */
export function mailErrorClass(lastError: string | null): string {
  if (!lastError) return 'none';
  const cls = lastError.trim().split(/\s+/).pop() ?? '';
  return MAIL_ERROR_CLASSES.includes(cls) ? cls : 'other';
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
    const rows = await queryRows<{ audience: string; step: string; state: string; last_error: string | null; n: number | string }>(
      this.db.manager,
      'SELECT audience, step, state, last_error, COUNT(*) AS n FROM mail_sends GROUP BY audience, step, state, last_error',
      [],
    );
    // Several summaries (`550 rejected`, `NO_RECIPIENTS rejected`) share a class: one series each.
    const byKey = new Map<string, MailSendCount>();
    for (const r of rows) {
      const errorClass = mailErrorClass(r.last_error);
      const key = [r.audience, r.step, r.state, errorClass].join('\0');
      const seen = byKey.get(key);
      if (seen) seen.count += Number(r.n);
      else byKey.set(key, { audience: r.audience, step: r.step, state: r.state, errorClass, count: Number(r.n) });
    }
    return [...byKey.values()];
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
