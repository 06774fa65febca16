import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant, jsonText } from '../database/columns';

/**
 * The complaint's timeline. `public` entries are shown to the complainant without actor or note;
 * `note` is internal and never leaves staff routes.
 */
@Entity('complaint_events')
export class ComplaintEvent {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', name: 'complaint_id' })
  complaintId: number;

  @Column(instant())
  at: Date;

  /** submitted, accepted, rejected, escalated, responded, resolved, reopened, confirmed, disputed, contact_revealed, overdue, … */
  @Column({ type: 'varchar', length: 32 })
  type: string;

  @Column({ type: 'boolean', default: true })
  public: boolean;

  @Column({ type: 'integer', name: 'actor_user_id', nullable: true })
  actorUserId: number | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  data: Record<string, any> | null;
}
