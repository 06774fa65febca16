import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Clock } from '../common/clock';
import { sha256Hex } from '../common/crypto';
import { Database } from '../database/database.service';
import { queryRows } from '../database/sql';
import { PageHandoff } from './page-handoff.entity';

/** Which page a record is for; a record opens only on its own page. */
export type HandoffKind = 'complaint-done' | 'track' | 'intake-done';

/** How long a done page can be reloaded on the device that submitted. */
export const HANDOFF_TTL_MS = 15 * 60 * 1000;

/** A cookie value: 256 random bits, base64url. */
const ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Short-lived, one-device records behind the done pages and the tracking result: the cookie holds
 * only a random id; the row is found by the id's hash and sealed with a key derived from the id,
 * so the tracking code is in no cookie and in clear in no table. Expired rows are purged as new
 * ones are written.
 */
@Injectable()
export class PageHandoffs {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Stores the payload; the answer is the cookie value. */
  async create(kind: HandoffKind, payload: object): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const now = this.clock.now().getTime();
    const idHash = hashOf(id);
    await this.db.transaction(async (uow) => {
      const em = uow.em;
      await queryRows(em, 'DELETE FROM page_handoffs WHERE expires_at <= $1', [now]);
      await em.insert(PageHandoff, { idHash, kind, payloadEnc: seal(id, kind, idHash, payload), expiresAt: now + HANDOFF_TTL_MS, createdAt: now });
    });
    return id;
  }

  /** The payload behind a cookie value, or null when there is none, it expired, or it is another page's. */
  async read<T>(kind: HandoffKind, id: string | undefined): Promise<T | null> {
    if (!id || !ID.test(id)) return null;
    const idHash = hashOf(id);
    const row = await this.db.manager.findOne(PageHandoff, { where: { idHash } });
    if (!row || row.kind !== kind || row.expiresAt <= this.clock.now().getTime()) return null;
    try {
      return JSON.parse(unseal(id, kind, idHash, row.payloadEnc)) as T;
    } catch {
      return null;
    }
  }

  /** Replaces the payload; the record keeps its expiry. */
  async update(kind: HandoffKind, id: string, payload: object): Promise<void> {
    if (!ID.test(id)) return;
    const idHash = hashOf(id);
    await this.db.transaction(({ em }) => em.update(PageHandoff, { idHash, kind }, { payloadEnc: seal(id, kind, idHash, payload) }));
  }

  async remove(id: string | undefined): Promise<void> {
    if (!id || !ID.test(id)) return;
    await this.db.transaction(({ em }) => em.delete(PageHandoff, { idHash: hashOf(id) }));
  }
}

const hashOf = (id: string) => sha256Hex(`page-handoff:${id}`);

function keyOf(id: string, kind: HandoffKind): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(id, 'base64url'), Buffer.alloc(0), Buffer.from(`kpac:page-handoff:${kind}`, 'utf8'), 32));
}

function seal(id: string, kind: HandoffKind, idHash: string, payload: object): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(id, kind), iv);
  cipher.setAAD(Buffer.from(idHash, 'utf8'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), ct].map((b) => b.toString('base64url')).join('.');
}

function unseal(id: string, kind: HandoffKind, idHash: string, sealed: string): string {
  const [iv, tag, ct] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', keyOf(id, kind), iv);
  decipher.setAAD(Buffer.from(idHash, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
}
