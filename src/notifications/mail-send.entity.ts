import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber, instant } from '../database/columns';
import type { MailAudience, MailStep, MailSubject } from './notification-steps';

export const MAIL_SEND_STATES = ['pending', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type MailSendState = (typeof MAIL_SEND_STATES)[number];

/**
 * One e-mail that must go out exactly once: an escalation step or a council notice.
 * `subjectKey` + `step` is unique (e.g. `esc-12` + `initial`, `term-7` + `ends60`).
 */
@Entity('mail_sends')
export class MailSend {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, name: 'subject_key' })
  subjectKey: string;

  @Column({ type: 'varchar', length: 32 })
  step: MailStep;

  @Column({ type: 'varchar', length: 16 })
  audience: MailAudience;

  @Column({ type: 'integer', name: 'escalation_id', nullable: true })
  escalationId: number | null;

  /** Council notices: the council whose active members receive it. */
  @Column({ type: 'integer', name: 'council_id', nullable: true })
  councilId: number | null;

  /** Council reminders about one term. */
  @Column({ type: 'integer', name: 'term_id', nullable: true })
  termId: number | null;

  @Column({ type: 'varchar', length: 16 })
  state: MailSendState;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** Deterministic `<esc-12-initial@domain>`: a duplicate after a crash carries the same id. */
  @Column({ type: 'varchar', length: 200, name: 'message_id' })
  messageId: string;

  /** Not before this instant (reminders are scheduled ahead). */
  @Column(instant({ name: 'due_at' }))
  dueAt: Date;

  /** Wall-clock ms when a worker claimed the send; a stale claim means the worker died. */
  @Column({ type: 'bigint', name: 'claimed_at', nullable: true, transformer: bigintNumber })
  claimedAt: number | null;

  @Column(instant({ name: 'sent_at', nullable: true }))
  sentAt: Date | null;

  @Column({ type: 'varchar', length: 500, name: 'last_error', nullable: true })
  lastError: string | null;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;

  @Column(instant({ name: 'updated_at' }))
  updatedAt: Date;
}

/** The feature a send belongs to: an escalation's mails, a term's reminders, a council's vacancies. */
export function subjectOf(send: Pick<MailSend, 'escalationId' | 'termId'>): MailSubject {
  if (send.escalationId !== null) return 'escalation';
  return send.termId !== null ? 'term' : 'vacancy';
}
