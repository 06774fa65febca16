import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { bulkInsert } from '../database/sql';
import { EncryptionKey } from './encryption-key.entity';
import { KeyRing, keyRingFor, KeyRecord } from './key-ring';

/**
 * Loads this application's key ring from the key table before anything is served or any job
 * runs, adding the current secret's key ids when they are missing (a first start, or the first
 * start after APP_SECRET changed). Several instances starting together may each add one; every
 * one of them is valid, and the oldest becomes the id new ciphertexts carry.
 */
@Injectable()
export class KeyRingService implements OnModuleInit {
  private readonly logger = new Logger('KeyRing');
  readonly ring: KeyRing;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ring = keyRingFor(config);
  }

  async onModuleInit(): Promise<void> {
    await loadKeyRing(this.db, this.ring, this.clock.now());
    const old = this.ring.recordsNotOfCurrentSecret().filter((r) => !r.retiredAt).length;
    if (this.ring.secrets.length > 1) this.logger.log(`APP_SECRET_PREVIOUS is set (${this.ring.secrets.length - 1}); run npm run rotate-keys, then remove it`);
    else if (old) this.logger.log(`${old} key id(s) of earlier secrets are not retired; npm run rotate-keys -- --check tells whether anything still needs them`);
  }
}

/** Reads the key table into the ring, first adding whatever the current secret lacks. */
export async function loadKeyRing(db: Database, ring: KeyRing, now: Date): Promise<void> {
  const read = async () => ring.apply((await db.manager.find(EncryptionKey)) as KeyRecord[]);
  await read();
  const ciphers = ring.missingCipherPurposes();
  if (ciphers.length) {
    await db.transaction(({ em }) => bulkInsert(em, EncryptionKey, ciphers.map((p) => ring.newCipherRecord(p, now))));
    await read();
  }
  const dataKeys = ring.missingDataKeys();
  if (dataKeys.length) {
    await db.transaction(({ em }) => bulkInsert(em, EncryptionKey, dataKeys.map((p) => ring.newDataKeyRecord(p, now))));
    await read();
  }
  if (!ring.loaded) throw new Error('The key ring could not be loaded from the key table');
}
