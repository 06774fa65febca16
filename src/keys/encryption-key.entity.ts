import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { instant } from '../database/columns';

/**
 * The key table: one row per key id. A cipher key's row holds a check value (an HMAC under the
 * key itself) from which the service tells which configured secret the id belongs to; a stored
 * data key's row holds the key wrapped under the key-wrap key. Nothing here is a fingerprint of
 * a secret alone.
 */
@Entity('encryption_keys')
@Index('idx_encryption_keys_purpose', ['purpose'])
export class EncryptionKey {
  /** Random, base64url; the id written into every envelope. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  kid: string;

  @Column({ type: 'varchar', length: 32 })
  purpose: string;

  @Column({ type: 'varchar', length: 64, name: 'check_value', nullable: true })
  checkValue: string | null;

  @Column({ type: 'text', name: 'key_enc', nullable: true })
  keyEnc: string | null;

  @Column(instant({ name: 'created_at' }))
  createdAt: Date;

  /** Set by `npm run rotate-keys` once nothing is left under this key's secret. */
  @Column(instant({ name: 'retired_at', nullable: true }))
  retiredAt: Date | null;
}
