import { EntityManager } from 'typeorm';
import { bulkInsert } from '../database/sql';
import { MailSend } from '../mail/mail-send.entity';
import { OutboxRelay } from '../queue/outbox-relay.service';

export const DAY_MS = 86_400_000;

/** BullMQ job id and mail key of a step: `esc-12-initial`, `term-7-ends60`. */
export const sendKey = (subjectKey: string, step: string) => `${subjectKey}-${step}`;

export const escalationKey = (escalationId: number) => `esc-${escalationId}`;

export interface NewSend {
  subjectKey: string;
  step: string;
  audience: MailSend['audience'];
  escalationId?: number | null;
  councilId?: number | null;
  termId?: number | null;
  dueAt: Date;
}

/**
 * Records one mail that must go out exactly once and its outbox job, in the caller's transaction.
 * Returns false (and writes nothing) when that step already exists.
 */
export async function scheduleSend(em: EntityManager, now: Date, domain: string, s: NewSend, fresh = false): Promise<boolean> {
  // `fresh`: the subject was created in this transaction, so no step of it can exist yet.
  if (!fresh && (await em.exists(MailSend, { where: { subjectKey: s.subjectKey, step: s.step } }))) return false;
  await scheduleFreshSends(em, now, domain, [s]);
  return true;
}

/** Several steps of subjects created in this transaction: one statement for the mails, one for their jobs. */
export async function scheduleFreshSends(em: EntityManager, now: Date, domain: string, sends: NewSend[]): Promise<void> {
  const rows = sends.map((s) => ({
    subjectKey: s.subjectKey,
    step: s.step,
    audience: s.audience,
    escalationId: s.escalationId ?? null,
    councilId: s.councilId ?? null,
    termId: s.termId ?? null,
    state: 'pending' as const,
    attempts: 0,
    messageId: `<${sendKey(s.subjectKey, s.step)}@${domain}>`,
    dueAt: s.dueAt,
    claimedAt: null,
    sentAt: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
  }));
  const inserted = await bulkInsert(em, MailSend, rows, ['id', 'subjectKey', 'step']);
  const ids = new Map(inserted.map((r) => [sendKey(String(r.subject_key), String(r.step)), Number(r.id)]));
  await OutboxRelay.enqueueMany(
    em,
    now,
    sends.map((s) => {
      const key = sendKey(s.subjectKey, s.step);
      return { name: 'mail.send' as const, payload: { mailSendId: ids.get(key)! }, jobId: key, runAt: s.dueAt.getTime() > now.getTime() ? s.dueAt : null };
    }),
  );
}

/** Stops reminders that are no longer needed (answered, overdue, superseded). */
export async function cancelPendingSteps(em: EntityManager, escalationId: number, steps: string[], now: Date): Promise<void> {
  await em
    .createQueryBuilder()
    .update(MailSend)
    .set({ state: 'cancelled', updatedAt: now })
    .where('escalation_id = :id AND state = :s AND step IN (:...steps)', { id: escalationId, s: 'pending', steps })
    .execute();
}
