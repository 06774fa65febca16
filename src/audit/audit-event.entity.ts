import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { instant, jsonText } from '../database/columns';

/** Append-only. `details` holds ids and field names, never personal data. */
@Entity('audit_events')
export class AuditEvent {
  @PrimaryGeneratedColumn()
  id: number;

  @Column(instant())
  at: Date;

  @Column({ type: 'integer', name: 'actor_user_id', nullable: true })
  actorUserId: number | null;

  /** `admin`, `kpac_member`, `facility_admin`, `public`, `facility_link` or `system`. */
  @Column({ type: 'varchar', length: 16, name: 'actor_type' })
  actorType: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'varchar', length: 32 })
  entity: string;

  @Column({ type: 'varchar', length: 64, name: 'entity_id', nullable: true })
  entityId: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  details: Record<string, any> | null;
}
