import { Column, Entity, PrimaryColumn } from 'typeorm';
import { instant } from '../database/columns';

/**
 * A chat talking to the bot now, known only by the keyed hash of its chat id. The draft
 * (`stateEnc`) is encrypted and bound to the row; it is emptied when a complaint is submitted and
 * the row is deleted after 30 minutes of idleness. The rate window lives here too.
 */
@Entity('telegram_conversations')
export class TelegramConversation {
  @PrimaryColumn({ type: 'varchar', length: 64, name: 'chat_key' })
  chatKey: string;

  @Column({ type: 'varchar', length: 2, nullable: true })
  language: string | null;

  @Column({ type: 'text', name: 'state_enc', nullable: true })
  stateEnc: string | null;

  @Column(instant({ name: 'window_start' }))
  windowStart: Date;

  @Column({ type: 'integer', name: 'window_count' })
  windowCount: number;

  @Column(instant({ name: 'updated_at' }))
  updatedAt: Date;
}
