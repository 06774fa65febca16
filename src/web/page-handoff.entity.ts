import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/columns';

/**
 * What a done page shows again on a reload (reference and tracking code), for a short time, to
 * the one device holding the cookie. Keyed by a hash of the cookie's random id and encrypted
 * under a key derived from that id: without the cookie, neither the database nor APP_SECRET
 * opens it.
 */
@Entity('page_handoffs')
@Index('idx_page_handoffs_expires', ['expiresAt'])
export class PageHandoff {
  @PrimaryColumn({ type: 'varchar', length: 64, name: 'id_hash' })
  idHash: string;

  @Column({ type: 'varchar', length: 16 })
  kind: string;

  @Column({ type: 'text', name: 'payload_enc' })
  payloadEnc: string;

  @Column({ type: 'bigint', name: 'expires_at', transformer: bigintNumber })
  expiresAt: number;

  @Column({ type: 'bigint', name: 'created_at', transformer: bigintNumber })
  createdAt: number;
}
