import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant } from '../database/columns';

export type TelegramSendState = 'pending' | 'sent' | 'failed';

/**
 * One neutral Telegram message about one complaint event, sent at most once: `eventKey` is unique
 * (`c<complaint>-v<version>`: each state change of a complaint has its own version).
 */
@Entity('telegram_sends')
export class TelegramSend {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', name: 'complaint_id' })
  complaintId: number;

  @Column({ type: 'varchar', length: 64, name: 'event_key', unique: true })
  eventKey: string;

  @Column({ type: 'varchar', length: 16 })
  state: TelegramSendState;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** Error class or Bot API code only, never Telegram's text. */
  @Column({ type: 'varchar', length: 64, name: 'last_error', nullable: true })
  lastError: string | null;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;

  @Column(instant({ name: 'updated_at' }))
  updatedAt: Date;

  @Column(instant({ name: 'sent_at', nullable: true }))
  sentAt: Date | null;
}
